// Shared helpers for every test that needs a real Docker engine.
//
//   import { describeEngine, dockerBuild, pathBytes } from '../support/engine.js'
//   describeEngine('my engine test', () => { … })
//
// `engine` is probed once per test file at import time (`docker info` with the current
// DOCKER_HOST, 20 s timeout). Without an engine the engine-backed describes are skipped with
// one line saying why, unless REQUIRE_DOCKER=1 (CI), where importing this module throws.
// Every command runs with an argument array (spawn), never through a shell string.

import { spawn } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { describe } from '@jest/globals'
import tar from 'tar-stream'

// ---------------------------------------------------------------------------------------------
// Running commands

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** Kill the command (SIGKILL) after this long. Default: 10 minutes. */
  timeoutMs?: number
  /** Written to stdin, then stdin is closed. */
  input?: string
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  durationMs: number
  timedOut: boolean
}

/** Runs a command to the end and collects its output; never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 600_000)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', e => {
      clearTimeout(timer)
      reject(new Error(`could not run ${cmd}: ${e.message}`))
    })
    child.on('close', code => {
      clearTimeout(timer)
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Date.now() - started,
        timedOut
      })
    })
    child.stdin.on('error', () => undefined) // the command may exit without reading stdin
    child.stdin.end(opts.input ?? '')
  })
}

/** The last non-empty lines of a command's output, for error messages. */
export function lastLines(text: string, count = 25): string {
  const lines = text.split(/\r?\n/).filter(l => l.trim() !== '')
  return lines.slice(-count).join('\n')
}

function failure(what: string, r: RunResult, lines = 25): Error {
  const why = r.timedOut ? 'timed out' : `exit ${r.code}`
  const output = lastLines(`${r.stdout}\n${r.stderr}`, lines)
  return new Error(`${what} failed (${why}):\n${output}`)
}

/** `docker …` that must succeed; returns stdout. */
export async function docker(args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run('docker', args, opts)
  if (r.code !== 0 || r.timedOut) throw failure(`docker ${args.slice(0, 3).join(' ')}`, r, 10)
  return r.stdout
}

// ---------------------------------------------------------------------------------------------
// The engine

export interface Engine {
  available: boolean
  /** The DOCKER_HOST used ('(client default)' when unset). */
  host?: string
  serverVersion?: string
  /** Why no engine answers. */
  reason?: string
}

/**
 * Asks `docker info` (current DOCKER_HOST, ~20 s timeout) whether an engine answers. With
 * REQUIRE_DOCKER=1 a missing engine throws instead of returning `available: false`.
 */
export async function detectEngine(timeoutMs = 20_000): Promise<Engine> {
  const host = process.env.DOCKER_HOST || '(client default)'
  let reason: string
  try {
    const r = await run('docker', ['info', '--format', '{{json .ServerVersion}}'], { timeoutMs })
    const version = r.stdout.trim().replace(/^"|"$/g, '')
    if (r.code === 0 && version !== '' && version !== '<no value>') {
      return { available: true, host, serverVersion: version }
    }
    reason = r.timedOut
      ? `docker info timed out after ${timeoutMs} ms`
      : lastLines(r.stderr || r.stdout, 2) || `docker info exited ${r.code}`
  } catch (e) {
    reason = (e as Error).message // no docker client
  }
  reason = `no Docker engine answers at ${host}: ${reason.trim().replace(/\.+$/, '')}`
  if (process.env.REQUIRE_DOCKER === '1') {
    throw new Error(
      `REQUIRE_DOCKER=1 but ${reason}. Start one with: export DOCKER_HOST=$(bash scripts/docker-engine.sh)`
    )
  }
  return { available: false, host, reason }
}

export const engine: Engine = await detectEngine()

if (!engine.available) {
  process.stderr.write(
    `engine-backed tests SKIPPED: ${engine.reason} (REQUIRE_DOCKER=1 makes this a failure)\n`
  )
}

/** `describe` when an engine answers, else `describe.skip`. */
export const describeEngine: typeof describe.skip = engine.available ? describe : describe.skip

export type ImageStore = 'classic' | 'containerd'

/**
 * Which image store the engine uses: `containerd` when `docker info` names the containerd
 * snapshotter (Docker 24+ with the containerd-snapshotter feature, 29+ by default).
 */
export async function imageStore(host?: string): Promise<ImageStore> {
  const env = host ? { ...process.env, DOCKER_HOST: host } : process.env
  const out = await docker(['info', '--format', '{{json .DriverStatus}}'], { env })
  return out.includes('io.containerd.snapshotter') ? 'containerd' : 'classic'
}

/** The DOCKER_HOSTs of the engines scripts/docker-engine*.sh start (20.10, 26 ×2 stores). */
export const KNOWN_ENGINES = [
  'unix:///var/tmp/image-size-guard-engine/docker.sock',
  'unix:///var/tmp/image-size-guard-engine-26/classic/docker.sock',
  'unix:///var/tmp/image-size-guard-engine-26/containerd/docker.sock'
]

/**
 * The engines other than the current one, for tests that move images between engines:
 * ISG_ENGINE_HOSTS (space-separated DOCKER_HOSTs; .ci/run sets it), each of which must answer;
 * else those of KNOWN_ENGINES that answer.
 */
export async function otherEngines(): Promise<string[]> {
  const listed = (process.env.ISG_ENGINE_HOSTS ?? '').split(/\s+/).filter(Boolean)
  const current = process.env.DOCKER_HOST
  const candidates = (listed.length ? listed : KNOWN_ENGINES).filter(h => h !== current)
  const answering: string[] = []
  for (const host of candidates) {
    const r = await run('docker', ['info', '--format', '{{.ServerVersion}}'], {
      env: { ...process.env, DOCKER_HOST: host },
      timeoutMs: 20_000
    })
    if (r.code === 0) answering.push(host)
    else if (listed.length) {
      throw new Error(
        `ISG_ENGINE_HOSTS names ${host}, which does not answer: ${lastLines(r.stderr, 2)}`
      )
    }
  }
  return answering
}

// ---------------------------------------------------------------------------------------------
// Builders: tests ask for the one they need instead of assuming what the machine has

/** Where scripts/docker-engine-current.sh puts its DOCKER_CONFIG with the buildx plugin. */
export const DEFAULT_BUILDX_CONFIG = '/var/tmp/image-size-guard-engine-26/docker-config'

export interface Buildx {
  available: boolean
  /** The DOCKER_CONFIG that selects the plugin; undefined: the client finds it by itself. */
  dockerConfig?: string
  version?: string
  reason?: string
}

async function buildxVersion(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const r = await run('docker', ['buildx', 'version'], { env, timeoutMs: 20_000 })
    return r.code === 0 ? r.stdout.trim() : undefined
  } catch {
    return undefined
  }
}

/**
 * Finds the buildx plugin for the tests that ask for it: the client's own (~/.docker or
 * DOCKER_CONFIG, or a system plugin directory), else the DOCKER_CONFIG named by
 * ISG_BUILDX_CONFIG, else scripts/docker-engine-current.sh's. With an engine and
 * REQUIRE_DOCKER=1 a missing plugin throws: CI always provides one.
 */
export async function detectBuildx(): Promise<Buildx> {
  const own = await buildxVersion(process.env)
  if (own) return { available: true, version: own }
  const candidates = [process.env.ISG_BUILDX_CONFIG, DEFAULT_BUILDX_CONFIG].filter(
    (c): c is string => !!c && existsSync(join(c, 'cli-plugins', 'docker-buildx'))
  )
  for (const dockerConfig of candidates) {
    const version = await buildxVersion({ ...process.env, DOCKER_CONFIG: dockerConfig })
    if (version) return { available: true, dockerConfig, version }
  }
  const reason =
    'no docker buildx plugin (none for the client, none in ISG_BUILDX_CONFIG or ' +
    `${DEFAULT_BUILDX_CONFIG}; bash scripts/docker-engine-current.sh buildx unpacks one)`
  if (engine.available && process.env.REQUIRE_DOCKER === '1') {
    throw new Error(`REQUIRE_DOCKER=1 but ${reason}`)
  }
  return { available: false, reason }
}

export const buildx: Buildx = engine.available
  ? await detectBuildx()
  : { available: false, reason: 'no engine' }

if (engine.available && !buildx.available) {
  process.stderr.write(`buildx tests SKIPPED: ${buildx.reason}\n`)
}

/** `describe` when an engine answers and buildx is found, else `describe.skip`. */
export const describeBuildx: typeof describe.skip =
  engine.available && buildx.available ? describe : describe.skip

/** The environment of a `docker` that has buildx (see detectBuildx). */
export function buildxEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!buildx.available) throw new Error(`buildx asked for, but ${buildx.reason}`)
  return buildx.dockerConfig ? { ...base, DOCKER_CONFIG: buildx.dockerConfig } : { ...base }
}

export interface PinnedBuilder {
  /** Restores PATH as it was. */
  restore(): void
}

/**
 * Makes this process's `docker` (first on PATH) the client a user with exactly this builder
 * has, whatever the machine holds:
 * - `buildx`: the client with DOCKER_CONFIG selecting the plugin detectBuildx found;
 * - `buildkit`: Debian's 20.10 client (its `build` speaks BuildKit natively), buildx hidden;
 * - `legacy`: the `docker` first on PATH (28.x), buildx hidden.
 * A small `docker` wrapper put first on PATH does it: code under test resolves `docker` on
 * PATH, while its children get the real process environment (Jest's process.env is a copy),
 * so an environment variable set here would not reach them. Hidden buildx: the wrapper
 * answers `docker buildx …` as a client without the plugin does (exit 1).
 */
export function pinBuilder(builder: Builder | 'buildx'): PinnedBuilder {
  const saved = process.env.PATH
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const real = builder === 'buildkit' ? buildkitClient() : clientOnPath()
  const lines = ['#!/bin/sh', `# test support: a docker client pinned to ${builder}`]
  if (builder === 'buildx') {
    if (!buildx.available) throw new Error(`buildx asked for, but ${buildx.reason}`)
    if (buildx.dockerConfig) lines.push(`export DOCKER_CONFIG=${quote(buildx.dockerConfig)}`)
  } else {
    lines.push(
      'if [ "$1" = buildx ]; then',
      `  echo "docker: 'buildx' is not a docker command." >&2`,
      '  exit 1',
      'fi'
    )
  }
  lines.push(`exec ${quote(real)} "$@"`, '')
  const bin = mkdtempSync(join(tmpdir(), 'isg-bin-'))
  writeFileSync(join(bin, 'docker'), lines.join('\n'))
  chmodSync(join(bin, 'docker'), 0o755)
  process.env.PATH = `${bin}:${saved ?? ''}`
  return {
    restore() {
      process.env.PATH = saved
      rmSync(bin, { recursive: true, force: true })
    }
  }
}

/** The absolute path of the `docker` first on PATH. */
function clientOnPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'docker'))) return join(dir, 'docker')
  }
  throw new Error('no docker client on PATH')
}

// ---------------------------------------------------------------------------------------------
// Images

export type Builder = 'buildkit' | 'legacy'

export interface BuildOptions {
  /** Build context directory. */
  context: string
  /** Dockerfile path (default: <context>/Dockerfile); may lie outside the context. */
  file?: string
  tag: string
  buildArgs?: Record<string, string>
  target?: string
  labels?: Record<string, string>
  /** `buildx`: `docker buildx build --load` with the plugin detectBuildx found. */
  builder: Builder | 'buildx'
  extraArgs?: string[]
  /** Default: 15 minutes. */
  timeoutMs?: number
}

export interface BuildResult {
  imageId: string
  durationMs: number
  /** The build's full output (BuildKit: --progress=plain), e.g. to count cache hits. */
  output: string
}

/**
 * The client for BuildKit builds. The `docker` first on PATH here (28.x) has no buildx plugin,
 * so DOCKER_BUILDKIT=1 goes through Debian's 20.10 client, whose `build` still speaks BuildKit
 * natively. ISG_BUILDKIT_DOCKER overrides.
 */
export function buildkitClient(): string {
  if (process.env.ISG_BUILDKIT_DOCKER) return process.env.ISG_BUILDKIT_DOCKER
  return existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker'
}

/**
 * `docker build --network=host` (the test engine has no bridge network) with BuildKit
 * (`DOCKER_BUILDKIT=1 /usr/bin/docker build --progress=plain`), the legacy builder
 * (`DOCKER_BUILDKIT=0 docker build`) or buildx (`docker buildx build --load`). Throws with the
 * output's last lines on failure.
 */
export async function dockerBuild(opts: BuildOptions): Promise<BuildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-build-'))
  const iidFile = join(dir, 'iid')
  const args = opts.builder === 'buildx' ? ['buildx', 'build', '--load'] : ['build']
  args.push('--network=host', '--iidfile', iidFile, '--tag', opts.tag)
  if (opts.file !== undefined) args.push('--file', opts.file)
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`)
  for (const [k, v] of Object.entries(opts.labels ?? {})) args.push('--label', `${k}=${v}`)
  if (opts.target !== undefined) args.push('--target', opts.target)
  if (opts.builder !== 'legacy') args.push('--progress=plain')
  args.push(...(opts.extraArgs ?? []), opts.context)
  const cmd = opts.builder === 'buildkit' ? buildkitClient() : 'docker'
  const base = opts.builder === 'buildx' ? buildxEnv() : process.env
  const env = { ...base, DOCKER_BUILDKIT: opts.builder === 'legacy' ? '0' : '1' }
  try {
    const r = await run(cmd, args, { env, timeoutMs: opts.timeoutMs ?? 15 * 60_000 })
    if (r.code !== 0 || r.timedOut) {
      throw failure(`docker build (${opts.builder}) of ${opts.tag}`, r, 30)
    }
    const imageId = readFileSync(iidFile, 'utf8').trim()
    return { imageId, durationMs: r.durationMs, output: `${r.stdout}\n${r.stderr}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface RunInImageOptions {
  entrypoint?: string
  user?: string
  env?: Record<string, string>
  timeoutMs?: number
}

/** `docker run --rm --network=none IMAGE CMD…`; returns stdout, throws on a non-zero exit. */
export async function dockerRun(
  image: string,
  cmd: string[],
  opts: RunInImageOptions = {}
): Promise<string> {
  const args = ['run', '--rm', '--network=none']
  if (opts.entrypoint !== undefined) args.push('--entrypoint', opts.entrypoint)
  if (opts.user !== undefined) args.push('--user', opts.user)
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('--env', `${k}=${v}`)
  args.push(image, ...cmd)
  const r = await run('docker', args, { timeoutMs: opts.timeoutMs ?? 120_000 })
  if (r.code !== 0 || r.timedOut) throw failure(`docker run ${image} ${cmd.join(' ')}`, r, 15)
  return r.stdout
}

export async function imageExists(tag: string): Promise<boolean> {
  const r = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], {
    timeoutMs: 60_000
  })
  return r.code === 0
}

/** `docker image rm -f` each tag that exists (missing ones are fine). */
export async function removeImages(tags: string[]): Promise<void> {
  for (const tag of tags) {
    if (!(await imageExists(tag))) continue
    const r = await run('docker', ['image', 'rm', '--force', tag], { timeoutMs: 120_000 })
    if (r.code !== 0 && !/No such image/i.test(r.stderr))
      throw failure(`docker image rm ${tag}`, r, 5)
  }
}

/** `docker image inspect` of one image, parsed. */
export async function inspectImage(image: string): Promise<DockerImageInspect> {
  const out = await docker(['image', 'inspect', image], { timeoutMs: 60_000 })
  const parsed = JSON.parse(out) as DockerImageInspect[]
  if (parsed.length !== 1)
    throw new Error(`docker image inspect ${image}: ${parsed.length} results`)
  return parsed[0]
}

export interface DockerImageInspect {
  Id: string
  RepoTags: string[] | null
  Size: number
  Config: { Labels?: Record<string, string> | null; Cmd?: string[] | null; Env?: string[] | null }
  RootFS: { Type: string; Layers?: string[] }
  [key: string]: unknown
}

/** `docker image inspect --format '{{.Size}}'`: the engine's unpacked size in bytes. */
export async function inspectSize(image: string): Promise<number> {
  const out = await docker(['image', 'inspect', '--format', '{{.Size}}', image], {
    timeoutMs: 60_000
  })
  return Number(out.trim())
}

/**
 * The image's unpacked bytes as the classic store counts them (regular files + symlink
 * targets of every layer), on either store: `docker image inspect .Size` on the classic store;
 * on the containerd store that field is the packed (compressed) content, so there the same
 * sum is taken from `docker save`'s layer tars (tar-stream, not our readers). What a fix
 * saves is compared with this.
 */
export async function unpackedSize(image: string): Promise<number> {
  if ((await imageStore()) === 'classic') return inspectSize(image)
  const layers = await savedLayerFacts(image)
  return layers.reduce((n, l) => n + l.fileBytes + l.symlinkTargetBytes, 0)
}

export interface HistoryEntry {
  /** Image ID of the step, or '<missing>' (BuildKit steps, imported layers, pulled images). */
  id: string
  createdBy: string
  createdAt: string
  comment: string
  /** Bytes the step's layer adds (0 for metadata-only steps). */
  size: number
}

/**
 * `docker history --no-trunc --human=false --format '{{json .}}'`, returned OLDEST FIRST
 * (base layer first, the order of RootFS.Layers), unlike docker's newest-first output.
 */
export async function historySizes(image: string): Promise<HistoryEntry[]> {
  const out = await docker(
    ['history', '--no-trunc', '--human=false', '--format', '{{json .}}', image],
    { timeoutMs: 60_000 }
  )
  return out
    .split('\n')
    .filter(l => l.trim() !== '')
    .map(l => {
      const j = JSON.parse(l) as Record<string, string>
      return {
        id: j.ID ?? '',
        createdBy: j.CreatedBy ?? '',
        createdAt: j.CreatedAt ?? '',
        comment: j.Comment ?? '',
        size: Number(j.Size ?? 0)
      }
    })
    .reverse()
}

// ---------------------------------------------------------------------------------------------
// Measuring inside an image

export interface PathSize {
  exists: boolean
  /** Regular files under the path (a hard-linked file counts once per name). */
  files: number
  /** Sum of their apparent sizes (st_size), in bytes. */
  bytes: number
}

// POSIX sh for dash (Debian) and busybox sh alike. GNU find has -printf; busybox find has not,
// so there each file goes through `stat -c %s` (busybox stat), batched with -exec … {} +.
// A path that is a symlink to a directory is measured through the link (like `du -L` on it).
// -xdev keeps out /proc, /sys and /dev; the files Docker bind-mounts over the image's own
// (/etc/hosts, /etc/hostname, /etc/resolv.conf, /.dockerenv) are skipped: a running container
// cannot see what the image holds there.
const PATH_BYTES_SCRIPT = `
for p do
  if [ -L "$p" ] && [ -d "$p" ]; then p="$p/"; fi
  if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo missing; continue; fi
  set -- "$p" -xdev \\( -path /etc/hosts -o -path /etc/hostname -o -path /etc/resolv.conf \\
    -o -path /.dockerenv \\) -prune -o -type f
  if find "$p" -maxdepth 0 -printf '' >/dev/null 2>&1; then
    find "$@" -printf '%s\\n'
  else
    find "$@" -exec stat -c %s {} +
  fi | awk '{ n++; s += $1 } END { printf "%d %.0f\\n", n, s }'
done
`

/**
 * The real apparent size of the regular files under each path INSIDE the image, measured by
 * running the image (root, no network). Works for Debian images (GNU find -printf) and for
 * busybox images, including ones with no /bin/sh but /bin/busybox (static images).
 */
export async function pathBytes(image: string, paths: string[]): Promise<Record<string, PathSize>> {
  const attempts: Array<{ entrypoint: string; cmd: string[] }> = [
    { entrypoint: '/bin/sh', cmd: ['-c', PATH_BYTES_SCRIPT, 'sh', ...paths] },
    { entrypoint: '/bin/busybox', cmd: ['sh', '-c', PATH_BYTES_SCRIPT, 'sh', ...paths] }
  ]
  const errors: string[] = []
  for (const a of attempts) {
    let out: string
    try {
      out = await dockerRun(image, a.cmd, { entrypoint: a.entrypoint, user: '0:0' })
    } catch (e) {
      errors.push((e as Error).message)
      continue
    }
    const lines = out.split('\n').filter(l => l.trim() !== '')
    if (lines.length !== paths.length) {
      throw new Error(`pathBytes(${image}): expected ${paths.length} lines, got:\n${out}`)
    }
    const result: Record<string, PathSize> = {}
    paths.forEach((p, i) => {
      const m = /^(\d+) (\d+)$/.exec(lines[i].trim())
      result[p] = m
        ? { exists: true, files: Number(m[1]), bytes: Number(m[2]) }
        : { exists: false, files: 0, bytes: 0 }
    })
    return result
  }
  throw new Error(`pathBytes(${image}) could not run a shell in the image:\n${errors.join('\n')}`)
}

/** Installed-Size (KiB → bytes) of Debian packages inside an image, from dpkg-query. */
export async function dpkgSizes(image: string): Promise<Record<string, number>> {
  const out = await dockerRun(image, ['dpkg-query', '-W', '-f', '${Package} ${Installed-Size}\\n'])
  const sizes: Record<string, number> = {}
  for (const line of out.split('\n')) {
    const m = /^(\S+) (\d+)$/.exec(line.trim())
    if (m) sizes[m[1]] = Number(m[2]) * 1024
  }
  return sizes
}

/**
 * Bytes of the regular files each package's `dpkg -L` lists, measured inside the image (each
 * real path once, symlinks not followed as files): what the package's files weigh on disk.
 */
export async function dpkgFileBytes(
  image: string,
  packages: string[]
): Promise<Record<string, number>> {
  const script =
    'for p in "$@"; do dpkg -L "$p" | while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && readlink -f "$f"; done | sort -u | xargs -r stat -c %s | awk -v p="$p" \'{s+=$1} END {print p, s+0}\'; done'
  const out = await dockerRun(image, ['-c', script, 'sh', ...packages], { entrypoint: '/bin/sh' })
  const sizes: Record<string, number> = {}
  for (const line of out.split('\n')) {
    const m = /^(\S+) (\d+)$/.exec(line.trim())
    if (m) sizes[m[1]] = Number(m[2])
  }
  return sizes
}

// ---------------------------------------------------------------------------------------------
// Build contexts

/**
 * Copies the host's static busybox (/bin/busybox, Debian's busybox-static) into a build
 * context directory as `busybox`, so that
 *   FROM scratch / COPY busybox /bin/busybox / RUN ["/bin/busybox","--install","-s","/bin"]
 * builds offline. Creates `dir` when missing; returns the copied file's path.
 */
export function busyboxContext(dir: string): string {
  const source = process.env.ISG_BUSYBOX ?? '/bin/busybox'
  if (!existsSync(source)) {
    throw new Error(`${source} is missing: install busybox-static (bash scripts/ensure-tools.sh)`)
  }
  mkdirSync(dir, { recursive: true })
  const target = join(dir, 'busybox')
  copyFileSync(source, target)
  chmodSync(target, 0o755)
  return target
}

// ---------------------------------------------------------------------------------------------
// Layer tars as the engine saves them (read with tar-stream, not with the project's reader)

export interface LayerTarFacts {
  /** Path of the layer tar inside the `docker save` archive (`<id>/layer.tar`). */
  name: string
  /** Regular files (typeflag 0/7), their data included. */
  files: number
  /** Σ sizes of those files: hard links (typeflag 1) carry no data and count 0. */
  fileBytes: number
  symlinks: number
  /**
   * Σ byte lengths of the symlink targets: a symlink's st_size. The engine's own walk over a
   * layer directory (imported layers, legacy-builder commits) counts it; tar headers do not.
   */
  symlinkTargetBytes: number
  hardlinks: number
  /** Hidden paths of `.wh.<name>` entries (`a/.wh.b` → `a/b`), opaque markers excluded. */
  whiteouts: string[]
  /** Directories holding a `.wh..wh..opq` marker. */
  opaqueDirs: string[]
  /** Every entry path, normalised (no leading `./` or `/`, no trailing `/`). */
  paths: string[]
}

function normalTarPath(name: string): string {
  return name.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '')
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of stream) void chunk
}

async function readLayerTar(name: string, input: AsyncIterable<Buffer>): Promise<LayerTarFacts> {
  const facts: LayerTarFacts = {
    name,
    files: 0,
    fileBytes: 0,
    symlinks: 0,
    symlinkTargetBytes: 0,
    hardlinks: 0,
    whiteouts: [],
    opaqueDirs: [],
    paths: []
  }
  const inner = tar.extract()
  const reading = (async () => {
    for await (const e of inner) {
      const h = e.header
      const path = normalTarPath(h.name)
      facts.paths.push(path)
      const base = path.slice(path.lastIndexOf('/') + 1)
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
      if (base === '.wh..wh..opq') facts.opaqueDirs.push(dir)
      else if (base.startsWith('.wh.'))
        facts.whiteouts.push(dir === '' ? base.slice(4) : `${dir}/${base.slice(4)}`)
      else if (h.type === 'file' || h.type === 'contiguous-file') {
        facts.files++
        facts.fileBytes += h.size ?? 0
      } else if (h.type === 'symlink') {
        facts.symlinks++
        facts.symlinkTargetBytes += Buffer.byteLength(h.linkname ?? '', 'utf8')
      } else if (h.type === 'link') facts.hardlinks++
      await drain(e)
    }
  })()
  for await (const chunk of input) {
    if (!inner.write(chunk))
      await new Promise<void>(resolve => inner.once('drain', () => resolve()))
  }
  inner.end(() => undefined)
  await reading
  return facts
}

/**
 * A blob's layer facts when it is a tar (ustar magic at offset 257) or a gzipped one
 * (gunzipped with node:zlib); undefined for anything else (configs, manifests: JSON).
 */
async function readLayerBlob(
  name: string,
  input: AsyncIterable<Buffer>
): Promise<LayerTarFacts | undefined> {
  const it = input[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let size = 0
  let done = false
  while (size < 512 && !done) {
    const n = await it.next()
    if (n.done) done = true
    else {
      head.push(n.value)
      size += n.value.length
    }
  }
  const first = Buffer.concat(head)
  const all = (async function* () {
    yield first
    if (!done) for (let n = await it.next(); !n.done; n = await it.next()) yield n.value
  })()
  const gzip = first[0] === 0x1f && first[1] === 0x8b
  const isTar = first.subarray(257, 262).toString('latin1') === 'ustar'
  if (!gzip && !isTar) {
    await drain(all)
    return undefined
  }
  return readLayerTar(name, gzip ? Readable.from(all).pipe(createGunzip()) : all)
}

/**
 * `docker save IMAGE` streamed through tar-stream: the facts of every layer tar, in the order
 * of RootFS.Layers (manifest.json's Layers). For every `docker save` layout: legacy
 * (`<id>/layer.tar`), OCI (Docker 25+), and the containerd store's gzipped blobs.
 */
export async function savedLayerFacts(image: string): Promise<LayerTarFacts[]> {
  const child = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'pipe'] })
  const err: Buffer[] = []
  child.stderr.on('data', (b: Buffer) => err.push(b))
  const exited = new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)))
  const outer = tar.extract()
  child.stdout.pipe(outer)
  const byName = new Map<string, LayerTarFacts>()
  const links = new Map<string, string>()
  let manifest: Array<{ Layers: string[] }> | undefined
  for await (const entry of outer) {
    const h = entry.header
    const name = normalTarPath(h.name)
    if (name.endsWith('layer.tar') && h.type === 'symlink' && h.linkname) {
      // docker save links a layer that occurs twice to its first copy
      const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : ''
      links.set(name, normalTarPath(join(dir, h.linkname)))
      await drain(entry)
    } else if (name.endsWith('layer.tar') || /^blobs\/sha256\/[0-9a-f]{64}$/.test(name)) {
      // OCI blobs: layers (plain tars, or gzip on the containerd store) beside JSON
      const facts = await readLayerBlob(name, entry as AsyncIterable<Buffer>)
      if (facts) byName.set(name, facts)
    } else if (name === 'manifest.json') {
      const chunks: Buffer[] = []
      for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c)
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{ Layers: string[] }>
    } else await drain(entry)
  }
  const code = await exited
  if (code !== 0) throw new Error(`docker save ${image}: exit ${code}: ${Buffer.concat(err)}`)
  if (!manifest || manifest.length !== 1) throw new Error(`docker save ${image}: no manifest.json`)
  return manifest[0].Layers.map(l => {
    const name = normalTarPath(l)
    const facts = byName.get(links.get(name) ?? name)
    if (!facts) throw new Error(`docker save ${image}: layer ${name} not in the archive`)
    return facts
  })
}

/** Member name → size of a tar file (an OCI archive's blobs, say), read with tar-stream. */
export async function tarMemberSizes(file: string): Promise<Map<string, number>> {
  const extract = tar.extract()
  createReadStream(file).pipe(extract)
  const sizes = new Map<string, number>()
  for await (const entry of extract) {
    sizes.set(normalTarPath(entry.header.name), entry.header.size ?? 0)
    await drain(entry)
  }
  return sizes
}
