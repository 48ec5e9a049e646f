/**
 * The request pipeline: record → delay → route → validate request → injected fault → auth →
 * handler → validate response → send. Anything GitHub would reject, and anything the fake
 * answers off-spec, lands in `validationErrors` so the test fails loudly.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import {
  matchOperation,
  validateRequest,
  validateResponse,
  type Operation
} from '../openapi-validator.js'
import { actionsRoutes, ARTIFACT_BLOB_PREFIX, artifactBytes } from './handlers-actions.js'
import { gitRoutes } from './handlers-git.js'
import { issueAndRepoRoutes } from './handlers-issues.js'
import { pullRoutes } from './handlers-pulls.js'
import type { FakeState } from './state.js'
import {
  ApiError,
  notFound,
  type ApiResponse,
  type HandlerContext,
  type Json,
  type Route,
  type TokenInfo
} from './types.js'

export interface RecordedRequest {
  method: string
  /** Path as sent (still percent-encoded), without the query string. */
  path: string
  query: Record<string, string>
  /** Parsed JSON body, or the raw text when it was not JSON; undefined when empty. */
  body: unknown
  headers: IncomingHttpHeaders
  /** Status the fake answered (0 while in flight). */
  status: number
  operationId?: string
  login?: string
  /** True when `failNext` produced the response. */
  injected?: boolean
}

export type ValidationErrorKind =
  'unknown-route' | 'request' | 'response' | 'unimplemented' | 'handler-crash'

export interface ValidationError {
  kind: ValidationErrorKind
  method: string
  path: string
  operationId?: string
  status: number
  message: string
  problems: string[]
}

export interface Recorder {
  requests: RecordedRequest[]
  validationErrors: ValidationError[]
}

interface Outgoing {
  status: number
  headers: Record<string, string>
  payload?: Buffer
}

const ROUTES: Record<string, Route> = {
  ...issueAndRepoRoutes,
  ...pullRoutes,
  ...gitRoutes,
  ...actionsRoutes
}
const REST_DOCS = 'https://docs.github.com/rest'
const RATE_LIMIT = 5000

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function parseBody(bytes: Buffer): { value: unknown; error?: string } {
  if (bytes.length === 0) return { value: undefined }
  const text = bytes.toString('utf8')
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    return { value: text, error: `body is not JSON: ${(error as Error).message}` }
  }
}

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Outgoing {
  if (body === undefined) return { status, headers }
  const payload = Buffer.from(JSON.stringify(body))
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    payload
  }
}

/** GitHub's error body: `{message, [errors], documentation_url, status}` (status as string). */
function errorBody(status: number, message: string, docUrl: string, extra: Json = {}): Json {
  return { message, ...extra, documentation_url: docUrl, status: String(status) }
}

function requestId(): string {
  const hex = (n: number) => randomBytes(n).toString('hex').toUpperCase()
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(3)}:${hex(4)}`
}

export class RequestPipeline {
  private closing = false
  private readonly sleepers = new Set<() => void>()
  private readonly rateUsed = new Map<string, number>()

  constructor(
    private readonly state: FakeState,
    private readonly recorder: Recorder
  ) {}

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on('error', () => undefined)
    const bytes = await readBody(req)
    const url = new URL(req.url ?? '/', this.state.baseUrl)
    const method = (req.method ?? 'GET').toUpperCase()
    const parsed = parseBody(bytes)
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parsed.value,
      headers: req.headers,
      status: 0
    }
    this.recorder.requests.push(entry)
    await this.sleep(this.state.faults.takeDelay(method, url.pathname))
    if (this.closing || res.destroyed) return
    const reply = this.process(entry, req, url, bytes, parsed)
    entry.status = reply.status
    this.send(res, reply, req.headers.authorization)
  }

  /** Wakes delayed requests so the server can close without waiting for them. */
  shutdown(): void {
    this.closing = true
    for (const wake of this.sleepers) wake()
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise(resolve => {
      const wake = () => {
        clearTimeout(timer)
        this.sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.sleepers.add(wake)
    })
  }

  private flag(
    kind: ValidationErrorKind,
    entry: RecordedRequest,
    status: number,
    message: string,
    problems: string[] = []
  ) {
    const { method, path, operationId } = entry
    this.recorder.validationErrors.push({
      kind,
      method,
      path,
      operationId,
      status,
      message,
      problems
    })
  }

  private process(
    entry: RecordedRequest,
    req: IncomingMessage,
    url: URL,
    bytes: Buffer,
    parsed: { value: unknown; error?: string }
  ): Outgoing {
    if (url.pathname.startsWith(ARTIFACT_BLOB_PREFIX)) return this.serveArtifact(url)
    const matched = matchOperation(entry.method, url.pathname)
    if (matched.kind !== 'ok') {
      const why =
        matched.kind === 'no-method'
          ? `${entry.method} is not documented for this path (allowed: ${matched.allowed.join(', ')})`
          : 'no documented GitHub REST path matches'
      this.flag('unknown-route', entry, 404, why)
      return jsonReply(404, errorBody(404, 'Not Found', REST_DOCS))
    }
    const { operation } = matched.match
    entry.operationId = operation.operationId
    const check = validateRequest(
      matched.match,
      url.searchParams,
      parsed.value,
      bytes.length > 0,
      parsed.error
    )
    if (!check.ok) {
      this.flag('request', entry, check.status, check.message, check.problems)
      return jsonReply(check.status, errorBody(check.status, check.message, operation.docUrl))
    }
    const fault = this.state.faults.takeFailure(entry.method, url.pathname)
    if (fault) {
      entry.injected = true
      const headers = { 'content-type': fault.contentType, ...fault.headers }
      return { status: fault.status, headers, payload: Buffer.from(fault.body) }
    }
    return this.dispatch(entry, req, url, operation, check)
  }

  private authenticate(req: IncomingMessage): TokenInfo {
    const header = req.headers.authorization
    if (!header) throw new ApiError(401, 'Requires authentication')
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(header)?.[1]
    const info = token ? this.state.tokens.get(token) : undefined
    if (!info) throw new ApiError(401, 'Bad credentials')
    return info
  }

  private buildContext(
    req: IncomingMessage,
    url: URL,
    operation: Operation,
    check: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
    token: TokenInfo
  ): HandlerContext {
    const { owner, repo: name } = check.params
    const repo =
      typeof owner === 'string' && typeof name === 'string'
        ? this.state.findRepo(owner, name)
        : undefined
    const hasRepoParams = owner !== undefined && name !== undefined
    // Unknown repos, and repos outside the token's reach, are 404 on GitHub (never 403).
    if (hasRepoParams && (!repo || (token.repos && !token.repos.includes(repo.fullName)))) {
      throw notFound()
    }
    return {
      state: this.state,
      repo,
      identity: token.identity,
      token,
      operation,
      params: check.params,
      query: check.query,
      body: (check.body ?? {}) as Json,
      headers: req.headers,
      url
    }
  }

  private dispatch(
    entry: RecordedRequest,
    req: IncomingMessage,
    url: URL,
    operation: Operation,
    check: { params: Record<string, unknown>; query: Record<string, unknown> }
  ): Outgoing {
    let response: ApiResponse
    try {
      response = this.runHandler(entry, req, url, operation, check)
    } catch (error) {
      response = this.errorResponse(entry, operation, error)
    }
    if (response.raw) {
      const headers = { 'content-type': response.raw.contentType, ...response.headers }
      return { status: response.status, headers, payload: response.raw.bytes }
    }
    const { status, body, headers = {} } = response
    const problems = validateResponse(operation, status, body, headers)
    if (problems.length > 0) {
      this.flag('response', entry, status, 'response does not match the spec', problems)
    }
    return jsonReply(status, body, headers)
  }

  private runHandler(
    entry: RecordedRequest,
    req: IncomingMessage,
    url: URL,
    operation: Operation,
    check: { params: Record<string, unknown>; query: Record<string, unknown> }
  ): ApiResponse {
    const token = this.authenticate(req)
    entry.login = token.identity.login
    const route = ROUTES[operation.operationId]
    if (!route) {
      const message = `fake-github does not implement ${operation.operationId}`
      this.flag('unimplemented', entry, 501, message)
      throw new ApiError(501, message)
    }
    const ctx = this.buildContext(req, url, operation, { ...check, body: entry.body }, token)
    assertAccess(route, token)
    return route.handle(ctx)
  }

  private errorResponse(entry: RecordedRequest, operation: Operation, error: unknown): ApiResponse {
    if (error instanceof ApiError) {
      return {
        status: error.status,
        body: errorBody(error.status, error.message, operation.docUrl, error.extra)
      }
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
    this.flag('handler-crash', entry, 500, message)
    return { status: 500, body: errorBody(500, 'Server Error', operation.docUrl) }
  }

  private serveArtifact(url: URL): Outgoing {
    const bytes = artifactBytes(this.state.allRepos(), url.pathname)
    if (!bytes)
      return {
        status: 404,
        headers: { 'content-type': 'text/plain' },
        payload: Buffer.from('BlobNotFound')
      }
    return { status: 200, headers: { 'content-type': 'application/zip' }, payload: bytes }
  }

  private rateHeaders(authorization: string | undefined): Record<string, string> {
    const key = authorization ?? 'anonymous'
    const used = (this.rateUsed.get(key) ?? 0) + 1
    this.rateUsed.set(key, used)
    const reset = Math.ceil(Date.now() / 1000 / 3600) * 3600
    return {
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core'
    }
  }

  private send(res: ServerResponse, reply: Outgoing, authorization: string | undefined): void {
    const headers: Record<string, string> = {
      'x-github-request-id': requestId(),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      ...this.rateHeaders(authorization),
      ...reply.headers
    }
    if (reply.payload) headers['content-length'] = String(reply.payload.length)
    res.writeHead(reply.status, headers)
    res.end(reply.payload)
  }
}

/** Installation-token scopes: a read-only (fork) token gets GitHub's exact 403. */
function assertAccess(route: Route, token: TokenInfo): void {
  if (!route.access) return
  const { scopes, level } = route.access
  const granted = scopes.some(scope => {
    const has = token.permissions[scope]
    return has === 'write' || (level === 'read' && has === 'read')
  })
  if (!granted) throw new ApiError(403, 'Resource not accessible by integration')
}
