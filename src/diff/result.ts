// One image judged: its report, the baseline it was compared with, the comparison and the
// verdict. What the renderers, the publish steps and the CLI are given.

import type { Report } from '../analysis/report.js'
import type { BaselineInfo, TrendPoint } from '../model.js'
import type { Comparison } from './compare.js'
import type { VerdictResult } from './verdict.js'

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
