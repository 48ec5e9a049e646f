// Runs one case in this thread: writes the input into the case's sandbox, reads it through the
// chosen entry point (or the whole measure() pipeline) and classifies what came back. Used by
// the harness's worker threads and, in-process, by the jest smoke test.

import { execFileSync } from 'node:child_process'
import { lstat, mkdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import type { Analysis } from '../../src/analysis/analyze.js'
import { wantsContent } from '../../src/analysis/hints/content.js'
import {
  readImageArchiveFile,
  readImageArchiveStream,
  readImageSource,
  readOciLayoutDir,
  type ReadOptions
} from '../../src/image/archive/index.js'
import type { ImageData } from '../../src/image/types.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { analyse, measure, type MeasureOptions } from '../../src/measure.js'
import {
  classifyError,
  describeImage,
  imageProblem,
  reportProblem,
  warningProblem,
  type Verdict
} from './classify.js'
import { generate } from './generator.js'
import { OUTSIDE } from './mutations/dir.js'
import { Rng } from './rng.js'
import { entryBlocks, END_MARKER } from './tar.js'
import type { CaseOptions, DirFile, FuzzCase } from './types.js'

export interface Sandbox {
  /** The case's own directory: input files, decoys and TMPDIR live below it. */
  root: string
  /** Where the input (archive file or layout directory) is written. */
  input: string
}

export function sandboxOf(root: string): Sandbox {
  return { root, input: join(root, 'input') }
}

export interface Hooks {
  /** Called as a generated stream hands out each chunk (memory sampling). */
  onChunk?: () => void
}

export interface CaseVerdict extends Verdict {
  warnings: number
}

// ----- writing the input -----------------------------------------------------------------------

async function writeDecoys(root: string): Promise<void> {
  const outside = join(root, 'outside')
  await mkdir(outside, { recursive: true })
  const decoy = {
    schemaVersion: 2,
    manifests: [],
    note: 'isg-fuzz-escape decoy outside the layout'
  }
  await writeFile(join(outside, 'decoy.json'), JSON.stringify(decoy))
  await writeFile(
    join(outside, 'decoy.tar'),
    Buffer.concat([entryBlocks({ name: 'isg-fuzz-escape-decoy' }), END_MARKER])
  )
}

async function writeDirFile(dir: string, root: string, f: DirFile): Promise<void> {
  const path = join(dir, f.path)
  await mkdir(dirname(path), { recursive: true })
  const kind = f.kind ?? 'file'
  if (kind === 'dir') return void (await mkdir(path, { recursive: true }))
  if (kind === 'fifo') return void execFileSync('mkfifo', [path])
  if (kind === 'symlink') return symlink(f.symlink!.replace(OUTSIDE, join(root, 'outside')), path)
  // Another mutation may have made this path a FIFO or a link already: writing to a FIFO with
  // no reader would block the harness itself, and through a link would write outside.
  const existing = await lstat(path).catch(() => undefined)
  if (existing && !existing.isFile()) return
  await writeFile(path, f.data ?? Buffer.alloc(0))
}

/** Writes the case's input under the sandbox; returns the archive file or layout directory. */
export async function materialize(c: FuzzCase, box: Sandbox): Promise<string | undefined> {
  await mkdir(join(box.root, 'tmp'), { recursive: true })
  if (c.input.kind === 'generated') return undefined
  if (c.input.kind === 'archive') {
    await mkdir(box.input, { recursive: true })
    const file = join(box.input, 'image.tar')
    await writeFile(file, c.input.bytes)
    return file
  }
  await writeDecoys(box.root)
  const dir = join(box.input, 'layout')
  await mkdir(dir, { recursive: true })
  // Directories first: a later file may sit inside a path another entry made a directory.
  const files = [...c.input.files].sort(
    (a, b) => Number(b.kind === 'dir') - Number(a.kind === 'dir')
  )
  for (const f of files) await writeDirFile(dir, box.root, f).catch(() => undefined)
  return dir
}

// ----- reading it --------------------------------------------------------------------------------

/** The bytes as a stream of random-sized chunks (at most ~50k of them). */
function chunked(bytes: Buffer, c: FuzzCase): Readable {
  const rng = new Rng(c.caseSeed ^ 0x5eed)
  const max = Math.max(c.options.chunkSize ?? 65536, Math.ceil(bytes.length / 50_000))
  const min = Math.max(1, Math.ceil(bytes.length / 50_000))
  let at = 0
  return new Readable({
    read() {
      if (at >= bytes.length) return void this.push(null)
      const n = rng.range(min, Math.max(min, max))
      this.push(bytes.subarray(at, at + n))
      at += n
    }
  })
}

function readOptions(o: CaseOptions, warnings: string[]): ReadOptions {
  return {
    ...(o.maxEntries !== undefined ? { maxEntries: o.maxEntries } : {}),
    ...(o.maxPathLength !== undefined ? { maxPathLength: o.maxPathLength } : {}),
    ...(o.maxJsonBytes !== undefined ? { maxJsonBytes: o.maxJsonBytes } : {}),
    ...(o.estimateCompressed ? { estimateCompressed: true } : {}),
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
    ...(o.reference !== undefined ? { reference: o.reference } : {}),
    ...(o.wantContent ? { wantContent: wantsContent } : {}),
    onWarning: w => void warnings.push(w)
  }
}

function measureOptions(o: CaseOptions, warnings: string[]): MeasureOptions {
  return {
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
    estimateCompressed: o.estimateCompressed === true,
    limits: {
      maxEntries: o.maxEntries ?? DEFAULT_LIMITS.maxEntries,
      maxPathLength: o.maxPathLength ?? DEFAULT_LIMITS.maxPathLength,
      maxJsonBytes: o.maxJsonBytes ?? DEFAULT_LIMITS.maxJsonBytes
    },
    onWarning: w => void warnings.push(w)
  }
}

/** `docker-archive:`/`oci-archive:` prefixes and `oci:` for directories, chosen per case. */
function sourceString(c: FuzzCase, path: string): string {
  const roll = c.caseSeed % 3
  if (c.input.kind === 'dir') return roll === 0 ? path : `oci:${path}`
  return roll === 0 ? path : roll === 1 ? `docker-archive:${path}` : `oci-archive:${path}`
}

async function readImage(
  c: FuzzCase,
  path: string | undefined,
  opts: ReadOptions,
  hooks: Hooks
): Promise<ImageData> {
  if (c.input.kind === 'generated')
    return readImageArchiveStream(generate(c.input.spec, hooks.onChunk), opts)
  if (c.mode === 'stream' && c.input.kind === 'archive')
    return readImageArchiveStream(chunked(c.input.bytes, c), opts)
  if (c.mode === 'dir' || (c.input.kind === 'dir' && c.mode !== 'source'))
    return readOciLayoutDir(path!, opts)
  if (c.mode === 'source') return readImageSource(sourceString(c, path!), opts)
  return readImageArchiveFile(path!, opts)
}

async function run(
  c: FuzzCase,
  path: string | undefined,
  warnings: string[],
  hooks: Hooks
): Promise<Verdict> {
  let image: ImageData
  let analysis: Analysis | undefined
  try {
    if (c.mode === 'measure' && path !== undefined) {
      analysis = await measure(
        c.input.kind === 'dir' ? `oci:${path}` : path,
        measureOptions(c.options, warnings)
      )
      image = analysis.image
    } else {
      image = await readImage(c, path, readOptions(c.options, warnings), hooks)
      if (c.options.analyse) analysis = await analyse(image, measureOptions(c.options, warnings))
    }
  } catch (err) {
    return classifyError(err)
  }
  const problem = imageProblem(image) ?? (analysis ? reportProblem(analysis, image) : undefined)
  if (problem) return { outcome: 'bad', detail: problem }
  return { outcome: 'valid', detail: describeImage(image, analysis) }
}

/** Reads the (already materialized) input and classifies the outcome. */
export async function readCase(
  c: FuzzCase,
  path: string | undefined,
  hooks: Hooks = {}
): Promise<CaseVerdict> {
  const warnings: string[] = []
  const verdict = await run(c, path, warnings, hooks)
  const noisy = verdict.outcome === 'bad' ? undefined : warningProblem(warnings)
  if (noisy) return { outcome: 'bad', detail: noisy, warnings: warnings.length }
  return { ...verdict, warnings: warnings.length }
}

/** materialize + readCase, for in-process use (the jest smoke test). */
export async function runCase(c: FuzzCase, root: string, hooks: Hooks = {}): Promise<CaseVerdict> {
  const box = sandboxOf(root)
  const path = await materialize(c, box)
  return readCase(c, path, hooks)
}
