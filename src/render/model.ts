// What the renderers (PR comment, job summary, CLI markdown) are given: plain data, so the
// renderers stay pure functions.

import type { Report } from '../analysis/report.js'
import type { Comparison } from '../diff/compare.js'
import type { VerdictResult } from '../diff/verdict.js'

/** `given`: the CLI compared two images named on its command line. */
export type BaselineMethod = 'stored' | 'nearest' | 'rebuilt' | 'given'

export interface BaselineInfo {
  method: BaselineMethod
  /** Commit the baseline was measured at. */
  sha: string
  /** Branch it belongs to (e.g. main). */
  branch: string
  /** `nearest`: how many commits before the wanted one. */
  distance?: number
  /** `given`: the image or archive compared with, as the user named it. */
  label?: string
}

export interface TrendPoint {
  sha: string
  totalBytes: number
  compressedBytes?: number
  recordedAt?: string
}

export interface ImageResult {
  /** The image's name in the config (input `name` or derived from the Dockerfile path). */
  name: string
  platform: string
  report: Report
  /** Absent on a first run (verdict no-baseline). */
  baseline?: BaselineInfo & { report: Report }
  comparison?: Comparison
  verdict: VerdictResult
  /** Oldest first: the image's recorded sizes on the base branch. */
  trend?: TrendPoint[]
  /** Repository-relative Dockerfile path, for links to lines. */
  dockerfile?: string
  /** Human-readable thresholds in force for this image, e.g. `max-increase: 10% & 25MB`. */
  thresholds: string[]
  /** No baseline because a recorded one could not be read: the status is pending, not success. */
  baselineUnreadable?: boolean
}

export interface RenderContext {
  /** `https://github.com/owner/repo`, for links to Dockerfile lines. */
  repoUrl?: string
  /** The PR head commit: Dockerfile line links point at it. */
  headSha?: string
  /** Link to the workflow run. */
  runUrl?: string
  acceptLabel: string
  /** Hidden marker identifying the comment (see github/comment.ts). */
  marker: string
  /** Matrix legs that left no readable report (aggregate mode): a row each. */
  missing?: MissingLeg[]
}

export interface MissingLeg {
  leg: string
  /** Why, in plain text (escaped by the renderer). */
  reason: string
  /** `fail-on-missing`: the missing leg fails the verdict. */
  fails: boolean
}

export interface RenderOptions {
  /** Hard limit of the output in characters (GitHub comments: 65,536). */
  maxLength: number
}
