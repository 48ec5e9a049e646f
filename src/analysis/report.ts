// The versioned JSON report: the one data structure every later step (hints, baseline,
// diff, render) reads. Documented field by field in docs/report-schema.md. Bump
// SCHEMA_VERSION on any change that an older reader would misread.

import type { ArchiveLayout } from '../image/types.js'
import type { BuildInfo, HistoryEntry, LayerSummary, PathSize } from '../model.js'

// The layer, history and build parts are defined in model.ts (the Dockerfile mapper and the
// builder, below this floor, read them); the hints import them from here with the rest.
export type { HistoryEntry, LayerSummary, PathSize }

export const SCHEMA_VERSION = 1

export type WasteKind = 'deleted' | 'overwritten' | 'metadata-rewrite' | 'duplicate'

export interface WasteItem {
  kind: WasteKind
  /** The hidden path; for a deleted directory, the directory. For duplicates, one live copy. */
  path: string
  /** Bytes shipped but not visible (duplicates: size × (copies − 1)). */
  bytes: number
  /** Layer that holds the hidden bytes (duplicates: the layer of the extra copies, lowest). */
  layer: number
  /** Layer whose whiteout or rewrite hid them. */
  hiddenBy?: number
  /** Regular files behind this item (subtree of a deleted directory, copies of a duplicate). */
  files: number
  /** Duplicates: the other live paths with the same content (bounded). */
  otherPaths?: string[]
}

export interface WasteSummary {
  /** Σ of every waste item: bytes the image ships that a better Dockerfile would not. */
  reclaimableBytes: number
  /** Part of reclaimableBytes that sits in base-image layers. */
  baseBytes: number
  /** Part of reclaimableBytes that sits in the Dockerfile's own layers. */
  ownBytes: number
  byKind: Record<WasteKind, number>
  /** Largest items first, bounded; itemCount says how many there were. */
  items: WasteItem[]
  itemCount: number
}

export type Severity = 'info' | 'warning' | 'error'

export interface Hint {
  id: string
  severity: Severity
  title: string
  /** Bytes the fix would save. */
  bytes: number
  /** Layer most responsible (index into image.layers). */
  layer?: number
  layers: number[]
  /** Normalised history instruction of `layer`. */
  instruction?: string
  dockerfile?: string
  dockerfileLine?: number
  paths: PathSize[]
  /** Packages behind the hint (build-tools), with installed size. */
  packages?: PathSize[]
  fix: string
  /** Compared with the baseline: true when the baseline did not have this hint. */
  new?: boolean
}

export interface ImageSummary {
  reference?: string
  id: string
  /** `os/arch[/variant]` */
  platform: string
  source: {
    kind: 'engine' | 'archive' | 'oci-dir' | 'registry'
    layout: ArchiveLayout
    path?: string
  }
  config: {
    user: string
    entrypoint: string[]
    cmd: string[]
    workdir: string
    /** Names only; values can hold secrets. */
    envNames: string[]
    exposedPorts: string[]
  }
  /** Σ layer bytes: comparable with `docker image inspect .Size` on the classic store. */
  totalBytes: number
  /** Σ layer tarBytes. */
  tarBytes: number
  compressedBytes?: number
  compressedEstimated?: boolean
  /**
   * Read from an engine with the containerd image store: the size it reports there (`docker
   * image inspect .Size`), the packed content it stores, not the unpacked bytes of totalBytes.
   */
  storedBytes?: number
  /** Regular files visible in the final filesystem. */
  fileCount: number
  /** How many bottom layers belong to the base image, and how that was decided. */
  baseLayers: number
  baseSource: 'dockerfile' | 'from-image' | 'baseline' | 'unknown'
  layers: LayerSummary[]
  history: HistoryEntry[]
}

/** Package ecosystems the content index reads (docs/report-schema.md, "Content index"). */
export type Ecosystem = 'dpkg' | 'apk' | 'rpm' | 'python' | 'npm' | 'gem'

export interface PackageInfo {
  ecosystem: Ecosystem
  name: string
  version?: string
  /** Layer that installed or last changed it: the highest layer holding one of its files. */
  layer: number
  /** Exact: Σ sizes of its regular files present in the final filesystem. */
  bytes: number
  files: number
}

/**
 * What the final filesystem holds, bounded for storage: packages (exact bytes), files no
 * package owns grouped by directory, and the directory tree above a small share of the image.
 * `packages` + `unowned` (+ `omitted`) partition the final filesystem's bytes.
 */
export interface ContentIndex {
  /** Σ sizes of the regular files of the final filesystem. */
  liveBytes: number
  /** Ecosystems whose database was read (a database found but not read is in `warnings`). */
  ecosystems: Ecosystem[]
  /** Largest first. */
  packages: PackageInfo[]
  /** Files no package owns, by top directories (`/app`, `/usr/local`), largest first. */
  unowned: PathSize[]
  /** Packages and unowned groups beyond the bounds, rolled together. */
  omitted?: { packages: number; groups: number; bytes: number }
  /** Every directory larger than `dirCut` bytes (absent: smaller), largest first. */
  dirs: PathSize[]
  dirCut: number
  /** The largest files: every file larger than `fileCut` bytes. */
  files: PathSize[]
  fileCut: number
  /** Databases that were found but could not be read (too large, malformed, unsupported). */
  warnings: string[]
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION
  tool: { name: 'image-size-guard'; version: string }
  generatedAt: string
  image: ImageSummary
  waste: WasteSummary
  hints: Hint[]
  build?: BuildInfo
  /** The content index; absent in reports written before it existed. */
  content?: ContentIndex
}
