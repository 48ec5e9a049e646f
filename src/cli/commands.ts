// The CLI's commands: analyze, compare, record, check. Each measures through the same
// pipeline as the action and prints text, JSON or markdown.

import type { Report } from '../analysis/report.js'
import { LocalBaselineStore, DEFAULT_BASELINE_DIR } from '../baseline/local-store.js'
import { toBaseline } from '../baseline/schema.js'
import { UsageError } from '../errors.js'
import { execCommand } from '../exec.js'
import type { Log } from '../github/client.js'
import { deriveName } from '../inputs.js'
import { measure } from '../measure.js'
import { isArchiveSource, looksLikePath } from '../image/source.js'
import { renderMarkdownReport } from '../render/markdown.js'
import type { BaselineInfo, ImageResult } from '../render/model.js'
import { renderComparisonTerminal, renderTerminal } from '../render/terminal.js'
import { judge } from '../diff/judge.js'
import { printFixDiff, writeSarif } from './fixes.js'
import type { CliIo } from './main.js'
import { measureOptionsOf, thresholdsOf, type Values } from './options.js'
import { progressReporter } from './progress.js'

async function measureSource(
  source: string,
  v: Values,
  io: CliIo,
  side: 'head' | 'base' = 'head'
): Promise<Report> {
  const progress = progressReporter(io, !v['no-progress'])
  try {
    const { report } = await measure(source, {
      ...measureOptionsOf(v, side),
      onProgress: progress.update,
      onWarning: m => io.stderr(`warning: ${m}\n`)
    })
    return report
  } finally {
    progress.done()
  }
}

function nameOf(source: string, v: Values): string {
  if (v.name) return v.name
  const archive = isArchiveSource(source) || looksLikePath(source)
  return deriveName(
    archive ? { archive: source, repoName: 'image' } : { image: source, repoName: 'image' }
  )
}

function args(list: string[], count: number, usage: string): string[] {
  if (list.length !== count) throw new UsageError(`${usage}. Run image-size-guard --help for usage`)
  return list
}

export async function analyzeCommand(list: string[], v: Values, io: CliIo): Promise<number> {
  const [source] = args(list, 1, 'analyze takes exactly one <source>')
  const thresholds = thresholdsOf(v)
  const report = await measureSource(source, v, io)
  if (v.sarif !== undefined) await writeSarif(v.sarif, nameOf(source, v), report, v.dockerfile, io)
  if (v['fix-diff']) return await printFixDiff(report, v, io)
  const result = judge(nameOf(source, v), report, undefined, thresholds)
  output(io, v, result, () => renderTerminal(report))
  return result.verdict.verdict === 'fail' ? 1 : 0
}

export async function compareCommand(list: string[], v: Values, io: CliIo): Promise<number> {
  const [baseSource, headSource] = args(list, 2, 'compare takes <base> and <head>')
  const thresholds = thresholdsOf(v)
  const base = await measureSource(baseSource, v, io, 'base')
  const head = await measureSource(headSource, v, io)
  const info: BaselineInfo = { method: 'given', sha: '', branch: '', label: baseSource }
  const result = judge(nameOf(headSource, v), head, { ...info, report: base }, thresholds)
  output(io, v, result, () => renderComparisonTerminal(result))
  return result.verdict.verdict === 'fail' ? 1 : 0
}

export async function recordCommand(list: string[], v: Values, io: CliIo): Promise<number> {
  const [source] = args(list, 1, 'record takes exactly one <source>')
  const sha = v.sha ?? (await gitHead())
  const report = await measureSource(source, v, io)
  const store = new LocalBaselineStore(v['baseline-dir'] ?? DEFAULT_BASELINE_DIR, storeLog(io))
  const name = nameOf(source, v)
  await store.put(
    toBaseline(report, { name, platform: report.image.platform, sha, branch: await gitBranch() })
  )
  io.stderr(
    `recorded ${name} (${report.image.platform}) at ${sha.slice(0, 12)} in ${v['baseline-dir'] ?? DEFAULT_BASELINE_DIR}\n`
  )
  if (v.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`)
  return 0
}

export async function checkCommand(list: string[], v: Values, io: CliIo): Promise<number> {
  const [source] = args(list, 1, 'check takes exactly one <source>')
  const thresholds = thresholdsOf(v)
  const dir = v['baseline-dir'] ?? DEFAULT_BASELINE_DIR
  const store = new LocalBaselineStore(dir, storeLog(io))
  const head = await measureSource(source, v, io)
  const name = nameOf(source, v)
  const platform = head.image.platform
  const sha = v.against ?? (await store.history(name, platform, 1))[0]?.sha
  const baseline = sha ? await store.get(name, platform, sha) : undefined
  if (v.against && !baseline) {
    throw new UsageError(
      `no baseline of ${name} (${platform}) at ${v.against} in ${dir}: record one with image-size-guard record`
    )
  }
  const info = baseline
    ? {
        method: 'stored' as const,
        sha: baseline.sha,
        branch: baseline.branch,
        report: baseline.report
      }
    : undefined
  const result = judge(name, head, info, thresholds)
  output(io, v, result, () =>
    result.comparison ? renderComparisonTerminal(result) : renderTerminal(head)
  )
  return result.verdict.verdict === 'fail' ? 1 : 0
}

function output(io: CliIo, v: Values, result: ImageResult, text: () => string): void {
  if (v.json) {
    const { report, comparison, verdict } = result
    io.stdout(`${JSON.stringify(comparison ? { report, comparison, verdict } : report, null, 2)}\n`)
  } else if (v.markdown) io.stdout(renderMarkdownReport(result))
  else io.stdout(text() + verdictLines(result))
}

function verdictLines(r: ImageResult): string {
  if (r.verdict.verdict === 'no-baseline' && !r.comparison && r.verdict.reasons.length === 0)
    return ''
  const lines = [`\nVerdict: ${r.verdict.verdict}`, ...r.verdict.reasons.map(x => `  - ${x}`)]
  return `${lines.join('\n')}\n`
}

async function gitHead(): Promise<string> {
  const r = await execCommand('git', ['rev-parse', 'HEAD'])
  const sha = r.stdout.trim()
  if (r.code !== 0 || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new UsageError(
      'record needs the commit the image was built from: run it in a git checkout or pass --sha'
    )
  }
  return sha
}

async function gitBranch(): Promise<string> {
  const r = await execCommand('git', ['rev-parse', '--abbrev-ref', 'HEAD'])
  return r.code === 0 ? r.stdout.trim() : ''
}

/** The store's notes on stderr: warnings always (a corrupt baseline skipped), the rest never. */
function storeLog(io: CliIo): Log {
  return {
    info: () => {},
    debug: () => {},
    warning: m => io.stderr(`warning: ${m}\n`)
  }
}
