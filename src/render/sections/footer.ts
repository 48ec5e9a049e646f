// The footer: how to accept an intended increase, who accepted one, the thresholds in force,
// the run. The accept instructions appear only when a check fails: on a passing PR they
// would be noise (compressed-size-action#16, "I subconsciously ignore the bot's comments").

import { code, link } from '../escape.js'
import { type Env } from './format.js'
import type { ImageResult } from '../../diff/result.js'

export function footer(results: ImageResult[], env: Env): string {
  const lines = [
    acceptLine(results, env),
    ...acceptedLines(results, env),
    ...thresholdLines(results),
    runLine(env)
  ]
  const shown = lines.filter(Boolean).map(l => `<sub>${l}</sub>`)
  return shown.length > 0 ? `---\n\n${shown.join('\n\n')}` : ''
}

function acceptLine(results: ImageResult[], env: Env): string {
  if (!env.acceptLabel || !results.some(r => r.verdict.verdict === 'fail')) return ''
  return `To accept an intended increase, add the label ${code(env.acceptLabel, 60)} — it counts only when added by someone with write access.`
}

function acceptedLines(results: ImageResult[], env: Env): string[] {
  const many = results.length > 1
  return results
    .filter(r => r.verdict.verdict === 'accepted')
    .map(r => {
      const what = many ? `${code(r.name, 100)}: accepted` : 'Accepted'
      const by = r.verdict.acceptedBy ? ` by ${code(r.verdict.acceptedBy, 60)}` : ''
      const label = env.acceptLabel ? ` with the label ${code(env.acceptLabel, 60)}` : ''
      return `${what}${by}${label}.`
    })
}

/** One line when every image has the same thresholds, else one per image. */
function thresholdLines(results: ImageResult[]): string[] {
  const sets = new Map<string, ImageResult[]>()
  for (const r of results)
    sets.set(JSON.stringify(r.thresholds), [...(sets.get(JSON.stringify(r.thresholds)) ?? []), r])
  const line = (t: string[]) => (t.length === 0 ? 'none set' : t.map(x => code(x, 120)).join(', '))
  if (sets.size <= 1) return results.length ? [`Thresholds: ${line(results[0].thresholds)}.`] : []
  return results.map(r => `Thresholds for ${code(r.name, 100)}: ${line(r.thresholds)}.`)
}

function runLine(env: Env): string {
  if (!env.runUrl) return ''
  const a = link(env.runUrl, 'workflow run')
  return a === 'workflow run' ? '' : `Measured by image-size-guard in this ${a}.`
}
