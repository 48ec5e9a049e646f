// The OCI distribution API for one repository: the /v2/ ping, the bearer-token and basic auth
// flows, manifests and blobs. Credentials go only to the registry's host and its token realm; a
// blob redirect to another host (a CDN) is followed without them.

import { UsageError } from '../../errors.js'
import { parseChallenges, type Challenge } from './challenge.js'
import { findCredentials, type CredentialOptions, type Credentials } from './credentials.js'
import { discard, httpGet, readBody, type HttpAnswer } from './http.js'
import { allowsPlainHttp, type RegistryReference } from './reference.js'
import { streamGet } from './stream-get.js'

export interface RegistryOptions extends CredentialOptions {
  /** Hosts that may be spoken to over plain HTTP besides localhost / 127.0.0.1. */
  insecureRegistries?: string[]
}

const MAX_REDIRECTS = 5
const MAX_SMALL_BYTES = 1024 * 1024

/**
 * A logged-in client as plain data, for a layer thread to download blobs as this client does
 * (threads.ts). It holds the credentials and the token: it never leaves the process.
 */
export interface ClientSession {
  ref: RegistryReference
  opts: Omit<RegistryOptions, 'runHelper'>
  authorization?: string
  bearer?: Challenge
  credentials?: Credentials
  credentialsLooked: boolean
}

export class RegistryClient {
  private authorization: string | undefined
  private credentials: Credentials | undefined
  private credentialsLooked = false
  private ready: Promise<void> | undefined
  /** The registry's Bearer challenge, kept to get a new token when one expires mid-read. */
  private bearer: Challenge | undefined
  readonly base: URL

  constructor(
    readonly ref: RegistryReference,
    private readonly opts: RegistryOptions = {}
  ) {
    const plain = allowsPlainHttp(ref.host, opts.insecureRegistries)
    this.base = new URL(`${plain ? 'http' : 'https'}://${ref.host}/`)
  }

  /** This client after its login, as data (see ClientSession). */
  async session(): Promise<ClientSession> {
    await (this.ready ??= this.login())
    const { runHelper: _helper, ...opts } = this.opts
    const s: ClientSession = { ref: this.ref, opts, credentialsLooked: this.credentialsLooked }
    if (this.authorization) s.authorization = this.authorization
    if (this.bearer) s.bearer = this.bearer
    if (this.credentials) s.credentials = this.credentials
    return s
  }

  /** A client that goes on from a session (in a layer thread): no second login. */
  static resume(s: ClientSession): RegistryClient {
    const client = new RegistryClient(s.ref, s.opts)
    client.authorization = s.authorization
    client.bearer = s.bearer
    client.credentials = s.credentials
    client.credentialsLooked = s.credentialsLooked
    client.ready = Promise.resolve()
    return client
  }

  /** `docker://host/repo:tag` as people wrote it, for messages. */
  get label(): string {
    return `docker://${this.ref.text}`
  }

  /** GET of a manifest or small blob; 404 and auth failures become clear errors. */
  async getSmall(
    path: string,
    accept: string | undefined,
    what: string,
    maxBytes = MAX_SMALL_BYTES
  ): Promise<{ bytes: Buffer; answer: HttpAnswer }> {
    const answer = await this.get(path, accept ? { Accept: accept } : {}, what)
    return { bytes: await readBody(answer, maxBytes, what), answer }
  }

  /**
   * Opens a blob for streaming, over a connection of its own (stream-get.ts); the caller reads
   * (and verifies) the body.
   */
  async openBlob(digest: string, what: string): Promise<HttpAnswer> {
    return this.get(`/v2/${this.ref.repository}/blobs/${digest}`, {}, what, true)
  }

  private async get(
    path: string,
    headers: Record<string, string>,
    what: string,
    stream = false
  ): Promise<HttpAnswer> {
    // Blobs (layers, configs) may live on a CDN; manifests and tokens come from the registry.
    const blob = path.includes('/blobs/')
    await (this.ready ??= this.login())
    let url = new URL(path, this.base)
    let renewed = false
    for (let hop = 0; ; hop++) {
      const sameHost = url.host === this.base.host
      const auth: Record<string, string> =
        sameHost && this.authorization ? { Authorization: this.authorization } : {}
      const answer = await this.send(url, { ...headers, ...auth }, what, stream)
      if (answer.status >= 300 && answer.status < 400 && answer.headers.location) {
        discard(answer)
        if (hop >= MAX_REDIRECTS)
          throw new Error(`${this.label}: ${what}: more than ${MAX_REDIRECTS} redirects`)
        url = this.redirectTarget(url, answer.headers.location, what, blob)
        continue
      }
      if (answer.status === 200) return answer
      // Tokens live minutes (Docker Hub: 5); a large image outlasts one. One new token, once.
      if (answer.status === 401 && sameHost && this.bearer && !renewed) {
        discard(answer)
        renewed = true
        hop--
        await this.fetchToken(this.bearer)
        continue
      }
      throw await this.failure(answer, what)
    }
  }

  private redirectTarget(from: URL, location: string, what: string, blob: boolean): URL {
    const to = new URL(location, from)
    if (
      to.protocol !== 'https:' &&
      !(to.protocol === 'http:' && allowsPlainHttp(to.host, this.opts.insecureRegistries))
    ) {
      throw new Error(
        `${this.label}: ${what}: the registry redirected to ${to.protocol}//${to.host}, which is not HTTPS; refusing to follow`
      )
    }
    if (to.host !== this.base.host && !blob) {
      throw new Error(
        `${this.label}: ${what}: the registry redirected to another host (${to.host}); only blob downloads may be redirected. Is ${this.ref.host} the registry's API host?`
      )
    }
    return to
  }

  /** A GET: small answers on node:http, `stream` ones over a connection of their own. */
  private async send(
    url: URL,
    headers: Record<string, string>,
    what: string,
    stream = false
  ): Promise<HttpAnswer> {
    const all = { 'User-Agent': 'image-size-guard', ...headers }
    try {
      return await (stream ? streamGet(url, all) : httpGet(url, all))
    } catch (err) {
      throw new Error(
        `${this.label}: cannot reach ${url.protocol}//${url.host} for ${what}: ${(err as Error).message}` +
          (url.protocol === 'https:'
            ? '. A registry without TLS needs the insecure-registries input (or --insecure-registry)'
            : '')
      )
    }
  }

  /** Pings /v2/ and sets up the Authorization header the registry asks for. */
  private async login(): Promise<void> {
    const ping = await this.send(new URL('/v2/', this.base), {}, 'the API check (GET /v2/)')
    discard(ping)
    if (ping.status === 200) return
    const challenges = parseChallenges(headerValue(ping.headers['www-authenticate']))
    if (ping.status !== 401 || challenges.length === 0) {
      throw new UsageError(
        `${this.label}: ${this.ref.host} is not a container registry: GET /v2/ answered HTTP ${ping.status}` +
          `${ping.headers['content-type'] ? ` (${String(ping.headers['content-type']).split(';')[0]})` : ''}, not 200 or 401 with a challenge. Check the host name`
      )
    }
    const bearer = challenges.find(c => c.scheme === 'bearer')
    if (bearer) {
      this.bearer = bearer
      return this.fetchToken(bearer)
    }
    if (challenges.some(c => c.scheme === 'basic')) {
      const creds = await this.creds()
      if (!creds) throw this.denied(401, 'the API check (GET /v2/)')
      this.authorization = `Basic ${basic(creds)}`
      return
    }
    throw new Error(
      `${this.label}: the registry asks for ${challenges[0].scheme} authentication, which is not supported (Bearer and Basic are)`
    )
  }

  private async fetchToken(challenge: Challenge): Promise<void> {
    const realm = challenge.params.realm
    if (!realm) throw new Error(`${this.label}: the registry's Bearer challenge names no realm`)
    let url: URL
    try {
      url = new URL(realm)
    } catch {
      throw new Error(
        `${this.label}: the registry's token realm "${realm.slice(0, 100)}" is not a URL`
      )
    }
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && allowsPlainHttp(url.host, this.opts.insecureRegistries))
    )
      throw new Error(
        `${this.label}: the registry's token realm ${url.host} is not HTTPS; refusing to send credentials there`
      )
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service)
    url.searchParams.set('scope', `repository:${this.ref.repository}:pull`)
    const creds = await this.creds()
    const answer = await this.send(
      url,
      creds ? { Authorization: `Basic ${basic(creds)}` } : {},
      'a token'
    )
    if (answer.status !== 200) {
      discard(answer)
      throw this.denied(answer.status, `a token from ${url.host}`)
    }
    const body = await readBody(answer, MAX_SMALL_BYTES, 'the token answer')
    let token: unknown
    try {
      const json = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown }
      token = json.token ?? json.access_token
    } catch {
      token = undefined
    }
    if (typeof token !== 'string' || token === '' || /[\r\n]/.test(token))
      throw new Error(`${this.label}: the token server ${url.host} answered without a token`)
    this.authorization = `Bearer ${token}`
  }

  private async creds(): Promise<Credentials | undefined> {
    if (!this.credentialsLooked) {
      this.credentialsLooked = true
      this.credentials = await findCredentials(this.ref.displayHost, this.opts)
    }
    return this.credentials
  }

  private async failure(answer: HttpAnswer, what: string): Promise<Error> {
    const body = await readBody(answer, 64 * 1024, 'the error answer').catch(() => Buffer.alloc(0))
    const code = errorCode(body)
    if (answer.status === 401 || answer.status === 403)
      return this.denied(answer.status, what, code)
    if (answer.status === 404) {
      const target = this.ref.digest ?? `tag ${this.ref.tag ?? 'latest'}`
      return new UsageError(
        `${this.label}: ${what} was not found on ${this.ref.displayHost} (HTTP 404${code ? ` ${code}` : ''}): ` +
          `check that repository ${this.ref.repository} and ${target} exist and were pushed`
      )
    }
    if (answer.status === 429)
      return new Error(
        `${this.label}: ${this.ref.displayHost} rate-limited the request for ${what} (HTTP 429); log in (docker/login-action) or retry later`
      )
    return new Error(
      `${this.label}: ${what}: the registry answered HTTP ${answer.status}${code ? ` ${code}` : ''}`
    )
  }

  private denied(status: number, what: string, code?: string): Error {
    const tried = this.credentials
      ? `credentials from ${this.credentials.source}`
      : `no credentials (none for ${this.ref.displayHost} in the Docker config${this.ref.displayHost === 'ghcr.io' ? ' and no github-token' : ''})`
    return new UsageError(
      `${this.label}: access denied by ${this.ref.displayHost} for ${what} (HTTP ${status}${code ? ` ${code}` : ''}), tried ${tried}. ` +
        `Log in with docker login ${this.ref.displayHost} (docker/login-action in a workflow) with an account that may pull ${this.ref.repository}`
    )
  }
}

function basic(c: Credentials): string {
  return Buffer.from(`${c.username}:${c.password}`).toString('base64')
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v
}

/** The distribution API's `{"errors":[{"code":"MANIFEST_UNKNOWN"}]}`, when there is one. */
function errorCode(body: Buffer): string | undefined {
  try {
    const json = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown }[] }
    const code = json.errors?.[0]?.code
    return typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? code : undefined
  } catch {
    return undefined
  }
}
