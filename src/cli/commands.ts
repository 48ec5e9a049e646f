// The CLI's commands: analyze, compare, record, check. Each measures through the same
// pipeline as the action and prints text, JSON or markdown.

import type { Report } from '../analysis/report.js'
import { LocalBaselineStore, DEFAULT_BASELINE_DIR } from '../baseline/local-store.js'
import { toBaseline } from '../baseline/schema.js'
import { UsageError } from '../errors.js'
import { execCommand } from '../exec.js'
import { deriveName } from '../inputs.js'
import { ALL_PLATFORMS, measureEach } from '../measure.js'
import { summarizeCompressed } from '../analysis/compressed.js'
import { inspectRegistryImage } from '../image/registry/inspect.js'
import { isRegistrySource } from '../image/registry/reference.js'
import { renderCompressedTerminal } from '../render/terminal-compressed.js'
import { isArchiveSource, looksLikePath } from '../image/source.js'
import { renderMarkdownReport } from '../render/markdown.js'
import { renderComparisonTerminal, renderTerminal } from '../render/terminal.js'
import { judge } from '../diff/judge.js'
import { printFixDiff, writeSarif } from './fixes.js'
import type { CliIo } from './io.js'
import { measureOptionsOf, registryOptionsOf, thresholdsOf, type Values } from './options.js'
import { progressReporter } from './progress.js'
import type { Log, BaselineInfo } from '../model.js'
import type { ImageResult } from '../diff/result.js'
import { logSafeJson } from '../unsafe.js'

async function measureSource(
  source: string,
  v: Values,
  io: CliIo,
  side: 'head' | 'base' = 'head'
): Promise<Report> {
  if (v.platform === ALL_PLATFORMS)
    throw new UsageError('--platform all works with analyze, record and check')
  const [report] = await measureSources(source, v, io, side)
  return report
}

/** One report, or one per platform with --platform all (docker:// sources). */
async function measureSources(
  source: string,
  v: Values,
  io: CliIo,
  side: 'head' | 'base' = 'head'
): Promise<Report[]> {
  const progress = progressReporter(io, !v['no-progress'])
  try {
    const analyses = await measureEach(source, {
      ...measureOptionsOf(v, side),
      onProgress: progress.update,
      onWarning: m => io.stderr(`warning: ${m}\n`)
    })
    return analyses.map(a => a.report)
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
  if (v.fast) return fastCommand(source, v, io)
  const reports = await measureSources(source, v, io)
  // --sarif and --fix-diff are about the Dockerfile: the first platform's hints name it
  if (v.sarif !== undefined)
    await writeSarif(v.sarif, nameOf(source, v), reports[0], v.dockerfile, io)
  if (v['fix-diff']) return await printFixDiff(reports[0], v, io)
  const results = reports.map(report => judge(nameOf(source, v), report, undefined, thresholds))
  if (v.json && results.length > 1) {
    // --platform all: one JSON document, a list of the platforms' reports
    io.stdout(`${logSafeJson(results.map(r => r.report))}\n`)
  } else for (const r of results) output(io, v, r, () => renderTerminal(r.report))
  return results.some(r => r.verdict.verdict === 'fail') ? 1 : 0
}

/** analyze --fast: a registry image from its manifests and configs, no layer downloaded. */
async function fastCommand(source: string, v: Values, io: CliIo): Promise<number> {
  if (!isRegistrySource(source))
    throw new UsageError(
      `--fast reads a registry image: give docker://HOST/REPO:TAG, not ${source}`
    )
  const summary = summarizeCompressed(
    await inspectRegistryImage(source, {
      ...(v.platform ? { platform: v.platform } : {}),
      maxJsonBytes: measureOptionsOf(v).limits.maxJsonBytes,
      registry: registryOptionsOf(v)
    })
  )
  io.stdout(v.json ? `${logSafeJson(summary)}\n` : renderCompressedTerminal(summary))
  return 0
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
  const store = new LocalBaselineStore(v['baseline-dir'] ?? DEFAULT_BASELINE_DIR, storeLog(io))
  const name = nameOf(source, v)
  for (const report of await measureSources(source, v, io)) {
    await store.put(
      toBaseline(report, { name, platform: report.image.platform, sha, branch: await gitBranch() })
    )
    io.stderr(
      `recorded ${name} (${report.image.platform}) at ${sha.slice(0, 12)} in ${v['baseline-dir'] ?? DEFAULT_BASELINE_DIR}\n`
    )
    if (v.json) io.stdout(`${logSafeJson(report)}\n`)
  }
  return 0
}

export async function checkCommand(list: string[], v: Values, io: CliIo): Promise<number> {
  const [source] = args(list, 1, 'check takes exactly one <source>')
  thresholdsOf(v) // bad thresholds are refused before anything is read
  const store = new LocalBaselineStore(v['baseline-dir'] ?? DEFAULT_BASELINE_DIR, storeLog(io))
  const name = nameOf(source, v)
  let failed = false
  for (const head of await measureSources(source, v, io)) {
    failed ||= (await checkOne(head, name, store, v, io)) !== 0
  }
  return failed ? 1 : 0
}

async function checkOne(
  head: Report,
  name: string,
  store: LocalBaselineStore,
  v: Values,
  io: CliIo
): Promise<number> {
  const thresholds = thresholdsOf(v)
  const dir = v['baseline-dir'] ?? DEFAULT_BASELINE_DIR
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
    io.stdout(`${logSafeJson(comparison ? { report, comparison, verdict } : report)}\n`)
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
