// Layer threads: registry layers downloaded and read on worker threads, so that reading an
// image uses both cores. On the main thread a read is CPU work that cannot overlap with itself:
// the HTTP body, the blob's sha256, zlib's round trips, the tar parse and every file's sha256.
// And the main thread's heap is large (the whole action or command line): the garbage of a
// download (a fresh buffer per socket read) makes V8 mark that heap again and again, more so
// on Node 24. A thread runs a small bundle of its own (dist/layer-thread/index.js, from
// src/layer-thread.ts): the same readBlobLayer as the main thread, on a client resumed from
// the main thread's session (no second login), answering the LayerRead (structured clone) or
// the error. docs/benchmarks.md has the figures.
//
// The action's and the command line's entry points name the bundle (useLayerThreads());
// without that (tests load the sources), reads stay on the main thread.
//
// The protocol, one read at a time per thread:
//   main → thread: read {session, job, options}
//   thread → main: progress {bytes}…, warning {message}…, then done {read} or error {…}

import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parentPort, Worker } from 'node:worker_threads'
import { UsageError } from '../../errors.js'
import { oneLine } from '../layer/errors.js'
import type { ReadLayerOptions } from '../layer/read-layer.js'
import type { LayerRead } from '../types.js'
import { readBlobLayer, type BlobJob } from './blob-layer.js'
import { RegistryClient, type ClientSession } from './client.js'

type WantContent = (path: string, size: number) => boolean

/** A thread reports its progress in steps of this many bytes (and at the end). */
export const PROGRESS_BYTES = 16 * 1024 * 1024

/**
 * The ReadLayerOptions that cross to a thread: functions cannot, so the content filter is a
 * flag (keep what the thread's own filter wants, see useLayerThreads).
 */
export type ThreadReadOptions = Omit<
  ReadLayerOptions,
  'wantContent' | 'onWarning' | 'onProgress'
> & {
  wantContent?: boolean
}

type ToThread = { type: 'read'; session: ClientSession; job: BlobJob; options: ThreadReadOptions }

type FromThread =
  | { type: 'progress'; bytes: number }
  | { type: 'warning'; message: string }
  | { type: 'done'; read: LayerRead }
  | { type: 'error'; message: string; usage: boolean }

/** What both ends talk through: a Worker on the main side, a MessagePort in the thread. */
export interface Port {
  postMessage(message: unknown): void
  on(event: 'message' | 'error', listener: (value: never) => void): unknown
  off(event: 'message', listener: (value: never) => void): unknown
  /** A Worker's: it ends (crashed, or terminated). */
  once?(event: 'exit', listener: (code: number) => void): unknown
  terminate?(): Promise<number>
}

// ---------------------------------------------------------------------------------------------
// Main thread

let entry: { url: URL; wantContent: WantContent } | undefined

/**
 * Called by a bundle's entry point: layer threads run `url` (the layer thread's bundle), which
 * keeps what `wantContent` wants. Reads asked with another filter stay on the main thread.
 */
export function useLayerThreads(url: URL, wantContent: WantContent): void {
  entry = { url, wantContent }
}

/**
 * Threads for `count` reads at a time, or undefined when reads stay on the main thread: no
 * entry point registered them, or the read wants a content filter the threads do not have.
 */
export function layerThreads(count: number, wantContent?: WantContent): LayerThread[] | undefined {
  if (!entry || (wantContent && wantContent !== entry.wantContent)) return undefined
  const url = entry.url
  const file = fileURLToPath(url)
  if (!existsSync(file))
    throw new Error(
      `the layer reader threads' bundle ${file} is missing: it is part of the dist/ folder, check it out whole`
    )
  return Array.from({ length: count }, () => {
    const worker = new Worker(url)
    worker.unref() // a thread never keeps the process alive; close() ends it
    return new LayerThread(worker as unknown as Port, file)
  })
}

export interface ThreadHooks {
  onProgress?: (bytes: number) => void
  onWarning?: (message: string) => void
}

/** One thread, one read at a time. */
export class LayerThread {
  private crashed: Error | undefined
  private readonly crashListeners = new Set<(err: Error) => void>()

  /** `file`: a Worker's bundle, named when the thread dies. */
  constructor(
    private readonly port: Port,
    file?: string
  ) {
    const name = file ? `a layer reader thread (${file})` : 'a layer reader thread'
    const crash = (err: Error): void => {
      this.crashed ??= new Error(`${name} stopped: ${oneLine(err.message)}`)
      for (const listener of this.crashListeners) listener(this.crashed)
    }
    port.on('error', crash)
    port.once?.('exit', (code: number) => crash(new Error(`it exited with code ${code}`)))
  }

  /** Downloads and reads one blob in the thread. */
  read(
    session: ClientSession,
    job: BlobJob,
    options: ThreadReadOptions,
    hooks: ThreadHooks = {}
  ): Promise<LayerRead> {
    return new Promise<LayerRead>((resolve, reject) => {
      const port = this.port
      const finish = (err: Error | undefined, read?: LayerRead): void => {
        port.off('message', onMessage)
        this.crashListeners.delete(finish)
        if (err) reject(err)
        else resolve(read!)
      }
      const onMessage = (message: FromThread): void => {
        switch (message.type) {
          case 'progress':
            return hooks.onProgress?.(message.bytes)
          case 'warning':
            return hooks.onWarning?.(message.message)
          case 'done':
            return finish(undefined, message.read)
          case 'error':
            return finish(
              message.usage ? new UsageError(message.message) : new Error(message.message)
            )
        }
      }
      if (this.crashed) return reject(this.crashed)
      this.crashListeners.add(finish)
      port.on('message', onMessage)
      port.postMessage({ type: 'read', session, job, options } satisfies ToThread)
    })
  }

  /** Ends the thread (a no-op for a bare port). */
  async close(): Promise<void> {
    await this.port.terminate?.()
  }
}

// ---------------------------------------------------------------------------------------------
// Layer thread

/** The thread's side: serves reads from `port` (the parent by default) until it is ended. */
export function serveLayerThread(
  wantContent: WantContent,
  port: Port = parentPort as unknown as Port
): void {
  const post = (message: FromThread): void => port.postMessage(message)
  port.on('message', (message: ToThread) => {
    let told = 0 // progress goes out every PROGRESS_BYTES, not once per socket read
    const options: ReadLayerOptions = {
      ...message.options,
      wantContent: message.options.wantContent ? wantContent : undefined,
      onWarning: text => post({ type: 'warning', message: text }),
      onProgress: bytes => {
        if (bytes - told < PROGRESS_BYTES) return
        told = bytes
        post({ type: 'progress', bytes })
      }
    }
    readBlobLayer(RegistryClient.resume(message.session), message.job, options).then(
      read => {
        post({ type: 'progress', bytes: read.blobBytes })
        post({ type: 'done', read })
      },
      (err: unknown) => {
        const e = err as Error | undefined
        post({
          type: 'error',
          message: typeof e?.message === 'string' ? e.message : String(err),
          usage: e?.name === 'UsageError'
        })
      }
    )
  })
}
