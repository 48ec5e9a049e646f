// Language package databases of the final filesystem, read from what the layer reader kept
// (see hints/content.ts) and from the file tree itself. Pure; hostile input ends in a warning,
// never a throw:
// - Python `<name>-<version>.dist-info/RECORD` (CSV, first field a path relative to the
//   site-packages directory; `../../bin/x` for scripts) and `*.egg-info/installed-files.txt`
//   (paths relative to the egg-info directory). Name and version come from the directory
//   name, which the wheel spec makes `{name}-{version}`.
// - npm `node_modules/<name>/package.json` and `node_modules/@scope/name/package.json`, nested
//   too: a package owns every file below its directory except nested `node_modules`.
// - Ruby `<gem home>/specifications/<name>-<version>.gemspec`: the gem owns
//   `<gem home>/gems/<name>-<version>/`, `extensions/<platform>/<abi>/<name>-<version>/` and
//   `doc/<name>-<version>/`.

import type { LayerContents } from './hints/content.js'
import { liveContent } from './hints/content.js'
import type { Ecosystem } from './report.js'
import type { LiveNode } from './stack.js'

/** A package and how its files are found. */
export interface FoundPackage {
  ecosystem: Ecosystem
  name: string
  version?: string
  /** Relative live paths it lists (file-list ecosystems). */
  files?: string[]
  /** Directory that holds the database entry: its layer stands in when no file is live. */
  source: string
}

export interface EcosystemsRead {
  packages: FoundPackage[]
  /** Directory prefix (`…/node_modules/x`) → package, for the tree-owned ecosystems. */
  npmDirs: Map<string, FoundPackage>
  gemDirs: Map<string, FoundPackage>
  read: Set<Ecosystem>
  warnings: string[]
}

/** Lines read from one file list; a longer one is hostile or broken. */
export const MAX_LIST_LINES = 200_000

const DIST_INFO_RECORD = /^(.*?)([^/]+)-([^/-]+)\.dist-info\/RECORD$/
const EGG_INFO_FILES = /^(.*?)([^/]+?)-([^/-]+?)(?:-py[\d.]+)?\.egg-info\/installed-files\.txt$/
const NPM_MANIFEST = /^((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/
const GEMSPEC = /^(.*)\/specifications\/([^/]+)\.gemspec$/

export function readEcosystems(
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents | undefined
): EcosystemsRead {
  const out: EcosystemsRead = {
    packages: [],
    npmDirs: new Map(),
    gemDirs: new Map(),
    read: new Set(),
    warnings: []
  }
  let npmBad = 0
  let npmUnread = 0
  for (const [path, node] of live) {
    if (node.entry.kind !== 'file') continue
    // Cheap tests first: this loop sees every live path.
    if (path.endsWith('/RECORD')) pythonRecord(path, live, contents, out)
    else if (path.endsWith('/installed-files.txt')) eggInfo(path, live, contents, out)
    else if (path.endsWith('/package.json') && path.includes('node_modules/')) {
      const r = npmManifest(path, live, contents, out)
      if (r === 'bad') npmBad++
      else if (r === 'unread') npmUnread++
    } else if (path.endsWith('.gemspec')) gemspec(path, out)
  }
  if (npmBad > 0) {
    out.warnings.push(
      `npm: ${npmBad} package.json file(s) under node_modules are not valid JSON with a name; their files count as unowned`
    )
  }
  if (npmUnread > 0) {
    out.warnings.push(
      `npm: ${npmUnread} package.json file(s) were not read (over the size cap or the manifest budget); their files count as unowned`
    )
  }
  return out
}

function text(
  contents: LayerContents | undefined,
  live: ReadonlyMap<string, LiveNode>,
  path: string
): string | undefined {
  const data = liveContent(contents, live, path)
  return data === undefined ? undefined : new TextDecoder('utf-8').decode(data)
}

/** `a/b/../c` → `a/c`; undefined when it climbs above the root or is empty. */
export function resolveRelative(base: string, rel: string): string | undefined {
  const parts = base === '' ? [] : base.split('/')
  for (const seg of rel.replace(/^\/+/, '').split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(seg)
  }
  return parts.length === 0 ? undefined : parts.join('/')
}

function lines(body: string, what: string, out: EcosystemsRead): string[] | undefined {
  const all = body.split('\n')
  if (all.length > MAX_LIST_LINES) {
    out.warnings.push(
      `${what} has ${all.length} lines, over the ${MAX_LIST_LINES} read; that package is left out`
    )
    return undefined
  }
  return all
}

function pythonRecord(
  path: string,
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents | undefined,
  out: EcosystemsRead
): void {
  const m = DIST_INFO_RECORD.exec(path)
  if (!m) return
  const body = text(contents, live, path)
  if (body === undefined) {
    out.warnings.push(`python: /${path} was not read (over the size cap); that package is left out`)
    return
  }
  const site = m[1].replace(/\/$/, '')
  const all = lines(body, `python: /${path}`, out)
  if (!all) return
  const files: string[] = []
  for (const line of all) {
    const rel = csvFirstField(line.replace(/\r$/, ''))
    if (rel === '') continue
    const resolved = resolveRelative(site, rel)
    if (resolved !== undefined) files.push(resolved)
  }
  out.read.add('python')
  out.packages.push({ ecosystem: 'python', name: m[2], version: m[3], files, source: path })
}

/** The first field of a RECORD line (CSV: quoted when it holds a comma or a quote). */
function csvFirstField(line: string): string {
  if (!line.startsWith('"')) {
    const i = line.indexOf(',')
    return i < 0 ? line : line.slice(0, i)
  }
  let field = ''
  for (let i = 1; i < line.length; i++) {
    const c = line[i]
    if (c !== '"') field += c
    else if (line[i + 1] === '"') {
      field += '"'
      i++
    } else break
  }
  return field
}

function eggInfo(
  path: string,
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents | undefined,
  out: EcosystemsRead
): void {
  const m = EGG_INFO_FILES.exec(path)
  if (!m) return
  const body = text(contents, live, path)
  if (body === undefined) {
    out.warnings.push(`python: /${path} was not read (over the size cap); that package is left out`)
    return
  }
  const all = lines(body, `python: /${path}`, out)
  if (!all) return
  const dir = path.slice(0, path.lastIndexOf('/'))
  const files: string[] = [path]
  for (const line of all) {
    const rel = line.trim()
    if (rel === '') continue
    const resolved = resolveRelative(dir, rel)
    if (resolved !== undefined) files.push(resolved)
  }
  out.read.add('python')
  out.packages.push({ ecosystem: 'python', name: m[2], version: m[3], files, source: path })
}

function npmManifest(
  path: string,
  live: ReadonlyMap<string, LiveNode>,
  contents: LayerContents | undefined,
  out: EcosystemsRead
): 'ok' | 'bad' | 'unread' | 'skip' {
  const m = NPM_MANIFEST.exec(path)
  if (!m) return 'skip'
  const body = text(contents, live, path)
  if (body === undefined) return 'unread'
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return 'bad'
  }
  const o = json as { name?: unknown; version?: unknown } | null
  if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || o.name === '') {
    return 'bad'
  }
  const pkg: FoundPackage = {
    ecosystem: 'npm',
    name: o.name.slice(0, 214),
    ...(typeof o.version === 'string' ? { version: o.version.slice(0, 256) } : {}),
    source: path
  }
  out.read.add('npm')
  out.packages.push(pkg)
  out.npmDirs.set(m[1], pkg)
  return 'ok'
}

function gemspec(path: string, out: EcosystemsRead): void {
  const m = GEMSPEC.exec(path)
  if (!m) return
  const nv = m[2]
  const split = /^(.+?)-(\d.*)$/.exec(nv)
  const pkg: FoundPackage = {
    ecosystem: 'gem',
    name: split ? split[1] : nv,
    ...(split ? { version: split[2] } : {}),
    source: path
  }
  out.read.add('gem')
  out.packages.push(pkg)
  out.gemDirs.set(`${m[1]}/gems/${nv}`, pkg)
  out.gemDirs.set(`${m[1]}/doc/${nv}`, pkg)
  out.gemDirs.set(`${m[1]}/specifications/${nv}.gemspec`, pkg)
}

const NODE_MODULES = 'node_modules/'

/** The npm package that owns `path` (deepest node_modules package directory), if any. */
export function npmOwner(
  path: string,
  dirs: ReadonlyMap<string, FoundPackage>
): FoundPackage | undefined {
  let end = path.length
  for (;;) {
    const i = path.lastIndexOf(NODE_MODULES, end - 1)
    if (i < 0) return undefined
    const rest = path.slice(i + NODE_MODULES.length)
    const segs = rest.split('/')
    const n = segs[0].startsWith('@') ? 2 : 1
    if (segs.length > n && (i === 0 || path[i - 1] === '/')) {
      const dir = path.slice(0, i + NODE_MODULES.length) + segs.slice(0, n).join('/')
      const pkg = dirs.get(dir)
      if (pkg) return pkg
    }
    // A file of a package without a manifest: try the enclosing package.
    end = i
    if (end <= 0) return undefined
  }
}

/** The gem that owns `path`, if any (every `/gems/` and `/doc/` in it is a candidate home). */
export function gemOwner(
  path: string,
  dirs: ReadonlyMap<string, FoundPackage>
): FoundPackage | undefined {
  if (path.endsWith('.gemspec')) return dirs.get(path)
  for (const marker of ['/gems/', '/doc/', '/extensions/']) {
    for (let i = path.indexOf(marker); i >= 0; i = path.indexOf(marker, i + 1)) {
      const start = i + marker.length
      if (marker === '/extensions/') {
        // extensions/<platform>/<abi>/<name>-<version>/…
        const segs = path.slice(start).split('/')
        if (segs.length < 4) continue
        const pkg = dirs.get(`${path.slice(0, i)}/gems/${segs[2]}`)
        if (pkg) return pkg
        continue
      }
      const end = path.indexOf('/', start)
      if (end < 0) continue
      const pkg = dirs.get(path.slice(0, end))
      if (pkg) return pkg
    }
  }
  return undefined
}
