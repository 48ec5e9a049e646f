// Which hints a pull request introduces. A hint is identified by its id, and for the hints
// made per hiding layer also by that layer's instruction: a second `RUN rm …` that deletes
// another layer's files is a new problem, while a pip cache that grew is the same one.

import type { Hint } from '../report.js'

/** Ids whose hints are one per responsible instruction rather than one per image. */
export const PER_INSTRUCTION_IDS: ReadonlySet<string> = new Set([
  'deleted-later',
  'overwritten',
  'metadata-rewrite'
])

export function hintKey(h: Pick<Hint, 'id' | 'instruction'>): string {
  if (!PER_INSTRUCTION_IDS.has(h.id)) return h.id
  return `${h.id}\u0000${(h.instruction ?? '').replace(/\s+/g, ' ').trim()}`
}

/**
 * Sets `new` on each current hint: true when the baseline had no hint with the same key.
 * Without a baseline `new` is left out (undefined): there is nothing to compare with.
 */
export function markNewHints(current: Hint[], baseline: Hint[] | undefined): Hint[] {
  if (!baseline) {
    return current.map(h => {
      const copy = { ...h }
      delete copy.new
      return copy
    })
  }
  const known = new Set(baseline.map(hintKey))
  return current.map(h => ({ ...h, new: !known.has(hintKey(h)) }))
}
