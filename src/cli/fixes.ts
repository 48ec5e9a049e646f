// `analyze --fix-diff`: the hints' mechanical rewrites of the Dockerfile as a diff on stdout,
// for `git apply`; `analyze --sarif FILE`: the hints as SARIF 2.1.0. Both read the
// Dockerfile again (the pure rewriter and renderer take text).

import { readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import type { Report } from '../analysis/report.js'
import { unifiedDiff } from '../dockerfile/fix-diff.js'
import { rewritesFor } from '../dockerfile/rewrite.js'
import { renderSarif } from '../render/sarif.js'
import { VERSION } from '../version.js'
import { UsageError } from '../errors.js'
import { execCommand } from '../exec.js'
import type { CliIo } from './io.js'
import type { Values } from './options.js'

/** Prints the diff (nothing when no hint has a mechanical fix, with a note on stderr). */
export async function printFixDiff(report: Report, v: Values, io: CliIo): Promise<number> {
  const dockerfile = v.dockerfile
  if (v.json || v.markdown) throw new UsageError('--fix-diff prints a diff: drop --json/--markdown')
  if (!dockerfile)
    throw new UsageError('--fix-diff rewrites the Dockerfile: give it with --dockerfile')
  const text = readFileSync(dockerfile, 'utf8')
  const rewrites = rewritesFor(text, report.hints)
  const diff = unifiedDiff(await diffPath(dockerfile), text, rewrites)
  if (!diff) io.stderr('no hint of this image has a mechanical fix in the Dockerfile\n')
  else {
    const ids = rewrites.flatMap(r => r.ids)
    io.stderr(`fixes for ${ids.join(', ')}; apply with: git apply <this diff>\n`)
  }
  io.stdout(diff)
  return 0
}

/**
 * The path as `git apply` reads it: relative to the top of the Dockerfile's repository (from
 * any directory of it), else to the current directory; with `/`.
 */
async function diffPath(file: string): Promise<string> {
  const real = realpathSync(resolve(file))
  const r = await execCommand('git', ['-C', dirname(real), 'rev-parse', '--show-toplevel'])
  const root = r.code === 0 && r.stdout.trim() ? realpathSync(r.stdout.trim()) : process.cwd()
  return relative(root, real).split(sep).join('/')
}

/** Writes the SARIF log of `report` to `file`, Dockerfile paths relative to its repository. */
export async function writeSarif(
  file: string,
  name: string,
  report: Report,
  dockerfile: string | undefined,
  io: CliIo
): Promise<void> {
  const path = dockerfile ? await diffPath(dockerfile) : undefined
  const hints = report.hints.map(h => (h.dockerfile && path ? { ...h, dockerfile: path } : h))
  const texts = new Map<string, string>()
  if (dockerfile && path) texts.set(path, readFileSync(dockerfile, 'utf8'))
  const log = renderSarif([{ name, platform: report.image.platform, hints }], {
    version: VERSION,
    dockerfiles: texts
  })
  try {
    writeFileSync(file, `${JSON.stringify(log, null, 2)}\n`)
  } catch (e) {
    throw new UsageError(
      `--sarif ${file}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`
    )
  }
  io.stderr(`SARIF with ${hints.length} result(s) written to ${file}\n`)
}
