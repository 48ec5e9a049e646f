// What grew: for each layer that grew, the paths it added or grew (largest first), collapsed.
// The paths come from each layer's bounded top-file list (see diff/compare.ts pathChanges).

import type { LayerDiff, PathChange } from '../../diff/compare.js'
import { formatDelta } from '../../units.js'
import { code } from '../escape.js'
import {
  count,
  DASH,
  details,
  type Env,
  instructionCell,
  PATH_MAX,
  plural,
  sizeOrDash,
  table
} from './format.js'
import type { ImageResult } from '../../diff/result.js'

export const GREW_LAYERS = 10
export const GREW_PATHS = 10

export function grewSection(r: ImageResult, env: Env): string {
  const grown = (r.comparison?.layers ?? [])
    .filter(l => l.status !== 'unchanged' && l.delta > 0 && l.paths.some(p => p.delta > 0))
    .sort((a, b) => b.delta - a.delta)
  if (grown.length === 0) return ''
  const blocks = grown.slice(0, GREW_LAYERS).map(l => layerPaths(l, r, env))
  const more =
    grown.length > GREW_LAYERS ? `\n\n… and ${count(grown.length - GREW_LAYERS)} more.` : ''
  return details(
    `What grew (top paths in ${plural(grown.length, 'grown layer')})`,
    blocks.join('\n\n') + more
  )
}

function layerPaths(l: LayerDiff, r: ImageResult, env: Env): string {
  const paths = l.paths.filter(p => p.delta > 0).slice(0, GREW_PATHS)
  const title = `${instructionCell(env, l.createdBy, r.dockerfile, l.dockerfileLine)} ${formatDelta(l.delta)}`
  const rows = paths.map(p => [
    code(p.path, PATH_MAX),
    p.change,
    before(p),
    sizeOrDash(p.after),
    formatDelta(p.delta)
  ])
  return `${title}\n\n${table(['Path', '', 'Before', 'After', 'Δ'], [false, false, true, true, true], rows)}`
}

function before(p: PathChange): string {
  return p.change === 'added' ? DASH : sizeOrDash(p.before)
}
