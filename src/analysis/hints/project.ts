// Project content that production does not run: devDependencies installed into node_modules,
// and test output (coverage, test folders of the app, source maps of its bundles).
//
// dev-dependencies: which installed packages are dev-only comes from what the image holds,
// never from a guess by name:
//   - npm: the lockfile (`package-lock.json` / `npm-shrinkwrap.json` v2/v3, or the hidden
//     lockfile `node_modules/.package-lock.json`, which describes the installed tree) marks
//     each package path `"dev": true`. `devOptional` packages are kept by `--omit=dev`: not
//     counted. A v1 lockfile (no `packages`) falls through to the manifests.
//   - yarn (yarn.lock has no dev flag) and installs without a lockfile: the app's
//     package.json devDependencies, and everything they pull in through the installed
//     packages' own package.json (Node's lookup: nearest node_modules upwards) that no
//     production dependency also pulls in.
//   - pnpm: `pnpm-lock.yaml` v5/v6 mark packages `dev: true`. A v9 lock has no flag: what
//     the importers' devDependencies reach through `snapshots`, minus what their dependencies
//     and optionalDependencies reach. The files are under node_modules/.pnpm/<name>@<version>… .
//   - Python: `poetry.lock` marks packages `category = "dev"` (Poetry < 1.5) or lists their
//     `groups` (lock 2.1: dev-only when "main" is not among them); an installed distribution
//     of that name (its dist-info RECORD) counts with the files RECORD lists.
// Bytes: the live files under the dev-only package directories (their own files; a nested
// package counts for itself), or the files the RECORD of a dev-only distribution lists.

import { parse as parseYaml } from 'yaml'
import { isObject } from '../../image/archive/contents.js'
import { readEcosystems } from '../ecosystems.js'
import { liveText } from './content.js'
import type { HintContext } from './context.js'
import { writtenInstruction } from './context.js'
import { bytes, isCopy, isRun, listWithSizes, quoted } from './fix.js'
import type { FixInput, PathDetector, PathRule } from './scan.js'

// --------------------------------------------------------------------------------------------
// dev-dependencies

type Source = 'package-lock' | 'hidden-lockfile' | 'package.json' | 'pnpm-lock'

interface DevTree {
  /** Directory holding node_modules ('' for the root). */
  root: string
  source: Source
  /** Package keys (`node_modules/a/node_modules/@s/b`) that are dev-only. */
  dev: Set<string>
  /** pnpm: `name@version` that are dev-only (files under node_modules/.pnpm/). */
  pnpmDev?: Set<string>
}

const LOCKS: { file: string; source: Source }[] = [
  { file: 'node_modules/.package-lock.json', source: 'hidden-lockfile' },
  { file: 'npm-shrinkwrap.json', source: 'package-lock' },
  { file: 'package-lock.json', source: 'package-lock' }
]

/** The node_modules trees of the final filesystem and what their lockfiles say is dev-only. */
export function devTrees(ctx: HintContext): DevTree[] {
  const roots = new Set<string>()
  for (const path of ctx.live.keys()) {
    const m =
      /^((?:(?!node_modules\/)[^/]+\/)*)(?:package\.json|package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|node_modules\/\.package-lock\.json)$/.exec(
        path
      )
    if (m) roots.add((m[1] as string).replace(/\/$/, ''))
  }
  const trees: DevTree[] = []
  for (const root of [...roots].sort()) {
    const tree = treeOf(ctx, root)
    if (tree && (tree.dev.size > 0 || (tree.pnpmDev?.size ?? 0) > 0)) trees.push(tree)
  }
  return trees
}

function at(root: string, rel: string): string {
  return root === '' ? rel : `${root}/${rel}`
}

function treeOf(ctx: HintContext, root: string): DevTree | undefined {
  for (const lock of LOCKS) {
    const text = liveText(ctx.contents, ctx.live, at(root, lock.file))
    const dev = text === undefined ? undefined : npmLockDev(text)
    if (dev) return { root, source: lock.source, dev }
  }
  const pnpm = liveText(ctx.contents, ctx.live, at(root, 'pnpm-lock.yaml'))
  if (pnpm !== undefined) {
    const pnpmDev = pnpmLockDev(pnpm)
    return pnpmDev ? { root, source: 'pnpm-lock', dev: new Set(), pnpmDev } : undefined
  }
  const manifest = liveText(ctx.contents, ctx.live, at(root, 'package.json'))
  if (manifest === undefined) return undefined
  const dev = manifestDev(ctx, root, manifest)
  return dev ? { root, source: 'package.json', dev } : undefined
}

/** `"dev": true` package paths of a v2/v3 lockfile; undefined for v1 or an unreadable one. */
export function npmLockDev(text: string): Set<string> | undefined {
  let lock: unknown
  try {
    lock = JSON.parse(text)
  } catch {
    return undefined
  }
  const packages = (lock as { packages?: unknown } | null)?.packages
  if (typeof packages !== 'object' || packages === null) return undefined
  const dev = new Set<string>()
  for (const [key, value] of Object.entries(packages as Record<string, unknown>)) {
    if (!key.includes('node_modules/')) continue
    if ((value as { dev?: unknown } | null)?.dev === true) dev.add(key)
  }
  return dev
}

/**
 * `name@version` of the dev-only packages of a pnpm-lock.yaml: v5/v6 mark them `dev: true` (a
 * `name@version` also present without the flag is not dev-only); v9 through its graph.
 */
export function pnpmLockDev(text: string): Set<string> | undefined {
  let lock: unknown
  try {
    lock = parseYaml(text, { maxAliasCount: 100 })
  } catch {
    return undefined
  }
  const snapshots = (lock as { snapshots?: unknown } | null)?.snapshots
  if (isObject(snapshots)) return pnpmGraphDev(lock as { importers?: unknown }, snapshots)
  const packages = (lock as { packages?: unknown } | null)?.packages
  if (typeof packages !== 'object' || packages === null) return undefined
  const dev = new Set<string>()
  const prod = new Set<string>()
  for (const [key, value] of Object.entries(packages as Record<string, unknown>)) {
    const id = pnpmId(key)
    if (!id) continue
    const flag = (value as { dev?: unknown } | null)?.dev
    if (flag === true) dev.add(id)
    else prod.add(id)
  }
  for (const id of prod) dev.delete(id)
  return dev
}

const DEPENDENCY_FIELDS = ['dependencies', 'optionalDependencies'] as const

/**
 * pnpm-lock.yaml v9: `importers` (each project's dependencies, devDependencies and
 * optionalDependencies, `{specifier, version}`) and `snapshots` (each installed
 * `name@version(peers)` with its own dependencies and optionalDependencies, `name: version`).
 * Dev-only: reached from a devDependency, never from a dependency or optionalDependency.
 */
function pnpmGraphDev(
  lock: { importers?: unknown },
  snapshots: Record<string, unknown>
): Set<string> {
  const prod: string[] = []
  const dev: string[] = []
  for (const project of Object.values(isObject(lock.importers) ? lock.importers : {})) {
    if (!isObject(project)) continue
    for (const [field, into] of [
      ...DEPENDENCY_FIELDS.map(f => [f, prod] as const),
      ['devDependencies', dev] as const
    ]) {
      const deps = project[field]
      if (!isObject(deps)) continue
      for (const [name, dep] of Object.entries(deps)) {
        const version = isObject(dep) ? dep.version : undefined
        if (typeof version === 'string') into.push(snapshotKey(name, version))
      }
    }
  }
  const reach = (roots: string[]): Set<string> => {
    const seen = new Set<string>()
    const todo = roots.filter(k => k in snapshots)
    for (let key = todo.pop(); key !== undefined; key = todo.pop()) {
      if (seen.has(key)) continue
      seen.add(key)
      const node = snapshots[key]
      if (!isObject(node)) continue
      for (const field of DEPENDENCY_FIELDS) {
        const deps = node[field]
        if (!isObject(deps)) continue
        for (const [name, version] of Object.entries(deps)) {
          if (typeof version !== 'string') continue
          const next = snapshotKey(name, version)
          if (next in snapshots && !seen.has(next)) todo.push(next)
        }
      }
    }
    return seen
  }
  const ids = (keys: Set<string>): Set<string> =>
    new Set([...keys].map(pnpmId).filter((id): id is string => id !== undefined))
  const devIds = ids(reach(dev))
  for (const id of ids(reach(prod))) devIds.delete(id)
  return devIds
}

/** A v9 dependency's snapshot key: `name@version(peers)`, or the version itself for an alias (`string-width@4.2.3`). */
function snapshotKey(name: string, version: string): string {
  return version.replace(/\(.*$/, '').includes('@') ? version : `${name}@${version}`
}

/** `/@s/a@1.0.0(peer@2)` (v6), `@s/a@1.0.0(peer@2)` (v9) or `/@s/a/1.0.0_peer@2` (v5) → `@s/a@1.0.0`. */
function pnpmId(key: string): string | undefined {
  const k = key.replace(/^\//, '').replace(/\(.*$/, '')
  const v6 = /^((?:@[^/]+\/)?[^/@]+)@([^_/]+)/.exec(k)
  if (v6) return `${v6[1]}@${v6[2]}`
  const v5 = /^((?:@[^/]+\/)?[^/@]+)\/([^_/]+)/.exec(k)
  return v5 ? `${v5[1]}@${v5[2]}` : undefined
}

interface Manifest {
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

function readManifest(text: string | undefined): Manifest | undefined {
  if (text === undefined) return undefined
  try {
    const m = JSON.parse(text) as unknown
    return typeof m === 'object' && m !== null ? (m as Manifest) : undefined
  } catch {
    return undefined
  }
}

function depNames(m: Manifest, dev: boolean): string[] {
  const deps = dev ? m.devDependencies : { ...m.dependencies, ...m.optionalDependencies }
  return typeof deps === 'object' && deps !== null ? Object.keys(deps) : []
}

/**
 * Dev-only package keys from package.json and the installed manifests: the closure of the
 * devDependencies minus the closure of the dependencies (Node's lookup resolves each name).
 */
function manifestDev(ctx: HintContext, root: string, text: string): Set<string> | undefined {
  const app = readManifest(text)
  if (!app || depNames(app, true).length === 0) return undefined
  const manifestOf = (key: string): Manifest | undefined =>
    readManifest(liveText(ctx.contents, ctx.live, at(root, `${key}/package.json`)))
  const resolve = (from: string, name: string): string | undefined => {
    let base = from
    for (;;) {
      const key = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`
      if (ctx.live.has(at(root, `${key}/package.json`))) return key
      if (base === '') return undefined
      const i = base.lastIndexOf('/node_modules/')
      base = i < 0 ? '' : base.slice(0, i)
    }
  }
  const closure = (names: string[]): Set<string> => {
    const seen = new Set<string>()
    const queue = names.map(n => resolve('', n)).filter((k): k is string => k !== undefined)
    while (queue.length > 0) {
      const key = queue.pop() as string
      if (seen.has(key)) continue
      seen.add(key)
      const m = manifestOf(key)
      if (!m) continue
      for (const n of depNames(m, false)) {
        const k = resolve(key, n)
        if (k && !seen.has(k)) queue.push(k)
      }
    }
    return seen
  }
  const prod = closure(depNames(app, false))
  const dev = closure(depNames(app, true))
  for (const k of prod) dev.delete(k)
  return dev
}

/** `node_modules/a/node_modules/@s/b` for a path inside that package, else undefined. */
export function packageKey(rel: string): string | undefined {
  const seg = rel.split('/')
  let key: string | undefined
  let i = 0
  while (seg[i] === 'node_modules' && i + 2 < seg.length) {
    let name = seg[i + 1] as string
    if (name.startsWith('.')) break
    if (name.startsWith('@')) {
      if (i + 3 >= seg.length) break
      name = `${name}/${seg[i + 2] as string}`
      i += 3
    } else i += 2
    key = key === undefined ? `node_modules/${name}` : `${key}/node_modules/${name}`
  }
  return key
}

/** `@s/a@1.0.0` for a path under node_modules/.pnpm/@s+a@1.0.0_peer/node_modules/@s/a/. */
function pnpmPackage(rel: string): { id: string; dir: string } | undefined {
  const m = /^node_modules\/\.pnpm\/([^/]+)\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(rel)
  if (!m) return undefined
  const dir = (m[1] as string).replace(/\(.*$/, '').replace(/_.*$/, '')
  const at = dir.lastIndexOf('@')
  if (at <= 0) return undefined
  const name = dir.slice(0, at).replace('+', '/')
  if (name !== m[2]) return undefined
  return {
    id: `${name}@${dir.slice(at + 1)}`,
    dir: `node_modules/.pnpm/${m[1]}/node_modules/${name}`
  }
}

function devRule(trees: DevTree[]): PathRule {
  return {
    id: 'dev-dependencies',
    needles: ['node_modules/'],
    match(path) {
      for (const t of trees) {
        if (t.root !== '' && !path.startsWith(`${t.root}/`)) continue
        const rel = t.root === '' ? path : path.slice(t.root.length + 1)
        if (t.pnpmDev) {
          const p = pnpmPackage(rel)
          if (p && t.pnpmDev.has(p.id)) return at(t.root, p.dir)
          continue
        }
        const key = packageKey(rel)
        if (key && t.dev.has(key)) return at(t.root, key)
      }
      return undefined
    }
  }
}

const SOURCE_TEXT: Record<Source, string> = {
  'package-lock': 'the lockfile marks them `"dev": true`',
  'hidden-lockfile': 'node_modules/.package-lock.json marks them `"dev": true`',
  'package.json': 'package.json lists them (or what they pull in) as devDependencies only',
  'pnpm-lock': 'pnpm-lock.yaml has them only through devDependencies'
}

/** PEP 503 name: `Foo_Bar.baz` → `foo-bar-baz`. */
function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

/** Names of poetry.lock packages that only dev groups need; undefined when none is marked. */
export function poetryLockDev(text: string): Set<string> {
  const dev = new Set<string>()
  for (const block of text.split(/^\[\[package\]\]\s*$/m).slice(1)) {
    const body = block.split(/^\[(?!\[package\]\])/m)[0] as string
    const name = /^name\s*=\s*"([^"]+)"/m.exec(body)?.[1]
    if (!name) continue
    const category = /^category\s*=\s*"([^"]+)"/m.exec(body)?.[1]
    const groups = /^groups\s*=\s*\[([^\]]*)\]/m.exec(body)?.[1]
    const list = groups ? [...groups.matchAll(/"([^"]+)"/g)].map(m => m[1] as string) : undefined
    if (category === 'dev' || (list && list.length > 0 && !list.includes('main'))) {
      dev.add(pep503(name))
    }
  }
  return dev
}

/** Live path → group (the distribution's dist-info name) of dev-only Python distributions. */
function pythonDevFiles(ctx: HintContext): Map<string, string> {
  const out = new Map<string, string>()
  const dev = new Set<string>()
  for (const path of ctx.live.keys()) {
    if (path !== 'poetry.lock' && !path.endsWith('/poetry.lock')) continue
    const text = liveText(ctx.contents, ctx.live, path)
    if (text !== undefined) for (const n of poetryLockDev(text)) dev.add(n)
  }
  if (dev.size === 0) return out
  for (const p of readEcosystems(ctx.live, ctx.contents).packages) {
    if (p.ecosystem !== 'python' || !dev.has(pep503(p.name))) continue
    // `…/site-packages/pytest-8.0.dist-info/RECORD` → `…/site-packages/pytest`
    const group = [...p.source.split('/').slice(0, -2), p.name].join('/')
    for (const f of p.files ?? []) if (!out.has(f)) out.set(f, group)
  }
  return out
}

function pythonRule(files: Map<string, string>): PathRule {
  return { id: 'dev-dependencies', match: path => files.get(path) }
}

export const devDependencies: PathDetector = {
  id: 'dev-dependencies',
  rules(ctx) {
    const trees = devTrees(ctx)
    const py = pythonDevFiles(ctx)
    return [...(trees.length > 0 ? [devRule(trees)] : []), ...(py.size > 0 ? [pythonRule(py)] : [])]
  },
  fix(f) {
    const trees = devTrees(f.ctx)
    const py = [...f.tally.groups.keys()].some(g => !g.includes('node_modules/'))
    if (py && trees.length === 0) return poetryFix(f)
    const why = trees.map(t => SOURCE_TEXT[t.source]).filter((s, i, a) => a.indexOf(s) === i)
    const ins = writtenInstruction(f.ctx, f.layer)
    const count = f.tally.groups.size
    const what = `${count} dev-only package${count === 1 ? '' : 's'} (${bytes(f.bytes)}; ${why.join('; ')}): ${listWithSizes(f.paths, 3)}`
    const cmd = installCommand(ins, trees)
    if (isRun(ins)) {
      return `${what}. Install without them: ${cmd} in ${quoted(ins)}; if the build needs them, build in a stage and run ${cmd} in the final one`
    }
    if (isCopy(ins)) {
      return `${what}. ${quoted(ins)} copies them: run ${cmd} (or \`npm prune --omit=dev\`) before it, in the stage it copies from`
    }
    return `${what}. Install with ${cmd}`
  }
}

function poetryFix(f: FixInput): string {
  const ins = writtenInstruction(f.ctx, f.layer)
  const count = f.tally.groups.size
  const what = `${count} dev-only Python distribution${count === 1 ? '' : 's'} (${bytes(f.bytes)}; poetry.lock puts them in dev groups only): ${listWithSizes(f.paths, 3)}`
  const cmd =
    '`poetry install --only main` (Poetry < 1.2: `--no-dev`; pip: install without the `[dev]` extra)'
  return isRun(ins)
    ? `${what}. Install with ${cmd} in ${quoted(ins)}`
    : `${what}. Install with ${cmd}`
}

function installCommand(ins: string | undefined, trees: DevTree[]): string {
  const text = ins ?? ''
  if (/\bpnpm\b/.test(text) || trees.some(t => t.source === 'pnpm-lock')) {
    return '`pnpm install --prod --frozen-lockfile`'
  }
  if (/\byarn\b/.test(text)) return '`yarn install --production --frozen-lockfile`'
  if (/\bnpm (?:install|i)\b/.test(text) && !/\bnpm ci\b/.test(text)) {
    return '`npm install --omit=dev`'
  }
  return '`npm ci --omit=dev`'
}

// --------------------------------------------------------------------------------------------
// test-output
//
// Counted only outside installed packages (node_modules, site-packages, dist-packages, /usr):
// packages often ship their own test folders and source maps, and removing files from inside
// a package is not a fix a Dockerfile should carry. In the app:
//   - `coverage/` and `.nyc_output/` (coverage output) and `__tests__/` folders, at any depth;
//   - `test/` and `tests/` directly in the WORKDIR (the app's own test suite);
//   - `*.map` source maps.

const INSTALLED =
  /(?:^|\/)(?:node_modules|site-packages|dist-packages)\/|^usr\/(?:lib|lib64|libexec|share|include|bin|sbin)\/|^usr\/local\/(?:lib|share|include)\//

export function testOutputGroup(path: string, workdir: string): string | undefined {
  if (INSTALLED.test(path)) return undefined
  const dir = /^(.*?(?:^|\/)(?:coverage|\.nyc_output|__tests__))\//.exec(path)
  if (dir) return dir[1]
  const prefix = workdir === '' ? '' : `${workdir}/`
  if (path.startsWith(prefix)) {
    const t = /^(tests?)\//.exec(path.slice(prefix.length))
    if (t) return `${prefix}${t[1] as string}`
  }
  if (path.endsWith('.map') && /\.(?:js|mjs|cjs|css|ts)\.map$/.test(path)) {
    const slash = path.lastIndexOf('/')
    return `${slash < 0 ? '' : path.slice(0, slash + 1)}*.map`
  }
  return undefined
}

const testRule: PathRule = {
  id: 'test-output',
  needles: ['coverage/', '.nyc_output/', '__tests__/', 'test', '.map'],
  match: (path, ctx) => testOutputGroup(path, ctx.workdir)
}

export const testOutput: PathDetector = {
  id: 'test-output',
  rules: () => [testRule],
  fix: testOutputFix
}

/** The sources of a COPY/ADD (everything but the flags and the destination). */
export function copySources(instruction: string): string[] {
  const words = instruction.trim().split(/\s+/).slice(1)
  if (words[0]?.startsWith('[')) {
    try {
      const list = JSON.parse(instruction.trim().replace(/^\S+\s+/, '')) as unknown
      return Array.isArray(list) ? list.slice(0, -1).map(String) : []
    } catch {
      return []
    }
  }
  const args = words.filter(w => !w.startsWith('--'))
  return args.slice(0, -1)
}

function clean(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '')
}

function testOutputFix(f: FixInput): string {
  const ins = writtenInstruction(f.ctx, f.layer)
  const what = `${listWithSizes(f.paths, 4)}`
  const names = [...f.tally.groups.keys()].map(g => {
    const last = g.split('/').pop() as string
    return last === '*.map' ? '**/*.map' : `**/${last}`
  })
  const patterns = [...new Set(names)]
  if (isCopy(ins) && !/--from[= ]/.test(ins as string)) {
    const sources = copySources(ins as string).map(clean)
    const named = [...f.tally.groups.keys()].filter(g => {
      const last = g.split('/').pop() as string
      return sources.some(
        s => s === last || s.endsWith(`/${last}`) || g.endsWith(`/${s}`) || g === s
      )
    })
    if (named.length > 0) {
      return `${what} come from ${quoted(ins)}, which names them: drop them from that COPY (excluding a path the COPY names makes it fail)`
    }
    return `${what} come from the build context through ${quoted(ins)}: add ${patterns.map(p => `\`${p}\``).join(', ')} to .dockerignore (keep source maps only if you run with \`--enable-source-maps\` or upload them elsewhere)`
  }
  if (isCopy(ins)) {
    return `${what} come from ${quoted(ins)}: copy only the runtime files from that stage, or build without them (e.g. source maps off)`
  }
  if (isRun(ins)) {
    return `${what} are made by ${quoted(ins)}: run tests in a build stage, or delete them at the end of that RUN (\`&& rm -rf ${f.paths.map(p => p.path).join(' ')}\`)`
  }
  return `${what}: delete them in the RUN that makes them, or keep them out of the build context`
}
