// The two Engine API calls the reader needs (image inspect, image save), made straight over the
// engine's unix socket when DOCKER_HOST (or the default socket) says where it is.
//
// Why not the docker CLI: `docker save` makes the CLI copy every byte from the engine's socket
// into a pipe to us, a third process on the same cores and a 64 KiB pipe in the way. Reading
// the socket ourselves took ~2-3 s off the streaming phase of a 1.2 GB save here (see
// docs/benchmarks.md). tcp://, ssh:// and npipe hosts and named contexts (TLS, SSH, their own
// config) stay with the CLI: engineSocket() returns undefined for them.

import { existsSync, readFileSync } from 'node:fs'
import { request, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { HttpResponseReader } from './http-response.js'
import type { ByteSource, ChunkSink } from './layer/streams.js'

const DEFAULT_SOCKET = '/var/run/docker.sock'

/** The engine's unix socket, when the CLI would talk to one; undefined means "use the CLI". */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined
  if (currentContext(env) !== 'default') return undefined
  return existsSync(DEFAULT_SOCKET) ? DEFAULT_SOCKET : undefined
}

// The CLI's config names the current context; anything but `default` is the CLI's business.
function currentContext(env: NodeJS.ProcessEnv): string {
  const dir = env.DOCKER_CONFIG ?? join(homedir(), '.docker')
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      currentContext?: unknown
    }
    return typeof config.currentContext === 'string' && config.currentContext
      ? config.currentContext
      : 'default'
  } catch {
    return 'default' // no config, or one we cannot read: the CLI would use the default too
  }
}

/** `GET /images/{ref}/json`; an HTTP error throws the engine's message (`No such image: x`). */
export async function inspectViaApi(socketPath: string, ref: string): Promise<unknown> {
  const res = await get(socketPath, `/images/${imagePath(ref)}/json`)
  const body = await readBody(res)
  if (res.statusCode !== 200) throw new Error(engineMessage(body))
  return JSON.parse(body.toString('utf8'))
}

/** A `docker save` read straight from the engine: the tar as a ByteSource, and how it ended. */
export interface EngineSave {
  source: ByteSource
  /** Resolves once the engine has sent the whole image (or we stopped reading); rejects when the engine failed. */
  done: Promise<void>
  kill(): void
}

/** One read buffer for the whole save: the parser is done with each read before the next. */
const READ_BUFFER_BYTES = 1024 * 1024

/**
 * `GET /images/get?names=<ref>` on a raw socket. Node's http client copies every body byte
 * into a fresh Buffer (and parses the chunked framing in a second pass through JS streams);
 * with `onread` the kernel writes into one reused buffer and the body is handed to the parser
 * in place. On a 5.5 GB image that halved our CPU time while the engine streams (see
 * docs/benchmarks.md). The body chunks are borrowed: see layer/streams.ts.
 */
export function saveViaApi(socketPath: string, ref: string, what: string): EngineSave {
  const response = new SaveResponse(what)
  const socket = connect({
    path: socketPath,
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array) =>
        response.push(Buffer.from(buffer.buffer, buffer.byteOffset, bytes), () => socket.resume())
    }
  })
  socket.on('connect', () =>
    socket.write(
      `GET /images/get?names=${encodeURIComponent(ref)} HTTP/1.1\r\n` +
        'Host: docker\r\nUser-Agent: image-size-guard\r\nConnection: close\r\n\r\n'
    )
  )
  socket.on('error', err => response.broken(`cannot reach the engine: ${err.message}`))
  socket.on('close', () => response.closed())
  const stop = (): void => {
    response.stop()
    socket.destroy()
  }
  return {
    source: { pushTo: (sink, onError) => response.attach(sink, onError), destroy: stop },
    done: response.done,
    kill: stop
  }
}

function get(socketPath: string, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath,
      path,
      method: 'GET',
      agent: false,
      headers: { Host: 'docker' }
    })
    req.on('response', resolve)
    req.on('error', reject)
    req.end()
  })
}

// Image references keep their `/` and `:` (the CLI sends them as they are); anything else that
// could break the URL is escaped.
function imagePath(ref: string): string {
  return encodeURIComponent(ref).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/g, '@')
}

async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** The engine's errors are `{"message": "..."}`. */
function engineMessage(body: Buffer): string {
  const text = body.toString('utf8').trim()
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message
    if (typeof message === 'string') return message
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300) || '(no message)'
}

/** The save response: its head and errors here, the body framing in HttpResponseReader. */
class SaveResponse {
  readonly done: Promise<void>
  private settle!: { resolve: () => void; reject: (err: Error) => void }
  private readonly reader = new HttpResponseReader()
  private sink: ChunkSink | undefined
  private onError: ((err: Error) => void) | undefined
  private errorBody: Buffer[] = []
  private stopped = false
  private finished = false

  constructor(private readonly what: string) {
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }))
    this.done.catch(() => undefined) // the caller awaits it after the read; never unhandled
  }

  attach(sink: ChunkSink, onError: (err: Error) => void): void {
    this.sink = sink
    this.onError = onError
  }

  /** One read from the socket; returns false to pause it until `resume` is called. */
  push(data: Buffer, resume: () => void): boolean {
    if (this.finished) return true
    let full = false
    try {
      this.reader.push(data, body => {
        if (this.reader.status !== 200) return void this.keepErrorBody(body)
        if (!this.sink!.write(body)) full = true
      })
    } catch (err) {
      this.broken(`its answer is not valid HTTP (${(err as Error).message})`)
      return true
    }
    if (this.reader.complete) this.finish()
    if (full) this.sink!.once('drain', resume)
    return !full
  }

  /** The socket closed: complete, stopped by us, or the engine went away mid-image. */
  closed(): void {
    if (this.finished) return
    if (this.stopped) return this.end()
    if (this.reader.bodyUntilClose && this.reader.status === 200) return this.finish()
    this.broken(
      'the engine closed the connection before the end of the image; is it still running?'
    )
  }

  stop(): void {
    this.stopped = true
  }

  broken(why: string): void {
    if (this.finished) return
    this.fail(new Error(`${this.what} failed: ${why}`))
  }

  private finish(): void {
    if (this.reader.status !== 200) {
      const message = engineMessage(Buffer.concat(this.errorBody))
      return this.fail(
        new Error(`${this.what} failed: the engine answered ${this.reader.status}: ${message}`)
      )
    }
    this.end()
    this.sink?.end()
  }

  private end(): void {
    this.finished = true
    this.settle.resolve()
  }

  private fail(err: Error): void {
    this.finished = true
    this.settle.reject(err)
    this.onError?.(err)
  }

  private keepErrorBody(body: Buffer): void {
    if (this.errorBody.reduce((n, b) => n + b.length, 0) < 64 * 1024)
      this.errorBody.push(Buffer.from(body))
  }
}
