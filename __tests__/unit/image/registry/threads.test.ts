// Layer threads (src/image/registry/threads.ts) with both ends in this process: LayerThread on
// one end of a MessageChannel, serveLayerThread on the other, reading blobs from an in-process
// fake registry (node:http on 127.0.0.1). A read through the protocol must give what
// readBlobLayer gives on the main thread, errors and warnings included.

import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readBlobLayer, type BlobJob } from '../../../../src/image/registry/blob-layer.js'
import { RegistryClient } from '../../../../src/image/registry/client.js'
import { parseRegistryReference } from '../../../../src/image/registry/reference.js'
import {
  layerThreads,
  LayerThread,
  serveLayerThread,
  useLayerThreads,
  type Port
} from '../../../../src/image/registry/threads.js'
import { buildLayer, sha256, type BuiltLayer } from '../../../support/image-fixtures.js'

// fits both ThreadReadOptions and ReadLayerOptions
const OPTIONS = { name: 'x', maxEntries: 1000, maxPathLength: 4096 }
const STATUS_PATH = 'var/lib/dpkg/status'
const STATUS = 'Package: busybox\nStatus: install ok installed\n'
const wantStatus = (path: string): boolean => path === STATUS_PATH

const blobs = new Map<string, Buffer>()
let server: Server
let host: string
let pings = 0
let blobGets = 0
/** The Connection header of each blob GET, and of each manifest GET (small answers). */
const connections = { blob: [] as string[], manifest: [] as string[] }
let good: BuiltLayer
let evil: BuiltLayer
/** Served under the digest of other bytes. */
let corruptDigest: string
let corruptBytes: Buffer
const missingDigest = `sha256:${'0'.repeat(64)}`

beforeAll(async () => {
  good = await buildLayer({
    compression: 'gzip',
    entries: [
      { path: 'etc', type: 'dir' },
      { path: 'etc/hostname', content: 'box\n' },
      { path: STATUS_PATH, content: STATUS },
      { path: 'bin/sh', size: 70_000, mode: 0o755 },
      { path: 'bin/ash', type: 'link', linkname: 'bin/sh' },
      { path: 'empty', content: '' }
    ]
  })
  evil = await buildLayer({
    compression: 'gzip',
    entries: [
      { path: 'ok', content: 'fine\n' },
      { path: '../evil', content: 'escape\n' }
    ]
  })
  // a bit of the good blob flipped, served under a digest of other bytes
  corruptBytes = Buffer.from(good.blob)
  corruptBytes[corruptBytes.length >> 1] ^= 0xff
  corruptDigest = `sha256:${sha256('other bytes')}`
  blobs.set(good.digest, good.blob)
  blobs.set(evil.digest, evil.blob)
  blobs.set(corruptDigest, corruptBytes)
  server = createServer((req, res) => {
    const url = req.url ?? ''
    if (url === '/v2/') {
      pings++
      return void res.writeHead(200).end('{}')
    }
    if (url.startsWith('/v2/app/manifests/')) {
      connections.manifest.push(String(req.headers.connection))
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    }
    const m = /^\/v2\/app\/blobs\/(.+)$/.exec(url)
    if (m) {
      blobGets++
      connections.blob.push(String(req.headers.connection))
    }
    const found = m && blobs.get(m[1])
    if (!found) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}')
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(found)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  host = `127.0.0.1:${(server.address() as { port: number }).port}`
})

afterAll(() => {
  server.close()
})

let channels: MessageChannel[] = []

afterEach(() => {
  for (const c of channels) {
    c.port1.close()
    c.port2.close()
  }
  channels = []
})

/** A LayerThread talking to serveLayerThread(wantContent) over a MessageChannel. */
function threadPair(wantContent: (path: string, size: number) => boolean = wantStatus): {
  thread: LayerThread
  port1: MessagePort
} {
  const channel = new MessageChannel()
  channels.push(channel)
  serveLayerThread(wantContent, channel.port2 as unknown as Port)
  return { thread: new LayerThread(channel.port1 as unknown as Port), port1: channel.port1 }
}

function clientFor(tag = 'x'): RegistryClient {
  return new RegistryClient(parseRegistryReference(`docker://${host}/app:${tag}`))
}

function jobOf(layer: BuiltLayer): BlobJob {
  return { digest: layer.digest, size: layer.blob.length }
}

describe('LayerThread and serveLayerThread over a MessageChannel', () => {
  it('read the same LayerRead as readBlobLayer on the main thread, with progress', async () => {
    const client = clientFor()
    const session = await client.session()
    const progress: number[] = []
    const { thread } = threadPair()
    const read = await thread.read(session, jobOf(good), OPTIONS, {
      onProgress: bytes => void progress.push(bytes)
    })
    const direct = await readBlobLayer(client, jobOf(good), OPTIONS)
    expect(read).toEqual(direct)
    expect(read.blobBytes).toBe(good.blob.length)
    expect(read.compression).toBe('gzip')
    expect(read.tarBytes).toBe(good.tar.length)
    expect(read.entries.map(e => e.path)).toEqual([
      'etc',
      'etc/hostname',
      STATUS_PATH,
      'bin/sh',
      'bin/ash',
      'empty'
    ])
    expect(read.entries.find(e => e.path === 'etc/hostname')?.hash).toBeDefined()
    expect(read.contents).toBeUndefined()
    expect(progress.length).toBeGreaterThan(0)
    expect(progress[progress.length - 1]).toBe(good.blob.length)
  })

  it('keeps the content the thread’s own filter wants when wantContent is true', async () => {
    const session = await clientFor().session()
    const { thread } = threadPair()
    const read = await thread.read(session, jobOf(good), { ...OPTIONS, wantContent: true })
    expect(read.contents).toBeDefined()
    expect([...read.contents!.keys()]).toEqual([STATUS_PATH])
    expect(Buffer.from(read.contents!.get(STATUS_PATH)!).toString('utf8')).toBe(STATUS)
    const without = await thread.read(session, jobOf(good), OPTIONS)
    expect(without.contents).toBeUndefined()
  })

  it('uses the thread’s filter, not one of the main thread (a filter wanting nothing keeps nothing)', async () => {
    const session = await clientFor().session()
    const { thread } = threadPair(() => false)
    const read = await thread.read(session, jobOf(good), { ...OPTIONS, wantContent: true })
    expect(read.contents).toBeUndefined()
  })

  it('serves several reads in turn on one thread', async () => {
    const session = await clientFor().session()
    const { thread } = threadPair()
    const first = await thread.read(session, jobOf(good), OPTIONS)
    const second = await thread.read(session, jobOf(evil), OPTIONS)
    const third = await thread.read(session, jobOf(good), OPTIONS)
    expect(first).toEqual(third)
    expect(second.entries.map(e => e.path)).toEqual(['ok'])
  })

  it('rejects a blob whose bytes are not its digest, with the main thread’s message', async () => {
    const client = clientFor()
    const session = await client.session()
    const { thread } = threadPair()
    const job = { digest: corruptDigest, size: corruptBytes.length }
    const viaThread = await thread.read(session, job, OPTIONS).catch((e: Error) => e)
    const direct = await readBlobLayer(client, job, OPTIONS).catch((e: Error) => e)
    expect(viaThread).toBeInstanceOf(Error)
    expect((viaThread as Error).message).toContain('does not match its digest')
    expect((viaThread as Error).message).toContain(`docker://${host}/app:x: layer ${corruptDigest}`)
    expect((viaThread as Error).message).toBe((direct as Error).message)
    expect((viaThread as Error).name).toBe('Error')
  })

  it.each([
    ['longer', 1, /is \d+ bytes, not the \d+ its descriptor says/],
    ['shorter', -1, /is longer than the \d+ bytes its descriptor says/]
  ])(
    'rejects a blob whose descriptor says it is %s, as the main thread does',
    async (_what, delta, why) => {
      const client = clientFor()
      const session = await client.session()
      const { thread } = threadPair()
      const job = { digest: good.digest, size: good.blob.length + delta }
      const viaThread = await thread.read(session, job, OPTIONS).catch((e: Error) => e)
      const direct = await readBlobLayer(client, job, OPTIONS).catch((e: Error) => e)
      expect(viaThread).toBeInstanceOf(Error)
      expect((viaThread as Error).message).toMatch(why)
      expect((viaThread as Error).message).toBe((direct as Error).message)
    }
  )

  it('rejects a missing blob with a UsageError naming HTTP 404', async () => {
    const session = await clientFor().session()
    const { thread } = threadPair()
    const err = await thread
      .read(session, { digest: missingDigest, size: 10 }, OPTIONS)
      .catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).name).toBe('UsageError')
    expect((err as Error).message).toContain('HTTP 404')
    expect((err as Error).message).toContain(`docker://${host}/app`)
  })

  it('passes the reader’s warnings on to onWarning (an entry escaping the root)', async () => {
    const client = clientFor()
    const session = await client.session()
    const { thread } = threadPair()
    const warnings: string[] = []
    const read = await thread.read(session, jobOf(evil), OPTIONS, {
      onWarning: message => void warnings.push(message)
    })
    const directWarnings: string[] = []
    const direct = await readBlobLayer(client, jobOf(evil), {
      ...OPTIONS,
      onWarning: m => void directWarnings.push(m)
    })
    expect(read).toEqual(direct)
    expect(read.skippedEntries).toBe(1)
    expect(read.entries.map(e => e.path)).toEqual(['ok'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('../evil')
    expect(warnings[0]).toContain('points outside the layer root')
    expect(warnings).toEqual(directWarnings)
  })

  it('rejects with "a layer reader thread stopped" when the port reports an error', async () => {
    const session = await clientFor().session()
    const port = new EventEmitter() as EventEmitter & { postMessage: (m: unknown) => void }
    const posted: unknown[] = []
    port.postMessage = m => void posted.push(m)
    const thread = new LayerThread(port as unknown as Port)
    const pending = thread.read(session, jobOf(good), OPTIONS)
    expect(posted).toHaveLength(1)
    port.emit('error', new Error('out of memory'))
    await expect(pending).rejects.toThrow(/a layer reader thread stopped: out of memory/)
    expect(port.listenerCount('message')).toBe(0)
    // a later read fails at once, without posting
    await expect(thread.read(session, jobOf(good), OPTIONS)).rejects.toThrow(
      /a layer reader thread stopped/
    )
    expect(posted).toHaveLength(1)
  })

  it('rejects when a Worker-like port exits mid-read', async () => {
    const session = await clientFor().session()
    const port = new EventEmitter() as EventEmitter & { postMessage: (m: unknown) => void }
    port.postMessage = () => {}
    const thread = new LayerThread(port as unknown as Port)
    const pending = thread.read(session, jobOf(good), OPTIONS)
    port.emit('exit', 1)
    await expect(pending).rejects.toThrow(/a layer reader thread stopped: it exited with code 1/)
  })

  it('a resumed session downloads without a second GET /v2/', async () => {
    const client = clientFor('resume')
    const before = pings
    const session = await client.session()
    expect(pings).toBe(before + 1)
    const resumed = RegistryClient.resume(session)
    const gets = blobGets
    const read = await readBlobLayer(resumed, jobOf(good), OPTIONS)
    expect(read.blobBytes).toBe(good.blob.length)
    expect(blobGets).toBe(gets + 1)
    expect(pings).toBe(before + 1)
    // and through a thread, which resumes the session on its side
    const { thread } = threadPair()
    await thread.read(session, jobOf(good), OPTIONS)
    expect(blobGets).toBe(gets + 2)
    expect(pings).toBe(before + 1)
  })

  it('downloads a layer over a connection of its own (streamGet), small answers kept alive', async () => {
    const client = clientFor('conn')
    connections.blob.length = 0
    connections.manifest.length = 0
    await readBlobLayer(client, jobOf(good), OPTIONS)
    await client.getSmall('/v2/app/manifests/conn', undefined, 'the manifest')
    expect(connections.blob).toEqual(['close'])
    expect(connections.manifest).toEqual(['keep-alive'])
  })

  it('a session is plain data that survives a structured clone', async () => {
    const session = await clientFor().session()
    const clone = structuredClone(session)
    expect(clone).toEqual(session)
    const read = await readBlobLayer(RegistryClient.resume(clone), jobOf(good), OPTIONS)
    expect(read.blobBytes).toBe(good.blob.length)
  })
})

describe('layerThreads', () => {
  const filter = (path: string): boolean => path === STATUS_PATH
  let dir: string | undefined

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('answers undefined before useLayerThreads was called', () => {
    expect(layerThreads(2)).toBeUndefined()
    expect(layerThreads(2, filter)).toBeUndefined()
  })

  it('answers undefined for another content filter than the registered one', () => {
    dir = mkdtempSync(join(tmpdir(), 'layer-thread-'))
    const file = join(dir, 'idle.mjs')
    writeFileSync(file, '// a layer thread that does nothing\n')
    useLayerThreads(pathToFileURL(file), filter)
    expect(layerThreads(2, () => true)).toBeUndefined()
  })

  it('starts threads for the registered filter (or none), which close() ends', async () => {
    const threads = layerThreads(2, filter)
    expect(threads).toHaveLength(2)
    for (const t of threads!) expect(t).toBeInstanceOf(LayerThread)
    await Promise.all(threads!.map(t => t.close()))
    const plain = layerThreads(1)
    expect(plain).toHaveLength(1)
    await Promise.all(plain!.map(t => t.close()))
  })
})
