// Micro benchmarks behind two hand-written parts of the reader (the project rule: hand-write
// what a maintained library does only when a benchmark shows it pays). Run by
// `npm run bench -- --micro`, which bundles this file with ncc first.
//
//   micro parsers <archive.tar>   tar-stream against src/image/layer/tar.ts over a saved image
//                                 (outer tar and every layer tar, headers only), then our
//                                 parser with every file hashed, then the whole archive reader
//   micro transport <image>       the docker save stream received three ways: the docker CLI
//                                 through a pipe, node:http, and a raw socket read with
//                                 `onread` into one buffer (what engine-api.ts does)
//
// Each line prints wall time and this process's CPU (user + system). Interleave runs and
// compare within one run: the machine this was written on is shared and noisy.

import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import type { Readable } from 'node:stream'
import tar from 'tar-stream'
import { readImageArchiveFile } from '../../src/image/archive/index.js'
import { engineSocket } from '../../src/image/engine-api.js'
import { HttpResponseReader } from '../../src/image/http-response.js'
import { FileHasher, scratchBuffer } from '../../src/image/layer/hash.js'
import { TarParser, type TarBody } from '../../src/image/layer/tar.js'
import type { LayerEntry } from '../../src/image/types.js'

interface Figures {
  entries: number
  bytes: number
  /** performance.now() of the first byte: the engine's export is over, the stream begins. */
  firstByte?: number
}

async function timed(label: string, work: () => Promise<Figures>): Promise<void> {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const f = await work()
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const s = (us: number): string => (us / 1e6).toFixed(2)
  const stream =
    f.firstByte === undefined
      ? ''
      : ` (first byte after ${((f.firstByte - t0) / 1000).toFixed(2)} s, stream ${((performance.now() - f.firstByte) / 1000).toFixed(2)} s)`
  console.log(
    `${label.padEnd(40)} wall ${wall.toFixed(2)} s${stream}  cpu ${s(cpu.user + cpu.system)} s ` +
      `(user ${s(cpu.user)}, sys ${s(cpu.system)})  ${f.entries} chunks/entries, ${f.bytes} bytes`
  )
}

// ---------------------------------------------------------------------------------------------
// Tar parsers

const isLayerName = (name: string): boolean => name.endsWith('.tar') || name.startsWith('blobs/')

/** tar-stream over the archive and, nested, over every layer tar: headers only. */
function withTarStream(path: string): Promise<Figures> {
  const figures = { entries: 0, bytes: 0 }
  const walk = (input: Readable, depth: number, done: () => void): void => {
    const extract = tar.extract()
    extract.on('entry', (header, stream, next) => {
      figures.entries++
      stream.on('error', () => undefined)
      if (depth === 0 && isLayerName(header.name))
        return walk(stream as unknown as Readable, 1, next)
      stream.on('end', next)
      stream.resume()
    })
    extract.on('finish', done)
    extract.on('error', done)
    input.pipe(extract)
  }
  return new Promise(resolve => {
    const file = createReadStream(path, { highWaterMark: 1024 * 1024 })
    file.on('data', chunk => (figures.bytes += chunk.length))
    walk(file, 0, () => resolve(figures))
  })
}

const SKIP: TarBody = { write: () => true, end: () => undefined, once: () => undefined }

/** Our parser, the same nesting; with `hash`, every regular file goes through FileHasher. */
function withTarParser(path: string, hash: boolean): Promise<Figures> {
  const figures = { entries: 0, bytes: 0 }
  const scratch = scratchBuffer()
  const layer = (): TarBody => {
    const parser = new TarParser(header => {
      figures.entries++
      if (!hash || header.type !== 'file' || header.size === 0) return undefined
      return new FileHasher({ size: header.size } as LayerEntry, scratch)
    })
    return { write: c => parser.write(c), end: () => parser.end(), once: () => undefined }
  }
  const outer = new TarParser(header => {
    figures.entries++
    return isLayerName(header.name) ? layer() : SKIP
  })
  return new Promise((resolve, reject) => {
    const file = createReadStream(path, { highWaterMark: 1024 * 1024 })
    file.on('data', chunk => {
      figures.bytes += chunk.length
      outer.write(chunk as Buffer)
    })
    file.on('end', () => resolve(figures))
    file.on('error', reject)
  })
}

async function readerFigures(path: string): Promise<Figures> {
  const image = await readImageArchiveFile(path)
  const entries = image.layers.reduce((n, l) => n + l.read.entries.length, 0)
  return { entries, bytes: image.layers.reduce((n, l) => n + l.read.blobBytes, 0) }
}

async function parsers(path: string): Promise<void> {
  await timed('tar-stream, headers only', () => withTarStream(path))
  await timed('TarParser, headers only', () => withTarParser(path, false))
  await timed('TarParser + sha256 of every file', () => withTarParser(path, true))
  await timed('archive reader (readImageArchiveFile)', () => readerFigures(path))
}

// ---------------------------------------------------------------------------------------------
// Transports: bytes of `docker save IMAGE` received and dropped

function counter(): { figures: Figures; add: (bytes: number) => void } {
  const figures: Figures = { entries: 0, bytes: 0 }
  return {
    figures,
    add: bytes => {
      figures.firstByte ??= performance.now()
      figures.entries++
      figures.bytes += bytes
    }
  }
}

function viaCli(image: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const { figures, add } = counter()
    const child = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.on('data', (chunk: Buffer) => add(chunk.length))
    child.on('error', reject)
    child.on('close', () => resolve(figures))
  })
}

function viaHttp(socketPath: string, image: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const { figures, add } = counter()
    const path = `/images/get?names=${encodeURIComponent(image)}`
    const req = request({ socketPath, path, agent: false }, res => {
      res.on('data', (chunk: Buffer) => add(chunk.length))
      res.on('end', () => resolve(figures))
    })
    req.on('error', reject)
    req.end()
  })
}

function viaRawSocket(socketPath: string, image: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const { figures, add } = counter()
    const reader = new HttpResponseReader()
    const socket = connect({
      path: socketPath,
      onread: {
        buffer: Buffer.allocUnsafe(1024 * 1024),
        callback: (n: number, buf: Uint8Array) => {
          reader.push(Buffer.from(buf.buffer, buf.byteOffset, n), body => add(body.length))
          return true
        }
      }
    })
    socket.on('connect', () =>
      socket.write(
        `GET /images/get?names=${encodeURIComponent(image)} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n`
      )
    )
    socket.on('error', reject)
    socket.on('close', () => resolve(figures))
  })
}

async function transport(image: string): Promise<void> {
  const socket = engineSocket()
  if (!socket) throw new Error('transport needs a unix-socket engine (DOCKER_HOST=unix://…)')
  await timed('docker CLI, pipe (64 KiB reads)', () => viaCli(image))
  await timed('node:http over the socket', () => viaHttp(socket, image))
  await timed('raw socket, onread, 1 MiB buffer', () => viaRawSocket(socket, image))
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const [what, arg] = process.argv.slice(2)
  if (what === 'parsers' && arg) return parsers(arg)
  if (what === 'transport' && arg) return transport(arg)
  throw new Error('usage: micro parsers <archive.tar> | micro transport <image>')
}

main().catch((err: Error) => {
  console.error(`micro: ${err.message}`)
  process.exit(1)
})
