// A file as a ByteSource: read into one reused buffer, each read pushed into the sink before
// the next. Compared with fs.createReadStream (a fresh 1 MiB buffer per read, freed only by the
// garbage collector), this allocates nothing per read: less GC, fewer page faults, and a flat
// RSS however large the archive is.

import { open } from 'node:fs/promises'
import type { ByteSource, ChunkSink } from './streams.js'

const FILE_READ_BYTES = 1024 * 1024

export function fileSource(path: string): ByteSource {
  let stopped = false
  return {
    pushTo: (sink, onError) => {
      pump(path, sink, () => stopped).catch((err: Error) => {
        if (!stopped) onError(err)
      })
    },
    destroy: () => {
      stopped = true
    }
  }
}

async function pump(path: string, sink: ChunkSink, stopped: () => boolean): Promise<void> {
  const file = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(FILE_READ_BYTES)
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null)
      if (stopped()) return
      if (bytesRead === 0) break
      // The sink is done with the bytes when write() returns (they are borrowed): the buffer
      // can be refilled, but only once the sink has room again.
      if (!sink.write(buffer.subarray(0, bytesRead)))
        await new Promise<void>(resolve => sink.once('drain', resolve))
    }
    sink.end()
  } finally {
    await file.close()
  }
}
