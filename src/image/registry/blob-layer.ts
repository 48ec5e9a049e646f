// One layer blob from a registry, downloaded and read once: its bytes are checked against the
// descriptor's digest and size as they stream through the layer reader. The same function runs
// on the main thread and in a layer thread (threads.ts), so both give the same result and the
// same errors.

import { readLayerFrom, type ReadLayerOptions } from '../layer/read-layer.js'
import type { LayerRead } from '../types.js'
import type { RegistryClient } from './client.js'
import { verifiedSource } from './verified-source.js'

/** After a failed layer read, at most this much more is downloaded to tell corrupt bytes apart. */
export const VERIFY_AFTER_FAILURE_BYTES = 256 * 1024 * 1024

/** Which blob: its digest, its descriptor's size. */
export interface BlobJob {
  digest: string
  size: number | undefined
}

/**
 * Downloads the blob and reads it. `options.name` names the layer in messages. A blob that is
 * not its digest fails as such, even when its bytes also broke the tar: corrupt bytes explain
 * a broken tar better than the tar error does.
 */
export async function readBlobLayer(
  client: RegistryClient,
  job: BlobJob,
  options: ReadLayerOptions
): Promise<LayerRead> {
  const what = `layer ${job.digest}`
  const answer = await client.openBlob(job.digest, what)
  const source = verifiedSource(answer.body, job.digest, job.size, `${client.label}: ${what}`)
  // the body's pieces are fresh buffers (stream-get.ts): the decompressor may keep them
  return readLayerFrom(source, { ...options, ownedChunks: true }).catch(async (err: unknown) => {
    throw (await source.digestError(VERIFY_AFTER_FAILURE_BYTES)) ?? err
  })
}
