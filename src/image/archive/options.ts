import { DEFAULT_MAX_ENTRIES, DEFAULT_MAX_PATH_LENGTH } from '../layer/read-layer.js'
import { oneLine } from '../layer/errors.js'

export interface ReadOptions {
  /** `os/arch[/variant]`; default: the image's only platform, else the host's. */
  platform?: string
  /** Picks one image of a multi-image archive (RepoTags / index annotations); also reported. */
  reference?: string
  maxEntries?: number
  maxPathLength?: number
  /** Largest JSON document (manifest, index, config) held in memory. Default 64 MiB. */
  maxJsonBytes?: number
  /** Gzip uncompressed layers on the side to fill LayerRead.estimatedGzipBytes. */
  estimateCompressed?: boolean
  /** Bytes read so far, and the total when known (archive files, OCI directories). */
  onProgress?: (bytesRead: number, totalBytes?: number) => void
  /** Skipped layer entries and other oddities that do not stop the read. */
  onWarning?: (message: string) => void
  /** Names the source in error messages, e.g. `docker save nginx` (default: `image archive`). */
  label?: string
  /** Regular files whose bytes to keep (package databases the hints read): LayerRead.contents. */
  wantContent?: (path: string, size: number) => boolean
}

export const DEFAULT_MAX_JSON_BYTES = 64 * 1024 * 1024

export function layerOptions(opts: ReadOptions): {
  maxEntries: number
  maxPathLength: number
  estimateCompressed?: boolean
  onWarning?: (message: string) => void
  wantContent?: (path: string, size: number) => boolean
} {
  return {
    maxEntries: opts.maxEntries ?? DEFAULT_MAX_ENTRIES,
    maxPathLength: opts.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH,
    ...(opts.estimateCompressed ? { estimateCompressed: true } : {}),
    ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
    ...(opts.wantContent ? { wantContent: opts.wantContent } : {})
  }
}

/** Prefixes any error with the source it came from: `image archive x.tar: …`. */
export async function withContext<T>(label: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    // not `instanceof Error`: errors from node:fs may come from another realm (jest's vm)
    const e = err as Error | undefined
    // A stack overflow walking a document nested 100 000 deep is the input's fault, not ours:
    // said as such, without the internal RangeError attached.
    if (e?.name === 'RangeError' && /call stack/.test(e.message)) {
      throw new Error(
        `${label}: a JSON document of the image nests too deeply to be read (a hostile or broken archive?)`
      )
    }
    const message = typeof e?.message === 'string' ? e.message : String(err)
    throw new Error(oneLine(`${label}: ${message}`), { cause: err })
  }
}
