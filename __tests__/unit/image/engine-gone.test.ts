// The Docker engine going away in the middle of `docker save`: a fake engine on a unix socket
// answers `image inspect`, then sends half of the image and closes the connection (or dies
// without a word). The read must end with one clear error naming the image, not a hang or a
// truncated-tar message, and leave no temp files behind.

import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readdirSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEngineImage } from '../../../src/image/docker.js'
import { sampleImage, tempDir, writeLegacyArchive } from '../../support/image-fixtures.js'

let server: Server | undefined
const savedHost = process.env.DOCKER_HOST
const savedTmp = process.env.TMPDIR

const restore = (name: string, value: string | undefined) =>
  value === undefined ? delete process.env[name] : (process.env[name] = value)

afterEach(async () => {
  restore('DOCKER_HOST', savedHost)
  restore('TMPDIR', savedTmp)
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

/** A fake engine: inspect answers, then `save` is handed to `onSave` with the whole archive. */
async function fakeEngine(onSave: (socket: Socket, archive: Buffer) => void): Promise<void> {
  const archive = await writeLegacyArchive(await sampleImage())
  const path = join(tempDir(), 'docker.sock')
  server = createServer(socket => {
    socket.once('data', data => {
      const line = data.toString('latin1').split('\r\n')[0]
      if (line.startsWith('GET /images/get')) return onSave(socket, archive)
      const body = JSON.stringify({ Id: `sha256:${'a'.repeat(64)}`, RepoTags: ['acme/app:1'] })
      socket.end(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      )
    })
  })
  await new Promise<void>(resolve => server!.listen(path, resolve))
  process.env.DOCKER_HOST = `unix://${path}`
}

const isgTemp = () =>
  readdirSync(tmpdir()).filter(n => n.startsWith('isg-') && !n.startsWith('isg-image-'))

/** A temp folder of this test's own: other test files (other workers) write to the shared one. */
const privateTmp = () => (process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'engine-gone-')))

describe('the engine gone mid-stream', () => {
  it('closing the connection halfway through the image is one clear error', async () => {
    await fakeEngine((socket, archive) => {
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: ${archive.length}\r\n\r\n`
      )
      socket.end(archive.subarray(0, archive.length >> 1))
    })
    privateTmp()
    const before = isgTemp()
    await expect(readEngineImage('acme/app:1', {})).rejects.toThrow(
      'docker save acme/app:1 failed: the engine closed the connection before the end of the image; is it still running?'
    )
    expect(isgTemp()).toEqual(before)
  })

  it('a connection dropped mid-chunk is one clear error', async () => {
    await fakeEngine((socket, archive) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n'
      )
      const part = archive.subarray(0, 5000)
      socket.write(`${(part.length * 2).toString(16)}\r\n`)
      socket.write(part, () => socket.destroy())
    })
    await expect(readEngineImage('acme/app:1', {})).rejects.toThrow(
      /^docker save acme\/app:1 failed: /
    )
  })

  it('an engine error after the header is passed on', async () => {
    await fakeEngine(socket => {
      const body = '{"message":"open /var/lib/docker/overlay2/x: no such file or directory"}'
      socket.end(
        `HTTP/1.1 500 Internal Server Error\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      )
    })
    await expect(readEngineImage('acme/app:1', {})).rejects.toThrow(
      'docker save acme/app:1 failed: the engine answered 500: open /var/lib/docker/overlay2/x: no such file or directory'
    )
  })
})
