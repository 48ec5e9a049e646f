// File contents the detectors read. Tar entries carry sizes and hashes only, but the package
// databases (which packages, their installed size, which files they own) are only in the
// files themselves. The image reader keeps the bytes of the few paths `wantsContent`
// accepts, per layer, under a fixed memory budget; ContentCollector does the bookkeeping.
//
// Reader contract: for every regular-file entry of layer `i` (0 = bottom), call
// `collector.wants(i, entry.path, entry.size)`; when it returns true, buffer that entry's
// data and call `collector.add(i, entry.path, data)`. Pass `collector.contents()` to
// detectHints as `contents`. Only the topmost version of a path can be the live one, so
// the collector keeps one version per path and frees lower ones.

import type { LiveNode } from '../stack.js'

export type ContentClass = 'database' | 'file-list' | 'manifest' | 'lockfile'

const MiB = 2 ** 20

/** Largest single file kept. */
export const CONTENT_FILE_CAP = 16 * MiB
/** Budget per class; the total never exceeds CONTENT_TOTAL_CAP. */
export const CONTENT_BUDGET: Record<ContentClass, number> = {
  database: 16 * MiB,
  'file-list': 16 * MiB,
  manifest: 8 * MiB,
  lockfile: 16 * MiB
}
/** A package manifest (npm package.json) larger than this is not one we need to read. */
export const MANIFEST_FILE_CAP = 1 * MiB
export const CONTENT_TOTAL_CAP =
  CONTENT_BUDGET.database +
  CONTENT_BUDGET['file-list'] +
  CONTENT_BUDGET.manifest +
  CONTENT_BUDGET.lockfile

/** package.json, package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, poetry.lock outside node_modules. */
const APP_FILE =
  /^(?:(?!node_modules\/)[^/]+\/)*(?:package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock)$/

/** Relative paths (no leading `/`) whose content detectors read. */
export const CONTENT_PATHS: readonly { pattern: RegExp; class: ContentClass }[] = [
  // dpkg: the status database, and distroless's one-stanza-per-package status.d/
  { pattern: /^var\/lib\/dpkg\/status$/, class: 'database' },
  { pattern: /^var\/lib\/dpkg\/status\.d\/[^/]+\.md5sums$/, class: 'file-list' },
  { pattern: /^var\/lib\/dpkg\/status\.d\/[^/]+$/, class: 'database' },
  // apt: which packages were installed automatically (the recommends hint's roots)
  { pattern: /^var\/lib\/apt\/extended_states$/, class: 'database' },
  // dpkg: the files each package owns
  { pattern: /^var\/lib\/dpkg\/info\/[^/]+\.list$/, class: 'file-list' },
  // apk (Alpine, Wolfi usr-merged): one database with file lists inline
  { pattern: /^(?:usr\/)?lib\/apk\/db\/installed$/, class: 'database' },
  { pattern: /^etc\/apk\/world$/, class: 'database' },
  // rpm (Fedora 33+, RHEL 9, UBI 9; /usr/lib/sysimage on Fedora 36+ and openSUSE)
  { pattern: /^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/rpmdb\.sqlite$/, class: 'database' },
  // Python: the files each distribution installed (paths relative to its site-packages)
  { pattern: /\.dist-info\/RECORD$/, class: 'file-list' },
  { pattern: /\.egg-info\/installed-files\.txt$/, class: 'file-list' },
  // npm: each package's manifest (name, version); nested and scoped packages too
  { pattern: /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@][^/]*\/package\.json$/, class: 'manifest' },
  // npm's hidden lockfile: the installed tree, with `"dev": true` on devDependencies
  { pattern: /(?:^|\/)node_modules\/\.package-lock\.json$/, class: 'lockfile' },
  // an app's own manifest and lockfiles (outside node_modules): dev-dependencies
  { pattern: APP_FILE, class: 'lockfile' }
]

export function contentClass(path: string): ContentClass | undefined {
  return CONTENT_PATHS.find(p => p.pattern.test(path))?.class
}

/** The stateless part of the reader contract: is this entry one whose bytes we read? */
export function wantsContent(path: string, size: number): boolean {
  const cls = contentClass(path)
  return cls !== undefined && size <= fileCap(cls)
}

export function fileCap(cls: ContentClass): number {
  return cls === 'manifest' ? MANIFEST_FILE_CAP : CONTENT_FILE_CAP
}

/** layer index → relative path → bytes of that layer's version of the file. */
export type LayerContents = ReadonlyMap<number, ReadonlyMap<string, Uint8Array>>

interface Kept {
  layer: number
  size: number
  class: ContentClass
  data?: Uint8Array
}

export class ContentCollector {
  private readonly kept = new Map<string, Kept>()
  private readonly used: Record<ContentClass, number> = {
    database: 0,
    'file-list': 0,
    manifest: 0,
    lockfile: 0
  }

  /** Reserves room for the entry; false when it is not wanted or does not fit. */
  wants(layer: number, path: string, size: number): boolean {
    const cls = contentClass(path)
    if (cls === undefined || size > fileCap(cls)) return false
    const prev = this.kept.get(path)
    // A higher layer's version hides this one; within one layer the last entry wins.
    if (prev && prev.layer > layer) return false
    const freed = prev ? prev.size : 0
    if (this.used[cls] - freed + size > CONTENT_BUDGET[cls]) return false
    this.used[cls] += size - freed
    this.kept.set(path, { layer, size, class: cls })
    return true
  }

  add(layer: number, path: string, data: Uint8Array): void {
    const k = this.kept.get(path)
    if (k && k.layer === layer) k.data = data
  }

  contents(): LayerContents {
    const out = new Map<number, Map<string, Uint8Array>>()
    for (const [path, k] of this.kept) {
      if (!k.data) continue
      let m = out.get(k.layer)
      if (!m) out.set(k.layer, (m = new Map()))
      m.set(path, k.data)
    }
    return out
  }
}

/** Content of the live (visible) version of `path`, when the reader kept it. */
export function liveContent(
  contents: LayerContents | undefined,
  live: ReadonlyMap<string, LiveNode>,
  path: string
): Uint8Array | undefined {
  const node = live.get(path)
  if (!contents || !node || node.entry.kind !== 'file') return undefined
  return contents.get(node.layer)?.get(path)
}

export function liveText(
  contents: LayerContents | undefined,
  live: ReadonlyMap<string, LiveNode>,
  path: string
): string | undefined {
  const data = liveContent(contents, live, path)
  return data ? new TextDecoder('utf-8').decode(data) : undefined
}
