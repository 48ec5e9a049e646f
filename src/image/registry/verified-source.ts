// A blob body as a ByteSource that checks the bytes against the descriptor's digest and size as
// they stream: the reader's result settles only after the last byte was verified, so a layer
// whose bytes were swapped or cut short is an error, never a wrong report.

import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { readableSource, type ByteSource, type ChunkSink } from '../layer/streams.js'

export function verifiedSource(
  body: Readable,
  digest: string,
  size: number | undefined,
  what: string
): ByteSource {
  const inner = readableSource(body)
  const [algorithm, expected] = digest.split(':')
  const hash = createHash(algorithm)
  let bytes = 0
  return {
    pushTo: (sink, onError) => {
      let failed = false
      const fail = (message: string): void => {
        if (failed) return
        failed = true
        inner.destroy()
        onError(new Error(message))
      }
      const checked: ChunkSink = {
        write: chunk => {
          if (failed) return true
          hash.update(chunk)
          bytes += chunk.length
          if (size !== undefined && bytes > size) {
            fail(`${what} is longer than the ${size} bytes its descriptor says`)
            return true
          }
          return sink.write(chunk)
        },
        end: () => {
          if (failed) return
          const actual = hash.digest('hex')
          if (actual !== expected)
            fail(
              `${what} does not match its digest ${digest}: the registry sent bytes hashing to ${algorithm}:${actual} (${bytes} bytes)`
            )
          else if (size !== undefined && bytes !== size)
            fail(`${what} is ${bytes} bytes, not the ${size} its descriptor says`)
          else sink.end()
        },
        once: (event, listener) => sink.once(event, listener)
      }
      inner.pushTo(checked, err => fail(`${what}: the download failed: ${err.message}`))
    },
    destroy: () => inner.destroy()
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
