// Turning (run seed, case number) into a case: a seed input, 1-3 mutations from the catalogue
// applied in stage order, an entry point and reader options. The million-entry generated inputs
// come on a fixed schedule, since each one takes seconds.

import { describeSpec } from './generator.js'
import { CATALOGUE, NotApplicable, type Mutation } from './mutations/index.js'
import { Rng } from './rng.js'
import type { Seed } from './seeds.js'
import { MutState } from './state.js'
import type { CaseOptions, FuzzCase, GeneratorSpec, RunMode } from './types.js'

export interface CaseBounds {
  /** Wall time of an ordinary case. */
  timeoutMs: number
  /** Wall time of a generated million-entry case. */
  heavyTimeoutMs: number
  small?: boolean
}

export const GENERATED_LAYOUT = 'generated'

// Case numbers that get a generated input: two early (so even a short run has them), then
// one every 2500 cases, cycling through the variants.
const HEAVY_EVERY = 2500
const HEAVY: { spec: GeneratorSpec; options: CaseOptions }[] = [
  { spec: { name: 'empty-files', count: 1_000_000, where: 'layer' }, options: {} },
  { spec: { name: 'empty-files', count: 1_000_000, where: 'outer' }, options: {} },
  {
    spec: { name: 'empty-files', count: 1_200_000, where: 'layer' },
    options: { maxEntries: 1_000_000 }
  },
  {
    spec: { name: 'empty-files', count: 3_000_000, where: 'outer' },
    options: { maxEntries: 1_000_000 }
  }
]

export function heavySlot(id: number): number | undefined {
  if (id === 20) return 0
  if (id === 40) return 1
  if (id > 0 && id % HEAVY_EVERY === 0) return (id / HEAVY_EVERY + 1) % HEAVY.length
  return undefined
}

export function generatedCase(
  id: number,
  caseSeed: number,
  slot: number,
  bounds: CaseBounds
): FuzzCase {
  const { spec, options } = HEAVY[slot]
  const limit = options.maxEntries ? `, maxEntries ${options.maxEntries}` : ''
  return {
    id,
    caseSeed,
    seed: GENERATED_LAYOUT,
    layout: GENERATED_LAYOUT,
    mutations: [`million-empty-files(${describeSpec(spec)}${limit})`],
    input: { kind: 'generated', spec },
    mode: 'stream',
    options,
    timeoutMs: bounds.heavyTimeoutMs
  }
}

function randomOptions(rng: Rng, seed: Seed): CaseOptions {
  const o: CaseOptions = { chunkSize: rng.pick([1, 7, 100, 512, 4096, 65536, 1 << 20]) }
  if (rng.chance(0.2)) o.estimateCompressed = true
  if (rng.chance(0.15)) o.platform = rng.pick([...seed.platforms, 'linux/arm/v7'])
  if (rng.chance(0.5)) o.wantContent = true
  if (rng.chance(0.5)) o.analyse = true
  return o
}

function pickMode(rng: Rng, kind: 'archive' | 'dir'): RunMode {
  const roll = rng.next()
  if (kind === 'dir') return roll < 0.35 ? 'dir' : roll < 0.6 ? 'source' : 'measure'
  return roll < 0.3 ? 'stream' : roll < 0.5 ? 'file' : roll < 0.6 ? 'source' : 'measure'
}

function mutationCount(rng: Rng): number {
  const roll = rng.next()
  return roll < 0.5 ? 1 : roll < 0.8 ? 2 : 3
}

/** Applies mutations in stage order; returns the `name(variant)` of those that applied. */
function applyAll(state: MutState, chosen: Mutation[], rng: Rng, small: boolean): string[] {
  const applied: string[] = []
  const ordered = [...chosen].sort((a, b) => a.stage - b.stage)
  for (const m of ordered) {
    try {
      applied.push(`${m.name}(${m.apply(state, { rng, small })})`)
    } catch (err) {
      // A mutation that cannot work on what earlier ones made (re-serialising a document
      // nested 10 000 deep overflows JSON.stringify's stack) is left out, like NotApplicable.
      const tooDeep = err instanceof RangeError && /call stack/.test(err.message)
      if (!(err instanceof NotApplicable) && !tooDeep) throw err
    }
  }
  return applied
}

function assemble(
  id: number,
  caseSeed: number,
  seed: Seed,
  state: MutState,
  mutations: string[],
  mode: RunMode,
  bounds: CaseBounds
): FuzzCase {
  return {
    id,
    caseSeed,
    seed: seed.name,
    layout: seed.layout,
    mutations: mutations.length > 0 ? mutations : ['none'],
    input: state.toInput(),
    mode,
    options: state.options,
    timeoutMs: Math.max(bounds.timeoutMs, state.timeoutMs ?? 0)
  }
}

/** Case `id` of a run: a random seed, 1-3 random applicable mutations, a random entry point. */
export function makeCase(
  id: number,
  caseSeed: number,
  seeds: Seed[],
  bounds: CaseBounds
): FuzzCase {
  const slot = bounds.small ? undefined : heavySlot(id)
  if (slot !== undefined) return generatedCase(id, caseSeed, slot, bounds)
  const rng = new Rng(caseSeed)
  const seed = rng.pick(seeds)
  const kind = seed.input.kind
  const state = new MutState(seed.input, randomOptions(rng, seed), seed.platforms)
  const applicable = CATALOGUE.filter(m => m.kinds.includes(kind))
  const chosen = rng.shuffle([...applicable]).slice(0, mutationCount(rng))
  const applied = applyAll(state, chosen, rng, bounds.small === true)
  return assemble(id, caseSeed, seed, state, applied, pickMode(rng, kind), bounds)
}

/** One case with exactly this mutation on this seed (the smoke test); throws if it cannot apply. */
export function caseWith(
  mutation: Mutation,
  seed: Seed,
  caseSeed: number,
  mode: RunMode,
  bounds: CaseBounds
): FuzzCase {
  const rng = new Rng(caseSeed)
  const state = new MutState(seed.input, { chunkSize: 4096 }, seed.platforms)
  const variant = mutation.apply(state, { rng, small: bounds.small === true })
  return assemble(0, caseSeed, seed, state, [`${mutation.name}(${variant})`], mode, bounds)
}
