// The types (and the few constants) that more than one floor needs, on the lowest floor:
// it imports nothing of ours, so every import of it points down the pipeline (see
// docs/architecture.md). Only what two floors share lives here; a type one folder owns stays
// in that folder.

// ---- logging ----------------------------------------------------------------------------

/** Where adapters report progress; the action passes @actions/core's functions. */
export interface Log {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
}

export const silentLog: Log = { info: () => {}, warning: () => {}, debug: () => {} }

// ---- the report's parts the lower floors read (the rest is in analysis/report.ts) --------

export type Compression = 'none' | 'gzip' | 'zstd'

export interface PathSize {
  path: string
  bytes: number
  /** Number of regular files (for directories and grouped items). */
  files?: number
}

export interface HistoryEntry {
  /** Normalised instruction (see normaliseCreatedBy). */
  createdBy: string
  emptyLayer: boolean
  /** Index into image.layers for entries that made a layer. */
  layerIndex?: number
  created?: string
  comment?: string
}

export interface LayerSummary {
  index: number
  diffId: string
  /** Blob digest from the manifest, when the source has one. */
  digest?: string
  /** Index into image.history of the entry that made this layer. */
  historyIndex?: number
  /** Normalised instruction that made the layer; `(missing)` when history is short. */
  createdBy: string
  /** Σ sizes of regular files in the layer: what `docker history` shows on the classic store. */
  bytes: number
  /** Length of the uncompressed layer tar. */
  tarBytes: number
  /** Size of the compressed blob, when stored compressed or known from a registry manifest. */
  compressedBytes?: number
  /** true when compressedBytes is a gzip estimate rather than a stored blob size. */
  compressedEstimated?: boolean
  compression: Compression
  /** Regular files added or changed by this layer. */
  files: number
  /** All tar entries of the layer (dirs, links, whiteouts included). */
  entries: number
  /** true for layers that come from the base image (FROM). */
  base: boolean
  /** Largest files this layer adds or changes. */
  topFiles: PathSize[]
  /** Largest directories by bytes this layer adds (most specific directory that holds the bulk). */
  topDirs: PathSize[]
  /** Dockerfile line of the instruction, when the Dockerfile is known. */
  dockerfileLine?: number
}

export interface BuildInfo {
  durationMs: number
  builder: 'buildx' | 'buildkit' | 'legacy'
  dockerfile: string
  context: string
  target?: string
}

// ---- bounds of what is stored and read back ------------------------------------------------

/** Bounds, generous over what analysis produces (top 10 paths, 100 waste items, 127 layers). */
export const BOUNDS = {
  id: 256,
  platform: 128,
  path: 4096,
  /** Instructions (`RUN …` with a heredoc), CMD entries, history comments. */
  text: 65536,
  title: 1024,
  fix: 8192,
  layers: 1000,
  history: 5000,
  topPaths: 100,
  wasteItems: 1000,
  otherPaths: 100,
  hints: 500,
  hintPaths: 200,
  packages: 1000,
  configList: 1000,
  indexPackages: 5000,
  indexGroups: 500,
  indexDirs: 5000,
  indexFiles: 1000,
  indexWarnings: 100
} as const

// ---- baselines --------------------------------------------------------------------------

/** `given`: the CLI compared two images named on its command line. */
export type BaselineMethod = 'stored' | 'nearest' | 'rebuilt' | 'given'

export interface BaselineInfo {
  method: BaselineMethod
  /** Commit the baseline was measured at. */
  sha: string
  /** Branch it belongs to (e.g. main). */
  branch: string
  /** `nearest`: how many commits before the wanted one. */
  distance?: number
  /** `given`: the image or archive compared with, as the user named it. */
  label?: string
}

export interface TrendPoint {
  sha: string
  totalBytes: number
  compressedBytes?: number
  recordedAt?: string
}
