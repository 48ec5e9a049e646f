// Entry points for image archives: a byte stream (docker save output) or a file.

import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { fileSource } from '../layer/file-source.js'
import { readableSource, type ByteSource } from '../layer/streams.js'
import type { ImageData } from '../types.js'
import { assembleImage, missingLayerError, notALayerError } from './assemble.js'
import { findFile, jsonFiles, type ArchiveContents } from './contents.js'
import { DEFAULT_MAX_JSON_BYTES, layerOptions, withContext, type ReadOptions } from './options.js'
import { resolveImage } from './resolve.js'
import { scanArchive } from './scan.js'

/** Reads an archive byte stream in one pass. On failure the stream is destroyed. */
export function readImageArchiveStream(
  stream: Readable | ByteSource,
  opts: ReadOptions = {}
): Promise<ImageData> {
  const source = 'pushTo' in stream ? stream : readableSource(stream)
  return readArchive(source, opts, undefined, undefined)
}

/** Reads `docker save` / `podman save` / OCI archive files, plain or gzip/zstd-compressed. */
export async function readImageArchiveFile(
  path: string,
  opts: ReadOptions = {}
): Promise<ImageData> {
  const size = await withContext(`image archive ${path}`, () => fileSize(path))
  // 1 MiB reads into one reused buffer (file-source.ts).
  return readArchive(fileSource(path), { label: `image archive ${path}`, ...opts }, path, size)
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new Error(
      code === 'ENOENT' ? 'no such file' : `cannot open it: ${(err as Error).message}`
    )
  }
}

function readArchive(
  stream: ByteSource,
  opts: ReadOptions,
  path: string | undefined,
  totalBytes: number | undefined
): Promise<ImageData> {
  const maxJsonBytes = opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES
  return withContext(opts.label ?? 'image archive', async () => {
    const contents = await scanArchive(stream, {
      maxJsonBytes,
      layer: layerOptions(opts),
      ...(opts.onProgress ? { onBytes: (n: number) => opts.onProgress?.(n, totalBytes) } : {})
    })
    return imageFromContents(contents, opts, maxJsonBytes, path)
  })
}

export function imageFromContents(
  contents: ArchiveContents,
  opts: ReadOptions,
  maxJsonBytes: number,
  path?: string
): ImageData {
  const plan = resolveImage(jsonFiles(contents, maxJsonBytes), {
    ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
    ...(opts.reference !== undefined ? { reference: opts.reference } : {})
  })
  return assembleImage(
    plan,
    (ref, i) => {
      const file = findFile(contents, ref.path)
      if (file === undefined) throw missingLayerError(ref, i, plan.layers.length)
      if (file.kind === 'broken') throw file.error
      if (file.kind !== 'layer') throw notALayerError(ref, i, plan.layers.length)
      return file.read
    },
    { kind: 'archive', ...(path ? { path } : {}) }
  )
}
