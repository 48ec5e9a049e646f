import type { LayerSummary } from '../model.js'
// Pairs the layers of two images. Identical DiffID means identical layer; the rest pair by
// normalised instruction through a longest-common-subsequence match, so inserting one RUN
// does not mispair every layer after it (container-diff's index pairing does).

export interface LayerPair {
  before?: number
  after?: number
}

const SAME_CONTENT = 3
const SAME_INSTRUCTION = 2

/**
 * The instruction as a key for pairing: the legacy builder names copied content by hash
 * (`COPY file:<sha> in /app`), which changes with the content, not with the step.
 */
export function alignmentKey(createdBy: string): string {
  return createdBy
    .replace(/\b(file|dir|multi):[0-9a-f]{64}\b/g, '$1:*')
    .replace(/\s+/g, ' ')
    .trim()
}

function score(a: LayerSummary, b: LayerSummary): number {
  if (a.diffId === b.diffId) return SAME_CONTENT
  if (alignmentKey(a.createdBy) === alignmentKey(b.createdBy)) return SAME_INSTRUCTION
  return 0
}

/**
 * Weighted LCS: maximises the total score of paired layers in order. Returns every layer of
 * both images exactly once, in stack order (removed layers where they used to be).
 */
export function alignLayers(before: LayerSummary[], after: LayerSummary[]): LayerPair[] {
  const n = before.length
  const m = after.length
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const s = score(before[i], after[j])
      const pair = s > 0 ? s + best[i + 1][j + 1] : 0
      best[i][j] = Math.max(pair, best[i + 1][j], best[i][j + 1])
    }
  }
  return walk(before, after, best)
}

function walk(before: LayerSummary[], after: LayerSummary[], best: number[][]): LayerPair[] {
  const pairs: LayerPair[] = []
  let i = 0
  let j = 0
  while (i < before.length && j < after.length) {
    const s = score(before[i], after[j])
    if (s > 0 && best[i][j] === s + best[i + 1][j + 1]) pairs.push({ before: i++, after: j++ })
    else if (best[i][j] === best[i + 1][j]) pairs.push({ before: i++ })
    else pairs.push({ after: j++ })
  }
  while (i < before.length) pairs.push({ before: i++ })
  while (j < after.length) pairs.push({ after: j++ })
  return pairs
}
