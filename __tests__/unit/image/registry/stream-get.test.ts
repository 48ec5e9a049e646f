// streamGet (src/image/registry/stream-get.ts): one GET over a connection of its own, the body
// read straight into pieces. A raw TCP (or TLS) server on 127.0.0.1 writes the answer's bytes
// exactly as each test wants them, split where the test says; what the body gives must be those
// bytes, whatever the split, the framing or the speed of the reader.

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as net from 'node:net'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import * as tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from '@jest/globals'
import { discard } from '../../../../src/image/registry/http.js'
import {
  ChunkedDecoder,
  MAX_HEAD_BYTES,
  parseHead,
  PIECE_BYTES,
  streamGet
} from '../../../../src/image/registry/stream-get.js'

const TLS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/tls')
const CERT = readFileSync(join(TLS_DIR, 'localhost.crt'))
const KEY = readFileSync(join(TLS_DIR, 'localhost.key'))

/** What the server saw of one connection. */
interface Seen {
  request: string
  closed: Promise<void>
}

type Answer = (socket: net.Socket, seen: Seen) => void | Promise<void>

const servers: net.Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

/** A server that answers every connection with `answer` once the request's head is in. */
async function serve(answer: Answer, secure = false): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = []
  const onSocket = (socket: net.Socket): void => {
    let request = ''
    let answered = false
    const entry: Seen = {
      request: '',
      closed: new Promise(resolve => socket.once('close', () => resolve()))
    }
    seen.push(entry)
    socket.on('error', () => {})
    socket.on('data', d => {
      request += d.toString('latin1')
      if (!answered && request.includes('\r\n\r\n')) {
        answered = true
        entry.request = request
        void answer(socket, entry)
      }
    })
  }
  const server = secure
    ? tls.createServer({ cert: CERT, key: KEY }, onSocket)
    : net.createServer(onSocket)
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  const host = secure ? 'localhost' : '127.0.0.1'
  return {
    url: new URL(`${secure ? 'https' : 'http'}://${host}:${port}/v2/r/blobs/sha256:ab?x=1`),
    seen
  }
}

/** Writes the parts one by one, each in its own TCP segment (a short pause between). */
async function writeParts(
  socket: net.Socket,
  parts: (string | Buffer)[],
  end = true
): Promise<void> {
  for (const part of parts) {
    socket.write(part)
    await new Promise(resolve => setTimeout(resolve, 2))
  }
  if (end) socket.end()
}

/** A server that writes these parts (each in its own segment) and ends the connection. */
function serveParts(...parts: (string | Buffer)[]): Promise<{ url: URL; seen: Seen[] }> {
  return serve(socket => void writeParts(socket, parts))
}

async function collect(body: Readable): Promise<Buffer[]> {
  const pieces: Buffer[] = []
  for await (const piece of body) pieces.push(piece as Buffer)
  return pieces
}

/** Splits `data` at the given offsets. */
function splitAt(data: Buffer, ...cuts: number[]): Buffer[] {
  const parts: Buffer[] = []
  let from = 0
  for (const cut of [...cuts, data.length]) {
    parts.push(data.subarray(from, cut))
    from = cut
  }
  return parts
}

function chunked(data: Buffer, sizes: number[]): Buffer {
  const out: Buffer[] = []
  let at = 0
  for (const size of sizes) {
    out.push(
      Buffer.from(`${size.toString(16)};name=value\r\n`),
      data.subarray(at, at + size),
      Buffer.from('\r\n')
    )
    at += size
  }
  out.push(Buffer.from('0\r\nX-Trailer: yes\r\n\r\n'))
  return Buffer.concat(out)
}

describe('streamGet', () => {
  it('sends one GET with the headers asked for and Connection: close', async () => {
    const { url, seen } = await serveParts('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    const answer = await streamGet(url, { 'User-Agent': 'isg', Authorization: 'Bearer t' })
    expect(Buffer.concat(await collect(answer.body)).toString()).toBe('ok')
    expect(seen[0].request).toBe(
      `GET /v2/r/blobs/sha256:ab?x=1 HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: isg\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n`
    )
  })

  it('gives a Content-Length body byte for byte, in fresh pieces of PIECE_BYTES, whatever the split', async () => {
    const data = randomBytes(3 * PIECE_BYTES + 12345)
    const head = Buffer.from(
      `HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\nDocker-Content-Digest: x\r\n\r\n`
    )
    const all = Buffer.concat([head, data])
    // the head split in two, then the body cut at and around piece boundaries
    const parts = splitAt(
      all,
      10,
      head.length + 5,
      head.length + PIECE_BYTES,
      head.length + PIECE_BYTES + 1,
      all.length - 3
    )
    const { url } = await serveParts(...parts)
    const answer = await streamGet(url, {})
    expect(answer.status).toBe(200)
    expect(answer.headers['docker-content-digest']).toBe('x')
    const pieces = await collect(answer.body)
    expect(Buffer.concat(pieces).equals(data)).toBe(true)
    expect(pieces.map(p => p.length)).toEqual([PIECE_BYTES, PIECE_BYTES, PIECE_BYTES, 12345])
    // never a reused buffer: the reader may keep a piece
    expect(new Set(pieces.map(p => p.buffer)).size).toBe(pieces.length)
  })

  it('ignores bytes past the declared Content-Length', async () => {
    const { url } = await serveParts('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef')
    const answer = await streamGet(url, {})
    expect(Buffer.concat(await collect(answer.body)).toString()).toBe('abc')
  })

  it('decodes a chunked body (extensions, trailers, any split)', async () => {
    const data = randomBytes(300_000)
    const body = chunked(data, [1, 70_000, 4096, 200_000, 25_903])
    const head = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
    const all = Buffer.concat([head, body])
    const cuts = [
      head.length + 2,
      head.length + 3,
      head.length + 10,
      80_000,
      80_001,
      all.length - 5,
      all.length - 1
    ]
    const { url } = await serveParts(...splitAt(all, ...cuts))
    const answer = await streamGet(url, {}, { pieceBytes: 2 * MAX_HEAD_BYTES })
    const pieces = await collect(answer.body)
    expect(Buffer.concat(pieces).equals(data)).toBe(true)
    expect(pieces.slice(0, -1).every(p => p.length === 2 * MAX_HEAD_BYTES)).toBe(true)
  })

  it('reads a body without length to the end of the connection', async () => {
    const data = randomBytes(200_000)
    const { url } = await serveParts(Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), data)
    const answer = await streamGet(url, {})
    expect(Buffer.concat(await collect(answer.body)).equals(data)).toBe(true)
  })

  it('skips an interim 1xx answer', async () => {
    const { url } = await serveParts(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
    )
    const answer = await streamGet(url, {})
    expect(answer.status).toBe(200)
    expect(Buffer.concat(await collect(answer.body)).toString()).toBe('ok')
  })

  it('gives the status and headers of a redirect or an error, names lower-cased, repeats joined', async () => {
    const { url } = await serveParts(
      'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="a"\r\nwww-authenticate: Basic realm="b"\r\nContent-Length: 13\r\n\r\n{"errors":[]}'
    )
    const answer = await streamGet(url, {})
    expect(answer.status).toBe(401)
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="a", Basic realm="b"')
    expect(Buffer.concat(await collect(answer.body)).toString()).toBe('{"errors":[]}')
  })

  it('keeps every byte when the reader is slower than the network (the socket pauses)', async () => {
    const data = randomBytes(6 * PIECE_BYTES + 777)
    const { url } = await serve(socket => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`)
      socket.end(data)
    })
    const answer = await streamGet(url, {})
    const pieces: Buffer[] = []
    for await (const piece of answer.body) {
      pieces.push(piece as Buffer)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    expect(Buffer.concat(pieces).equals(data)).toBe(true)
  })

  it('closes the connection when the reader stops reading', async () => {
    const data = randomBytes(4 * PIECE_BYTES)
    const { url, seen } = await serve(socket => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`)
      socket.write(data)
    })
    const answer = await streamGet(url, {})
    answer.body.destroy()
    await seen[0].closed // else the test times out
    expect(answer.body.destroyed).toBe(true)
  })

  it('fails the body when the connection closes before Content-Length bytes came', async () => {
    const { url } = await serveParts('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')
    const answer = await streamGet(url, {})
    await expect(collect(answer.body)).rejects.toThrow(
      'the connection closed with 7 bytes of the body still to come'
    )
  })

  it('fails the body when a chunked body is cut short or malformed', async () => {
    const cut = await serveParts('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab')
    await expect(collect((await streamGet(cut.url, {})).body)).rejects.toThrow(
      'the connection closed inside a chunked body'
    )
    const bad = await serveParts('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')
    await expect(collect((await streamGet(bad.url, {})).body)).rejects.toThrow(
      'chunk size "zz" is not hexadecimal'
    )
  })

  it.each([
    ['no answer at all', '', 'the connection closed before a complete answer'],
    [
      'a head cut short',
      'HTTP/1.1 200 OK\r\nContent-Le',
      'the connection closed before a complete answer'
    ],
    [
      'not HTTP',
      'SSH-2.0-OpenSSH_9.2\r\n\r\n',
      'the answer is not HTTP/1.1: "SSH-2.0-OpenSSH_9.2"'
    ],
    ['a folded header', 'HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\r\n', 'malformed header line: "  c"'],
    [
      'a bad Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n',
      'Content-Length "1e3" is not a number'
    ],
    [
      'another transfer coding',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      'transfer coding "gzip" is not supported'
    ],
    [
      'chunked over another coding',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
      'transfer coding "gzip, chunked" is not supported'
    ]
  ])('rejects %s', async (_, bytes, message) => {
    const { url } = await serveParts(...(bytes ? [bytes] : []))
    await expect(streamGet(url, {})).rejects.toThrow(message)
  })

  it('gives an error that came before anyone read to the first reader, never to nobody', async () => {
    const { url } = await serveParts(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\nzz\r\n'
    )
    const answer = await streamGet(url, {})
    await new Promise(resolve => setTimeout(resolve, 50)) // an unheard 'error' would fail the test
    await expect(collect(answer.body)).rejects.toThrow('chunk size "zz" is not hexadecimal')
  })

  it('discards an unwanted body that is cut short without an uncaught error', async () => {
    const { url, seen } = await serveParts(
      'HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\nContent-Length: 50\r\n\r\n',
      'x'.repeat(19)
    )
    const answer = await streamGet(url, {})
    expect(answer.status).toBe(307)
    discard(answer)
    await seen[0].closed
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(answer.body.destroyed).toBe(true)
  })

  it('does not time out while the reader holds the socket paused', async () => {
    const data = randomBytes(5 * PIECE_BYTES)
    const { url } = await serve(socket => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`)
      socket.end(data)
    })
    const answer = await streamGet(url, {}, { timeoutMs: 150 })
    const pieces: Buffer[] = []
    for await (const piece of answer.body) {
      pieces.push(piece as Buffer)
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    expect(Buffer.concat(pieces).equals(data)).toBe(true)
  })

  it('rejects a head over MAX_HEAD_BYTES', async () => {
    const { url } = await serve(socket => {
      socket.on('error', () => {})
      socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES + 10)}`)
    })
    await expect(streamGet(url, {})).rejects.toThrow(
      `the answer's headers are over ${MAX_HEAD_BYTES} bytes`
    )
  })

  it('refuses a header value with a line break before connecting', async () => {
    const { url, seen } = await serve(() => {})
    await expect(streamGet(url, { Authorization: 'Bearer a\r\nX-Evil: 1' })).rejects.toThrow(
      'the Authorization header holds a line break'
    )
    expect(seen).toHaveLength(0)
  })

  it('times out when no byte comes', async () => {
    const { url } = await serve(() => {})
    await expect(streamGet(url, {}, { timeoutMs: 200 })).rejects.toThrow('no answer within 0.2 s')
  })

  it('names the network error when nothing listens', async () => {
    const { url } = await serve(() => {})
    servers.pop()!.close()
    await new Promise(resolve => setTimeout(resolve, 50))
    await expect(streamGet(url, {})).rejects.toThrow(/^ECONNREFUSED \(/)
  })

  it('speaks TLS, checking the certificate against the host name', async () => {
    const data = randomBytes(PIECE_BYTES + 99)
    const answer = (socket: net.Socket): void => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`)
      socket.end(data)
    }
    const { url } = await serve(answer, true)
    const got = await streamGet(url, {}, { ca: CERT })
    expect(Buffer.concat(await collect(got.body)).equals(data)).toBe(true)
    // without trusting the test certificate, the system's CAs refuse it
    await expect(streamGet(url, {})).rejects.toThrow(/SELF_SIGNED|self-signed/)
    // and a name the certificate does not hold is refused
    const other = new URL(url)
    other.hostname = '127.0.0.2'
    const server = tls.createServer({ cert: CERT, key: KEY }, answer)
    servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.2', resolve))
    other.port = String((server.address() as net.AddressInfo).port)
    await expect(streamGet(other, {}, { ca: CERT })).rejects.toThrow(/ERR_TLS_CERT_ALTNAME_INVALID/)
  })
})

describe('streamGet over TLS, where records keep coming after a pause or the end', () => {
  /** A TLS server that writes each part as its own record(s), all in one go. */
  async function tlsServe(parts: (string | Buffer)[]): Promise<URL> {
    const server = tls.createServer({ cert: CERT, key: KEY }, socket => {
      socket.on('error', () => {})
      let request = ''
      socket.on('data', d => {
        request += d.toString('latin1')
        if (!request.includes('\r\n\r\n')) return
        socket.cork()
        for (const part of parts) socket.write(part)
        socket.uncork()
        socket.end()
      })
    })
    servers.push(server)
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    return new URL(`https://localhost:${(server.address() as net.AddressInfo).port}/x`)
  }

  it('decodes a chunked body in order when its reader comes late', async () => {
    const data = randomBytes(40_000)
    const url = await tlsServe([
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      chunked(data, [100, 16_000, 23_900])
    ])
    const answer = await streamGet(url, {}, { ca: CERT })
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(Buffer.concat(await collect(answer.body)).equals(data)).toBe(true)
  })

  it('never writes bytes past the body into a piece already handed on', async () => {
    const data = Buffer.alloc(30_000, 'b')
    const url = await tlsServe([
      `HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`,
      data,
      'X'.repeat(3000)
    ])
    for (let i = 0; i < 3; i++) {
      const answer = await streamGet(url, {}, { ca: CERT })
      const pieces = await collect(answer.body)
      await new Promise(resolve => setTimeout(resolve, 30)) // a reader keeping its pieces
      expect(Buffer.concat(pieces).equals(data)).toBe(true)
    }
  })
})

describe('parseHead', () => {
  it('reads the status and headers', () => {
    expect(
      parseHead('HTTP/1.1 307 Temporary Redirect\r\nLocation: https://cdn/x\r\nContent-Length:0')
    ).toEqual({
      status: 307,
      headers: { location: 'https://cdn/x', 'content-length': '0' }
    })
    expect(parseHead('HTTP/1.1 204').status).toBe(204)
  })

  it('keeps the first Location, one of equal Content-Lengths, and refuses two different ones', () => {
    const head = parseHead(
      'HTTP/1.1 307 x\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 5\r\nContent-Length: 5\r\nConstructor: c'
    )
    expect(head.headers).toEqual({ location: '/a', 'content-length': '5', constructor: 'c' })
    expect(() => parseHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6')).toThrow(
      'the answer has two Content-Length headers, 5 and 6'
    )
  })
})

describe('ChunkedDecoder', () => {
  it('decodes fed one byte at a time', () => {
    const data = Buffer.from('hello, chunked world')
    const body = chunked(data, [5, 2, 13])
    const decoder = new ChunkedDecoder()
    const out: Buffer[] = []
    for (let i = 0; i < body.length; i++)
      decoder.decode(body.subarray(i, i + 1), p => out.push(Buffer.from(p)))
    expect(Buffer.concat(out).toString()).toBe('hello, chunked world')
    expect(decoder.complete).toBe(true)
  })

  it('refuses a chunk longer than its size', () => {
    const decoder = new ChunkedDecoder()
    expect(() => decoder.decode(Buffer.from('2\r\nabc\r\n'), () => {})).toThrow(
      'a chunk of the answer is longer than its size says'
    )
  })
})
