// The mutation catalogue: every kind of damage the harness applies, in one list.

import { COMPRESSION_MUTATIONS } from './compression.js'
import { DIR_MUTATIONS } from './dir.js'
import { JSON_MUTATIONS } from './json.js'
import {
  layerItems,
  layerTar,
  outerItems,
  outerTar,
  type Group,
  type ItemEdit,
  type Mutation
} from './kit.js'
import {
  dropEntry,
  duplicateEntry,
  evilNames,
  gnuLongNames,
  hardlinkChain,
  longPath,
  manyEmptyFiles,
  nulNames,
  paxGarbage,
  paxGlobal,
  paxIds,
  paxPath,
  paxSize,
  shuffleEntries,
  symlinkChain,
  TAR_EDITS,
  tarOfTars,
  typeSwap,
  whiteoutOddities
} from './tar-edits.js'

export type { Group, Mutation, MutationContext } from './kit.js'
export { NotApplicable } from './kit.js'

const ITEM_GROUPS: [ItemEdit, Group][] = [
  [paxSize, 'pax-gnu'],
  [paxPath, 'pax-gnu'],
  [paxIds, 'pax-gnu'],
  [paxGarbage, 'pax-gnu'],
  [paxGlobal, 'pax-gnu'],
  [gnuLongNames, 'pax-gnu'],
  [evilNames, 'names-links'],
  [nulNames, 'names-links'],
  [duplicateEntry, 'names-links'],
  [dropEntry, 'names-links'],
  [shuffleEntries, 'names-links'],
  [symlinkChain, 'names-links'],
  [hardlinkChain, 'names-links'],
  [typeSwap, 'names-links'],
  [tarOfTars, 'volume'],
  [manyEmptyFiles, 'volume'],
  [longPath, 'volume']
]

/** Limits lowered so that ordinary inputs hit them (the limit message is checked). */
const lowLimits: Mutation = {
  name: 'low-limits',
  group: 'volume',
  about: 'maxEntries / maxPathLength / maxJsonBytes lowered below what the input needs',
  stage: 0,
  kinds: ['archive', 'dir'],
  apply: (s, { rng }) => {
    const which = rng.pick(['maxEntries', 'maxPathLength', 'maxJsonBytes'] as const)
    const value =
      which === 'maxEntries'
        ? rng.range(0, 8)
        : which === 'maxPathLength'
          ? rng.range(1, 12)
          : rng.range(1, 300)
    s.options[which] = value
    return `${which} ${value}`
  }
}

export const CATALOGUE: Mutation[] = [
  ...TAR_EDITS.map(e => outerTar(e)),
  ...TAR_EDITS.map(e => layerTar(e)),
  ...ITEM_GROUPS.map(([e, g]) => outerItems(e, g)),
  ...ITEM_GROUPS.map(([e, g]) => layerItems(e, g)),
  layerItems(whiteoutOddities, 'names-links'),
  ...JSON_MUTATIONS,
  ...COMPRESSION_MUTATIONS,
  ...DIR_MUTATIONS,
  lowLimits
]

export function mutationNamed(name: string): Mutation | undefined {
  return CATALOGUE.find(m => m.name === name)
}
