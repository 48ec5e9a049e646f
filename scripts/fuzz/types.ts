// The shapes shared by the harness, its workers and the jest smoke test.

/** How a case is read: which entry point of the reader, or the CLI's whole pipeline. */
export type RunMode =
  | 'stream' // readImageArchiveStream over the bytes, in random chunk sizes
  | 'file' // readImageArchiveFile on a file in the case's temp dir
  | 'source' // readImageSource (the path, or the OCI layout directory)
  | 'dir' // readOciLayoutDir
  | 'measure' // measure(): read + analyse + hints, as the CLI and the action run it

export interface CaseOptions {
  maxEntries?: number
  maxPathLength?: number
  maxJsonBytes?: number
  estimateCompressed?: boolean
  platform?: string
  reference?: string
  /** Reader modes: keep package databases (measure always does). */
  wantContent?: boolean
  /** Reader modes: run analyse() (analysis + hints) on what was read. */
  analyse?: boolean
  /** stream mode: the largest chunk handed to the reader. */
  chunkSize?: number
}

/** A file of an OCI layout directory input. */
export interface DirFile {
  path: string
  data?: Buffer
  /** A symlink to this target (may point anywhere: that is the point). */
  symlink?: string
  kind?: 'file' | 'fifo' | 'dir' | 'symlink'
}

/** An input made lazily as a stream (never held in memory whole). */
export interface GeneratorSpec {
  name: 'empty-files'
  count: number
  /** In the outer archive, or inside the one layer. */
  where: 'outer' | 'layer'
}

export type FuzzInput =
  | { kind: 'archive'; bytes: Buffer }
  | { kind: 'dir'; files: DirFile[] }
  | { kind: 'generated'; spec: GeneratorSpec }

export interface FuzzCase {
  id: number
  /** Seed of this case's random choices (with the run seed, it replays the case). */
  caseSeed: number
  /** The seed input it was made from. */
  seed: string
  layout: string
  /** Applied mutations, each `name(variant)`. */
  mutations: string[]
  input: FuzzInput
  mode: RunMode
  options: CaseOptions
  timeoutMs: number
}

export type Outcome =
  | 'valid' // resolved with a sane ImageData / report
  | 'clear-error' // rejected with a one-line Error naming the problem
  | 'crash' // uncaught exception, unhandled rejection, worker died
  | 'hang' // no answer within the time bound (or a promise that never settles)
  | 'memory' // over the heap / external memory bound
  | 'bad' // an unclear error (empty, multi-line, internal TypeError…) or an insane result
  | 'wrote-outside' // created or changed a file outside its temp dir
  | 'read-outside' // opened a file outside the input (a symlink out of an OCI layout)

export const OUTCOMES: Outcome[] = [
  'valid',
  'clear-error',
  'crash',
  'hang',
  'memory',
  'bad',
  'wrote-outside',
  'read-outside'
]

/** Everything but a valid report or a clear error fails the run (a new outcome too). */
export const FAILURE_OUTCOMES: ReadonlySet<Outcome> = new Set(
  OUTCOMES.filter(o => o !== 'valid' && o !== 'clear-error')
)

export interface CaseResult {
  outcome: Outcome
  /** The error message, the failed check, or a short summary of the report. */
  detail: string
  ms: number
  /** Peak heap + external memory of the worker, MB (sampled). */
  peakMb?: number
  warnings: number
}
