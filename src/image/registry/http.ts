// One HTTP(S) GET with node:http, answering a Node stream (the layer readers take those without
// a web-stream bridge). Redirects are not followed here: the client decides where credentials go.

import * as http from 'node:http'
import * as https from 'node:https'
import type { Readable } from 'node:stream'

export interface HttpAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  /** node:http's IncomingMessage, or stream-get.ts's body of fresh pieces. */
  body: Readable
  url: URL
}

const TIMEOUT_MS = 60_000
const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true })
}

export function httpGet(
  url: URL,
  headers: Record<string, string>,
  method: 'GET' | 'HEAD' = 'GET'
): Promise<HttpAnswer> {
  const secure = url.protocol === 'https:'
  const lib = secure ? https : http
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method, headers, agent: secure ? agents.https : agents.http, timeout: TIMEOUT_MS },
      res => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url })
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)))
    req.on('error', err => reject(new Error(describeNetError(err))))
    req.end()
  })
}

export function describeNetError(err: Error & { code?: string }): string {
  return err.code ? `${err.code} (${err.message})` : err.message
}

/** Reads a small body whole, refusing more than `max` bytes. */
export async function readBody(answer: HttpAnswer, max: number, what: string): Promise<Buffer> {
  const declared = Number(answer.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) {
    answer.body.destroy()
    throw new Error(
      `${what} is ${declared} bytes, over the ${max} bytes allowed for a JSON document; raise max-json-size`
    )
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of answer.body) {
    size += (chunk as Buffer).length
    if (size > max) {
      answer.body.destroy()
      throw new Error(
        `${what} is over the ${max} bytes allowed for a JSON document; raise max-json-size`
      )
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Drains a body we do not want, so the connection can be reused; its errors do not matter. */
export function discard(answer: HttpAnswer): void {
  answer.body.on('error', () => {})
  answer.body.resume()
}
