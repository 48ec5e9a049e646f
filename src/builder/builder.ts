// Builds an image from a Dockerfile with the best builder the machine has: `docker buildx
// build --load` when buildx answers, else the client's built-in BuildKit (Docker < 23), else
// the legacy builder. The image id comes from --iidfile, never from log text.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execCommand, lastLines } from '../exec.js'
import type { BuildInfo } from '../model.js'

/** What to build: the action's inputs `context`, `file`, `target`, `build-args`… */
export interface BuildSpec {
  context: string
  file: string
  target?: string
  buildArgs: Record<string, string>
  secrets: string[]
  network?: string
  cacheFrom: string[]
  cacheTo: string[]
}

export type Builder = BuildInfo['builder']

export interface BuildRequest {
  spec: BuildSpec
  /** Directory the spec's context and file are relative to (the workspace or a worktree). */
  cwd: string
  platform?: string
  tag: string
  log: (line: string) => void
}

export interface BuildResult {
  imageId: string
  tag: string
  durationMs: number
  builder: Builder
}

const ERROR_LINES = 20

let detected: Promise<Builder> | undefined

/** Which builder this machine has (asked once per process). */
export function detectBuilder(): Promise<Builder> {
  detected ??= (async () => {
    if ((await execCommand('docker', ['buildx', 'version'])).code === 0) return 'buildx'
    const v = await execCommand('docker', ['version', '--format', '{{.Client.Version}}'])
    // Since Docker 23 the client's BuildKit path needs the buildx plugin.
    const major = Number(/^(\d+)/.exec(v.stdout.trim())?.[1] ?? '0')
    return v.code === 0 && major > 0 && major < 23 ? 'buildkit' : 'legacy'
  })()
  return detected
}

/** Forgets the detected builder, so the next build asks again (after PATH changed). */
export function resetBuilderDetection(): void {
  detected = undefined
}

export function throwawayTag(name: string): string {
  const safe =
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-.]+/, '')
      .slice(0, 60) || 'image'
  return `image-size-guard/${safe}:${randomBytes(6).toString('hex')}`
}

export async function buildImage(req: BuildRequest): Promise<BuildResult> {
  const builder = await detectBuilder()
  const dir = mkdtempSync(join(tmpdir(), 'isg-build-'))
  const iidfile = join(dir, 'iid')
  const tail: string[] = []
  const started = Date.now()
  try {
    const args = buildArgs(builder, req, iidfile)
    const r = await execCommand('docker', args, {
      cwd: req.cwd,
      env: builderEnv(builder),
      onLine: line => {
        req.log(line)
        // The legacy builder colours a RUN's stderr (ESC[91m … ESC[0m) and may end on a
        // lone reset code: the message keeps the text only.
        const text = withoutAnsi(line).trimEnd()
        if (text.trim() === '') return
        tail.push(text)
        if (tail.length > ERROR_LINES) tail.shift()
      }
    })
    const durationMs = Date.now() - started
    if (r.code !== 0) {
      throw new Error(
        `the image did not build (docker ${args[0] === 'buildx' ? 'buildx build' : 'build'} exit ${r.code}, ${req.spec.file}): ` +
          lastLines(tail.join('\n'), 1) +
          `\nLast lines of the build:\n${tail.join('\n')}`
      )
    }
    const imageId = readFileSync(iidfile, 'utf8').trim()
    if (!imageId) throw new Error(`the builder wrote no image id to --iidfile for ${req.spec.file}`)
    return { imageId, tag: req.tag, durationMs, builder }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// CSI sequences (colours, cursor moves) and lone carriage returns.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\r/g

/** A log line without terminal control sequences. */
export function withoutAnsi(line: string): string {
  return line.replace(ANSI, '')
}

function builderEnv(builder: Builder): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)
  )
  env.DOCKER_BUILDKIT = builder === 'legacy' ? '0' : '1'
  return env
}

export function buildArgs(builder: Builder, req: BuildRequest, iidfile: string): string[] {
  const s = req.spec
  const args = builder === 'buildx' ? ['buildx', 'build', '--load'] : ['build']
  args.push('--iidfile', iidfile, '--tag', req.tag, '--file', s.file)
  if (s.target) args.push('--target', s.target)
  for (const [k, v] of Object.entries(s.buildArgs)) args.push('--build-arg', `${k}=${v}`)
  if (s.network) args.push('--network', s.network)
  if (req.platform) args.push('--platform', req.platform)
  if (builder !== 'legacy') {
    for (const secret of s.secrets) args.push('--secret', secret)
  }
  if (builder === 'buildx') {
    for (const c of s.cacheFrom) args.push('--cache-from', c)
    for (const c of s.cacheTo) args.push('--cache-to', c)
  } else {
    // The classic builders take --cache-from image references only.
    for (const c of s.cacheFrom) if (!c.includes('type=')) args.push('--cache-from', c)
  }
  // Plain progress: one line per step in the log instead of a redrawn terminal UI.
  if (builder !== 'legacy') args.push('--progress=plain')
  // The legacy builder keeps the container of a failed RUN unless told otherwise: on a
  // self-hosted runner every failed build would leave one behind.
  else args.push('--force-rm')
  args.push(s.context)
  return args
}

export async function removeImage(tag: string): Promise<void> {
  await execCommand('docker', ['image', 'rm', '--force', tag])
}

/** What the caller should warn about for a spec this builder cannot honour. */
export function unsupported(builder: Builder, spec: BuildSpec): string[] {
  const notes: string[] = []
  if (builder === 'legacy' && spec.secrets.length)
    notes.push('build-secrets need BuildKit; they were not passed')
  if (builder !== 'buildx' && spec.cacheTo.length)
    notes.push('cache-to needs docker buildx; it was not passed')
  if (builder !== 'buildx' && spec.cacheFrom.some(c => c.includes('type='))) {
    notes.push('cache-from with type=… needs docker buildx; it was not passed')
  }
  return notes
}
