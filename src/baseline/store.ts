// Where baselines live, behind one small interface: a data branch of the repository
// (git-store.ts, the action) or a directory (local-store.ts, the CLI). Both share the layout
// and the index rules below.

import type { Baseline } from './schema.js'
import {
  BaselineFormatError,
  checkNotNewer,
  imageKey,
  parseBaseline,
  parseJsonBounded,
  serializeBaseline,
  validateAgainst
} from './schema.js'
import { INDEX_KIND, INDEX_SCHEMA, INDEX_SCHEMA_VERSION, SHA_PATTERN } from './report-schema.js'

export interface IndexEntry {
  sha: string
  recordedAt: string
  totalBytes: number
  compressedBytes?: number
  /** Path of the baseline file, relative to the store root. */
  path: string
}

export interface BaselineStore {
  /** The baseline measured at `sha`; undefined when there is none or it is unreadable. */
  get(name: string, platform: string, sha: string): Promise<Baseline | undefined>
  /** Recorded baselines of one image, newest first (for the trend and the walk-back). */
  history(name: string, platform: string, limit: number): Promise<IndexEntry[]>
  /** Stores (or replaces, for the same sha) a baseline. */
  put(baseline: Baseline): Promise<void>
  /**
   * True when a recorded baseline of this image could not be read (corrupt, or a newer
   * schema) during this run: "no baseline" is then not a state to pass on.
   */
  unreadable?(name: string, platform: string): boolean
}

export interface ImageIndex {
  name: string
  platform: string
  /** Newest first. */
  entries: IndexEntry[]
}

export interface IndexFile {
  schemaVersion: typeof INDEX_SCHEMA_VERSION
  kind: typeof INDEX_KIND
  /** Keyed by `<safeName>/<platformKey>`. */
  images: Record<string, ImageIndex>
}

export const INDEX_PATH = 'index.json'
export const README_PATH = 'README.md'
export const BASELINES_DIR = 'baselines'
export const MAX_INDEX_BYTES = 32 * 1024 * 1024

const FILE_PATTERN = new RegExp(
  `^${BASELINES_DIR}/[A-Za-z0-9_][A-Za-z0-9._-]*/[A-Za-z0-9_][A-Za-z0-9._-]*/${SHA_PATTERN.slice(1, -1)}\\.json$`
)

/** True for paths shaped like `baselines/<name>/<platform>/<sha>.json` (others are ignored). */
export function isBaselinePath(path: string): boolean {
  return FILE_PATTERN.test(path)
}

export function emptyIndex(): IndexFile {
  return { schemaVersion: INDEX_SCHEMA_VERSION, kind: INDEX_KIND, images: {} }
}

/** Reads index.json: BaselineFormatError when corrupt, NewerSchemaError when from a newer writer. */
export function parseIndex(text: string, where: string): IndexFile {
  const value = parseJsonBounded(text, MAX_INDEX_BYTES, where)
  checkNotNewer(value, where, INDEX_SCHEMA_VERSION)
  return validateAgainst<IndexFile>(value, INDEX_SCHEMA, where, 'image-size-guard index')
}

export function serializeIndex(index: IndexFile): string {
  return `${JSON.stringify(index, null, 1)}\n`
}

/**
 * The text to store, checked the way a reader will check it: a baseline that would be
 * refused later is refused now, when the cause (a report that breaks the schema) is visible.
 */
export function baselineText(baseline: Baseline): string {
  const text = serializeBaseline(baseline)
  parseBaseline(text, `the baseline of ${baseline.name} (${baseline.platform}) being recorded`)
  return text
}

export function indexEntryOf(baseline: Baseline, path: string): IndexEntry {
  const { totalBytes, compressedBytes } = baseline.report.image
  return {
    sha: baseline.sha,
    recordedAt: baseline.recordedAt,
    totalBytes,
    ...(compressedBytes !== undefined ? { compressedBytes } : {}),
    path
  }
}

function byRecency(a: IndexEntry, b: IndexEntry): number {
  return Date.parse(b.recordedAt) - Date.parse(a.recordedAt) || a.sha.localeCompare(b.sha)
}

/** Adds (or replaces, same path) the entry of `baseline`; returns a new index. */
export function upsertEntry(index: IndexFile, baseline: Baseline, path: string): IndexFile {
  const key = imageKey(baseline.name, baseline.platform)
  const images = { ...index.images }
  const current = images[key]?.entries ?? []
  const entries = [indexEntryOf(baseline, path), ...current.filter(e => e.path !== path)]
  images[key] = {
    name: baseline.name,
    platform: baseline.platform,
    entries: entries.sort(byRecency)
  }
  return { ...index, images }
}

export interface Reconciled {
  index: IndexFile
  /** Files that were stored but missing from the index, and were read back into it. */
  added: number
  /** Entries whose file no longer exists. */
  dropped: number
  /** Files still missing from the index because of `readLimit` (healed by later writes). */
  pending: number
}

/**
 * Makes the index agree with the files actually stored, so a stale, partial or missing
 * index heals itself: entries without a file are dropped, files without an entry are read
 * (at most `readLimit` per call, to bound API use) and added.
 */
export async function reconcileIndex(
  index: IndexFile,
  files: string[],
  read: (path: string) => Promise<Baseline | undefined>,
  readLimit: number
): Promise<Reconciled> {
  const stored = new Set(files.filter(isBaselinePath))
  let dropped = 0
  const images: Record<string, ImageIndex> = {}
  for (const [key, image] of Object.entries(index.images)) {
    const entries = image.entries.filter(e => stored.has(e.path))
    dropped += image.entries.length - entries.length
    if (entries.length > 0) images[key] = { ...image, entries }
  }
  let result: IndexFile = { ...index, images }
  const known = new Set(Object.values(images).flatMap(i => i.entries.map(e => e.path)))
  const missing = [...stored].filter(p => !known.has(p)).sort()
  let added = 0
  for (const path of missing.slice(0, readLimit)) {
    const baseline = await read(path)
    if (!baseline) continue
    result = upsertEntry(result, baseline, path)
    added++
  }
  return { index: result, added, dropped, pending: Math.max(0, missing.length - readLimit) }
}

/**
 * Retention: per image and platform, the newest `keep` entries stay, and so does every entry
 * whose commit is in `protect` (an open pull request's base still compares with it). Returns
 * the smaller index and the baseline files to delete. `keep` 0 keeps everything.
 */
export function pruneIndex(
  index: IndexFile,
  keep: number,
  protect: ReadonlySet<string>
): { index: IndexFile; removed: string[] } {
  if (keep <= 0) return { index, removed: [] }
  const removed: string[] = []
  const images: Record<string, ImageIndex> = {}
  for (const [key, image] of Object.entries(index.images)) {
    const all = [...image.entries].sort(byRecency)
    const entries = all.filter((e, i) => i < keep || protect.has(e.sha))
    const kept = new Set(entries)
    for (const e of all) if (!kept.has(e)) removed.push(e.path)
    images[key] = { ...image, entries }
  }
  return { index: { ...index, images }, removed }
}

/** Entries of one image, newest first. */
export function entriesOf(index: IndexFile, name: string, platform: string): IndexEntry[] {
  return index.images[imageKey(name, platform)]?.entries ?? []
}

/** Sorts entries read from files (no index) newest first. */
export function newestFirst(entries: IndexEntry[]): IndexEntry[] {
  return [...entries].sort(byRecency)
}

export function isFormatError(e: unknown): e is BaselineFormatError {
  return e instanceof BaselineFormatError
}

export const README_TEXT = `# image-size-guard data

This branch is written by the image-size-guard GitHub Action on pushes to the default
branch. It holds one baseline per image, platform and commit, so pull requests can be
compared with the exact commit they are based on. It is not meant to be merged or checked out.

- \`baselines/<image>/<platform>/<commit sha>.json\` — a trimmed size report of the image built
  from that commit.
- \`index.json\` — the list of recorded commits per image (sha, date, total size), used for the
  size trend and to find the nearest recorded commit. It is rebuilt from \`baselines/\` when it
  is missing or stale, so deleting it is safe.

Each recording keeps the newest baselines per image and platform (input \`keep-baselines\`,
default 500) plus those of open pull requests' base commits, and removes older ones in the
same commit. Writes only ever add commits on top of this branch (no force-push).
To start over, delete the branch: the next push to the default branch creates it again.
Deleting single files under \`baselines/\` forgets those commits. See docs/baselines.md of
image-size-guard for details.
`
