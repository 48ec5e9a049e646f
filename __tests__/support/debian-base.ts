// The offline test images: the Debian bases (scripts/debian-base.sh) and the fixture images
// built on them (__tests__/fixtures/). Any engine-backed test file can reuse the same tags:
//
//   const images = await buildSeedImages()            // every fixture; or { only: ['vanilla'] }
//   images.vanilla.tag                                // 'isg-test/seed:vanilla'
//
// Build-once: each image carries the label org.image-size-guard.fixture = a hash of its
// Dockerfile, its context files, its base image IDs, the builder and the host files it copies
// (busybox, node). A tag whose label matches is reused without running `docker build` at
// all (≈50 ms per image); anything else is (re)built, which the engine's layer cache makes
// quick when only late steps changed. Builds across processes (jest workers, CI steps)
// are serialized with flock on /var/tmp/image-size-guard-cache/fixtures.lock.

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  busyboxContext,
  dockerBuild,
  inspectImage,
  lastLines,
  run,
  type Builder
} from './engine.js'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const FIXTURES_DIR = join(REPO_ROOT, '__tests__', 'fixtures')
export const CACHE_DIR = process.env.ISG_CACHE_DIR ?? '/var/tmp/image-size-guard-cache'

export const DEBIAN_BOOKWORM = 'isg-test/debian:bookworm'
export const DEBIAN_BOOKWORM_SLIM = 'isg-test/debian:bookworm-slim'
export const FIXTURE_LABEL = 'org.image-size-guard.fixture'

// ---------------------------------------------------------------------------------------------
// Debian bases

export interface BaseResult {
  durationMs: number
  /** scripts/debian-base.sh's progress lines. */
  log: string
}

let baseOnce: Promise<BaseResult> | undefined

/**
 * Makes isg-test/debian:bookworm and :bookworm-slim exist (bash scripts/debian-base.sh:
 * debootstrap + docker import, cached; ~0.1 s when both are up to date, ~2 min cold).
 * Memoized per process unless `force`.
 */
export function ensureDebianBase(
  opts: { force?: boolean; timeoutMs?: number } = {}
): Promise<BaseResult> {
  if (!opts.force && baseOnce) return baseOnce
  const p = (async () => {
    const args = [join(REPO_ROOT, 'scripts', 'debian-base.sh'), ...(opts.force ? ['--force'] : [])]
    const r = await run('bash', args, { timeoutMs: opts.timeoutMs ?? 20 * 60_000 })
    if (r.code !== 0 || r.timedOut) {
      throw new Error(
        `scripts/debian-base.sh failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}):\n${lastLines(r.stderr + r.stdout, 30)}`
      )
    }
    return { durationMs: r.durationMs, log: r.stderr }
  })()
  if (!opts.force) {
    baseOnce = p
    p.catch(() => (baseOnce = undefined))
  }
  return p
}

// ---------------------------------------------------------------------------------------------
// The fixture catalogue

export type FixtureName =
  | 'vanilla'
  | 'nocache'
  | 'slim'
  | 'multistage'
  | 'cache-mount'
  | 'npm'
  | 'deleted-later'
  | 'static'
  | 'waste'
  | 'slim-runtime'

export interface FixtureSpec {
  name: FixtureName
  /** Tag for the default builder; fixtureTag() gives the others. */
  tag: string
  /** Context directory (copied to a temporary one when `extras` are added). */
  context: string
  dockerfile: string
  /** Local base images (built by ensureDebianBase) — none for FROM scratch. */
  bases: string[]
  /** Builders it builds with; the first is the default. */
  builders: Builder[]
  /** Host files added to the context: the static busybox, or the Node runtime. */
  extras?: 'busybox' | 'node'
  description: string
}

// The seed story doubles as the demo's example app (npm run demo).
const seedDir = join(REPO_ROOT, 'examples', 'seed')

function seed(name: FixtureName, bases: string[], description: string): FixtureSpec {
  return {
    name,
    tag: `isg-test/seed:${name}`,
    context: seedDir,
    dockerfile: join(seedDir, `Dockerfile.${name}`),
    bases,
    builders: ['buildkit', 'legacy'],
    description
  }
}

export const FIXTURES: Record<FixtureName, FixtureSpec> = {
  vanilla: seed(
    'vanilla',
    [DEBIAN_BOOKWORM],
    'toolchain + apt lists + pip cache (/root/.cache/pip) left in: the seed story before'
  ),
  nocache: seed('nocache', [DEBIAN_BOOKWORM], 'vanilla with pip install --no-cache-dir'),
  slim: seed(
    'slim',
    [DEBIAN_BOOKWORM_SLIM],
    'nocache on the -slim base, apt lists removed in the same RUN; gcc still in'
  ),
  multistage: seed(
    'multistage',
    [DEBIAN_BOOKWORM, DEBIAN_BOOKWORM_SLIM],
    'builder stage makes the venv; final -slim stage has python3 and the venv only'
  ),
  'cache-mount': {
    name: 'cache-mount',
    tag: 'isg-test/fixture:cache-mount',
    context: seedDir,
    dockerfile: join(FIXTURES_DIR, 'cache-mount', 'Dockerfile'),
    bases: [DEBIAN_BOOKWORM],
    builders: ['buildkit'],
    description: 'RUN --mount=type=cache,target=/root/.cache/pip: the cache stays out of the image'
  },
  npm: {
    name: 'npm',
    tag: 'isg-test/fixture:npm',
    context: join(FIXTURES_DIR, 'npm'),
    dockerfile: join(FIXTURES_DIR, 'npm', 'Dockerfile'),
    bases: [DEBIAN_BOOKWORM_SLIM],
    builders: ['buildkit', 'legacy'],
    extras: 'node',
    description: 'npm install from a local registry leaves /root/.npm/_cacache'
  },
  'deleted-later': {
    name: 'deleted-later',
    tag: 'isg-test/fixture:deleted-later',
    context: join(FIXTURES_DIR, 'deleted-later'),
    dockerfile: join(FIXTURES_DIR, 'deleted-later', 'Dockerfile'),
    bases: [],
    builders: ['buildkit', 'legacy'],
    extras: 'busybox',
    description: 'FROM scratch + busybox: a 20 MiB file written by one RUN, deleted by the next'
  },
  static: {
    name: 'static',
    tag: 'isg-test/fixture:static',
    context: join(FIXTURES_DIR, 'static'),
    dockerfile: join(FIXTURES_DIR, 'static', 'Dockerfile'),
    bases: [],
    builders: ['buildkit', 'legacy'],
    extras: 'busybox',
    description: 'FROM scratch + one static binary (busybox): a clean minimal image'
  },
  waste: {
    name: 'waste',
    tag: 'isg-test/fixture:waste',
    context: join(FIXTURES_DIR, 'waste'),
    dockerfile: join(FIXTURES_DIR, 'waste', 'Dockerfile'),
    bases: [],
    builders: ['buildkit', 'legacy'],
    extras: 'busybox',
    description:
      'FROM scratch + busybox: a directory removed by one rm -rf, an opaque directory, chown -R, cp, hard links'
  },
  'slim-runtime': {
    name: 'slim-runtime',
    tag: 'isg-test/fixture:slim-runtime',
    context: join(FIXTURES_DIR, 'slim-runtime'),
    dockerfile: join(FIXTURES_DIR, 'slim-runtime', 'Dockerfile'),
    bases: [DEBIAN_BOOKWORM_SLIM],
    builders: ['buildkit', 'legacy'],
    description: 'the -slim base + python3, apt lists removed in the same RUN: a lean runtime'
  }
}

export const SEED_FIXTURES: FixtureName[] = ['vanilla', 'nocache', 'slim', 'multistage']
/** Every fixture, in build order: the two apt-heavy images first (with two parallel builds,
 * vanilla and slim download at the same time), then those that reuse their layers. */
export const ALL_FIXTURES: FixtureName[] = [
  'vanilla',
  'slim',
  'nocache',
  'multistage',
  'cache-mount',
  'npm',
  'deleted-later',
  'static',
  'waste',
  'slim-runtime'
]

/** The tag of a fixture built with `builder` (the default builder's tag has no suffix). */
export function fixtureTag(name: FixtureName, builder?: Builder): string {
  const spec = FIXTURES[name]
  return builder === undefined || builder === spec.builders[0] ? spec.tag : `${spec.tag}-${builder}`
}

// ---------------------------------------------------------------------------------------------
// Host files the contexts need

/** The Node runtime copied into the npm fixture: the host's node and the npm beside it. */
export function nodeRuntime(): { node: string; npm: string } {
  const node = realpathSync(
    process.env.ISG_FIXTURE_NODE ??
      (existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath)
  )
  const candidates = [
    join(dirname(node), '..', 'lib', 'node_modules', 'npm'),
    '/usr/lib/node_modules/npm',
    '/usr/local/lib/node_modules/npm',
    '/usr/share/nodejs/npm'
  ]
  const npm = candidates.find(p => existsSync(join(p, 'bin', 'npm-cli.js')))
  if (npm === undefined)
    throw new Error(`no npm found beside ${node} (looked in ${candidates.join(', ')})`)
  return { node, npm: realpathSync(npm) }
}

/** Copies the Node runtime into <dir>/node/bin/node and <dir>/node/lib/node_modules/npm. */
export function npmContext(dir: string): void {
  const { node, npm } = nodeRuntime()
  mkdirSync(join(dir, 'node', 'bin'), { recursive: true })
  cpSync(node, join(dir, 'node', 'bin', 'node'))
  cpSync(npm, join(dir, 'node', 'lib', 'node_modules', 'npm'), {
    recursive: true,
    verbatimSymlinks: true
  })
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter(e => e.name !== '__pycache__' && e.name !== 'node_modules')
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap(e => {
      const full = join(dir, e.name)
      return e.isDirectory() ? filesUnder(full) : e.isFile() ? [full] : []
    })
}

/** Hash of everything that determines a fixture image. */
export async function fixtureHash(spec: FixtureSpec, builder: Builder): Promise<string> {
  const h = createHash('sha256')
  h.update(`builder=${builder}\n`)
  h.update(`dockerfile=${readFileSync(spec.dockerfile, 'utf8')}\n`)
  for (const f of filesUnder(spec.context)) {
    h.update(`file=${relative(spec.context, f)}\n`).update(readFileSync(f))
  }
  for (const base of spec.bases) h.update(`base=${base}=${(await inspectImage(base)).Id}\n`)
  if (spec.extras === 'busybox')
    h.update('busybox=').update(readFileSync(process.env.ISG_BUSYBOX ?? '/bin/busybox'))
  if (spec.extras === 'node') {
    const { node, npm } = nodeRuntime()
    const st = statSync(node)
    const npmVersion = (
      JSON.parse(readFileSync(join(npm, 'package.json'), 'utf8')) as { version: string }
    ).version
    h.update(`node=${node}:${st.size}:${st.mtimeMs} npm=${npmVersion}\n`)
  }
  return h.digest('hex').slice(0, 24)
}

// ---------------------------------------------------------------------------------------------
// Building

export interface BuiltFixture {
  name: FixtureName
  tag: string
  imageId: string
  builder: Builder
  /** True when the tag already held this exact fixture and no build ran. */
  reused: boolean
  /** Wall time of the build (0 when reused). */
  durationMs: number
  hash: string
}

export interface BuildFixtureOptions {
  /** Default: the fixture's first builder (BuildKit). 'legacy' tags get a '-legacy' suffix. */
  builder?: Builder
  /** Build even when the tag's label matches (the layer cache still applies). */
  force?: boolean
  /** Extra `docker build` arguments, e.g. ['--no-cache']. */
  extraArgs?: string[]
}

/** Builds one fixture image (after ensureDebianBase) unless its tag is already current. */
export async function buildFixture(
  name: FixtureName,
  opts: BuildFixtureOptions = {}
): Promise<BuiltFixture> {
  const spec = FIXTURES[name]
  const builder = opts.builder ?? spec.builders[0]
  if (!spec.builders.includes(builder))
    throw new Error(`fixture ${name} cannot be built with ${builder}`)
  if (spec.bases.length > 0) await ensureDebianBase()
  const tag = fixtureTag(name, builder)
  const hash = await fixtureHash(spec, builder)
  let previous: string | undefined
  try {
    const current = await inspectImage(tag)
    if (!opts.force && current.Config.Labels?.[FIXTURE_LABEL] === hash) {
      return { name, tag, imageId: current.Id, builder, reused: true, durationMs: 0, hash }
    }
    previous = current.Id
  } catch {
    // no such image: build it
  }
  let context = spec.context
  let dockerfile = spec.dockerfile
  let tmp: string | undefined
  if (spec.extras !== undefined) {
    tmp = mkdtempSync(join(tmpdir(), `isg-fixture-${name}-`))
    cpSync(spec.context, tmp, { recursive: true, verbatimSymlinks: true })
    if (spec.extras === 'busybox') busyboxContext(tmp)
    else npmContext(tmp)
    context = tmp
    const rel = relative(spec.context, spec.dockerfile)
    if (!rel.startsWith('..')) dockerfile = join(tmp, rel)
  }
  try {
    const r = await dockerBuild({
      context,
      file: dockerfile,
      tag,
      builder,
      labels: { [FIXTURE_LABEL]: hash },
      extraArgs: opts.extraArgs
    })
    if (previous !== undefined && previous !== r.imageId) {
      // the image the tag held before, now dangling; an image still in use stays (rm fails)
      await run('docker', ['image', 'rm', previous], { timeoutMs: 60_000 })
    }
    return { name, tag, imageId: r.imageId, builder, reused: false, durationMs: r.durationMs, hash }
  } finally {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Holds an exclusive flock on `lockFile` while `fn` runs: `flock FILE cat` runs cat once the
 * lock is held, and cat echoing a line back tells us so; closing its stdin releases it.
 */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true })
  const child = spawn('flock', ['--exclusive', lockFile, 'cat'], {
    stdio: ['pipe', 'pipe', 'ignore']
  })
  const held = await new Promise<boolean>(resolve => {
    child.once('error', () => resolve(false)) // no flock: run unlocked
    child.once('exit', () => resolve(false))
    child.stdout.once('data', () => resolve(true))
    child.stdin.write('locked\n')
  })
  try {
    return await fn()
  } finally {
    if (held) {
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.stdin.end()
      await exited
    }
  }
}

export interface BuildSeedOptions extends BuildFixtureOptions {
  /** Default: every fixture (ALL_FIXTURES). */
  only?: FixtureName[]
  /** Parallel builds; default 2 with BuildKit (its solver shares identical steps), 1 legacy. */
  concurrency?: number
  /** Progress lines (default: none). */
  log?: (line: string) => void
}

/**
 * Builds (or reuses) the fixture images and returns them by name. Idempotent across test
 * files and processes; a fixture that supports only BuildKit (cache-mount) ignores a
 * `builder: 'legacy'` request and is built with BuildKit.
 */
export async function buildSeedImages(
  opts: BuildSeedOptions = {}
): Promise<Record<FixtureName, BuiltFixture>> {
  const names = opts.only ?? ALL_FIXTURES
  const log = opts.log ?? (() => undefined)
  const concurrency = opts.concurrency ?? (opts.builder === 'legacy' ? 1 : 2)
  const built = {} as Record<FixtureName, BuiltFixture>
  await withFileLock(join(CACHE_DIR, 'fixtures.lock'), async () => {
    if (names.some(n => FIXTURES[n].bases.length > 0)) {
      const base = await ensureDebianBase()
      log(`debian bases ready in ${(base.durationMs / 1000).toFixed(1)} s`)
    }
    const queue = [...names]
    const worker = async (): Promise<void> => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const spec = FIXTURES[name]
        const builder =
          opts.builder && spec.builders.includes(opts.builder) ? opts.builder : spec.builders[0]
        const b = await buildFixture(name, { ...opts, builder })
        built[name] = b
        log(
          b.reused
            ? `${b.tag}: up to date (${b.imageId.slice(7, 19)})`
            : `${b.tag}: built with ${b.builder} in ${(b.durationMs / 1000).toFixed(1)} s`
        )
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
  })
  return built
}
