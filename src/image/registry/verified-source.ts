// A blob body as a ByteSource that checks the bytes against the descriptor's digest and size as
// they stream: the reader's result settles only after the last byte was verified, so a layer
// whose bytes were swapped or cut short is an error, never a wrong report.

import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { readableSource, type ByteSource, type ChunkSink } from '../layer/streams.js'

export interface VerifiedSource extends ByteSource {
  /**
   * After the reader failed on the blob: hashes the rest of the body (when at most `maxBytes`
   * are left) and answers the digest error when the bytes were not the blob's. A corrupt blob
   * then reads as such, not as a damaged tar. Always closes the body.
   */
  digestError(maxBytes: number): Promise<Error | undefined>
}

export function verifiedSource(
  body: Readable,
  digest: string,
  size: number | undefined,
  what: string
): VerifiedSource {
  const inner = readableSource(body)
  const [algorithm, expected] = digest.split(':')
  const hash = createHash(algorithm)
  let bytes = 0
  let ended = false
  let stopped = false // the reader gave up: keep hashing, pass nothing on
  let mismatch: Error | undefined
  let onEnd: (() => void) | undefined

  const check = (): Error | undefined => {
    const actual = hash.digest('hex')
    if (actual !== expected)
      return new Error(
        `${what} does not match its digest ${digest}: the registry sent ${bytes} bytes hashing to ${algorithm}:${actual}`
      )
    if (size !== undefined && bytes !== size)
      return new Error(`${what} is ${bytes} bytes, not the ${size} its descriptor says`)
    return undefined
  }

  return {
    pushTo: (sink, onError) => {
      let failed = false
      const fail = (err: Error): void => {
        if (failed) return
        failed = true
        mismatch = err
        onError(err)
      }
      const checked: ChunkSink = {
        write: chunk => {
          if (failed) return true
          hash.update(chunk)
          bytes += chunk.length
          if (size !== undefined && bytes > size) {
            fail(new Error(`${what} is longer than the ${size} bytes its descriptor says`))
            return true
          }
          return stopped ? true : sink.write(chunk)
        },
        end: () => {
          if (failed) return
          ended = true
          mismatch = check()
          if (onEnd) onEnd()
          else if (mismatch) fail(mismatch)
          else sink.end()
        },
        once: (event, listener) => sink.once(event, listener)
      }
      inner.pushTo(checked, err => fail(new Error(`${what}: the download failed: ${err.message}`)))
    },
    destroy: () => {
      stopped = true
    },
    digestError: async maxBytes => {
      if (ended || mismatch) {
        if (!ended) inner.destroy()
        return mismatch
      }
      const left = size === undefined ? Infinity : size - bytes
      if (left > maxBytes) {
        inner.destroy()
        return undefined
      }
      stopped = true
      body.resume()
      await new Promise<void>(resolve => {
        onEnd = resolve
        body.once('error', () => resolve())
        body.once('close', () => resolve())
      })
      inner.destroy()
      return ended ? mismatch : undefined
    }
  }
}

/** Checks a whole small blob (manifest, config) against its digest. */
export function checkBlobDigest(bytes: Buffer, digest: string, what: string): void {
  const [algorithm, expected] = digest.split(':')
  const actual = createHash(algorithm).update(bytes).digest('hex')
  if (actual !== expected)
    throw new Error(
      `${what} does not match its digest ${digest}: the registry sent bytes hashing to ${algorithm}:${actual}`
    )
}
