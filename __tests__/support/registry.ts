// A real registry for tests: Debian's `docker-registry` (distribution 2.8), one instance per
// test suite on a free 127.0.0.1 port with its own config and storage directory (never the
// system service). Auth: none, htpasswd (basic) or token, the token server being the small one
// below: it signs RS256 JWTs with a key whose self-signed certificate the registry trusts.

import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, createSign } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from './engine.js'

export const REGISTRY_BINARY = '/usr/bin/docker-registry'
export const registryAvailable = existsSync(REGISTRY_BINARY)

/**
 * For a test file that needs the registry: under REQUIRE_DOCKER=1 (CI) a missing binary fails
 * the file; elsewhere its registry tests are skipped (answers false).
 */
export function requireRegistry(): boolean {
  if (!registryAvailable && process.env.REQUIRE_DOCKER === '1')
    throw new Error(
      `${REGISTRY_BINARY} is missing: run scripts/ensure-tools.sh (apt-get install docker-registry)`
    )
  return registryAvailable
}

export const USER = 'alice'
export const PASSWORD = 's3cret-pw'

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string
  dir: string
  /** The registry's access log so far. */
  log(): string
  /** `GET …/blobs/<digest>` requests in the log so far. */
  blobGets(): string[]
  /** Requests the token server answered (token auth only). */
  tokenRequests: { scope: string; user?: string }[]
  /** The next token the token server gives is already expired (token auth only). */
  expireNextToken(): void
  /** A DOCKER_CONFIG directory holding (or not) a login for this registry. */
  dockerConfig(login: boolean): string
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export async function startRegistry(auth: 'none' | 'htpasswd' | 'token'): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'isg-registry-'))
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const tokenRequests: TestRegistry['tokenRequests'] = []
  const expiry = { next: false }
  let tokenServer: Server | undefined
  let authYaml = ''
  if (auth === 'htpasswd') {
    const r = await run('htpasswd', ['-Bbn', USER, PASSWORD])
    if (r.code !== 0) throw new Error(`htpasswd failed: ${r.stderr}`)
    writeFileSync(join(dir, 'htpasswd'), r.stdout)
    authYaml = `auth:\n  htpasswd:\n    realm: test\n    path: ${join(dir, 'htpasswd')}\n`
  } else if (auth === 'token') {
    const { key, certFile, kid } = await signingKey(dir)
    const tokenPort = await freePort()
    tokenServer = await startTokenServer(tokenPort, key, kid, tokenRequests, expiry)
    authYaml =
      `auth:\n  token:\n    realm: http://127.0.0.1:${tokenPort}/token\n    service: isg-test-registry\n` +
      `    issuer: isg-test-issuer\n    rootcertbundle: ${certFile}\n`
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n` +
      `    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n${authYaml}`
  )
  const logFile = join(dir, 'registry.log')
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const chunks: Buffer[] = []
  child.stdout!.on('data', (c: Buffer) => chunks.push(c))
  child.stderr!.on('data', (c: Buffer) => chunks.push(c))
  const log = (): string => Buffer.concat(chunks).toString('utf8')
  await waitUntilUp(host, child, log)
  return {
    host,
    dir,
    log,
    blobGets: () =>
      [...log().matchAll(/"GET \/v2\/[^ ]+\/blobs\/(sha256:[0-9a-f]{64}) HTTP/g)].map(m => m[1]),
    tokenRequests,
    expireNextToken: () => {
      expiry.next = true
    },
    dockerConfig: login => {
      const cfg = mkdtempSync(join(dir, 'docker-config-'))
      const auths = login
        ? { [host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } }
        : {}
      writeFileSync(join(cfg, 'config.json'), JSON.stringify({ auths }))
      return cfg
    },
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise(r => tokenServer?.close(r) ?? r(undefined))
      writeFileSync(logFile, log())
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

async function waitUntilUp(host: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log().slice(-2000)}`)
    const ok = await fetch(`http://${host}/v2/`).then(
      r => r.status === 200 || r.status === 401,
      () => false
    )
    if (ok) return
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`docker-registry did not start on ${host}: ${log().slice(-2000)}`)
}

// ------------------------------------------------------------------------------- token server

async function signingKey(dir: string): Promise<{ key: string; certFile: string; kid: string }> {
  const keyFile = join(dir, 'token.key')
  const certFile = join(dir, 'token.crt')
  const r = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=isg-test-token'
  ])
  if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr}`)
  const spki = await run('openssl', ['x509', '-in', certFile, '-pubkey', '-noout'])
  const der = Buffer.from(spki.stdout.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return { key: readFileSync(keyFile, 'utf8'), certFile, kid: libtrustKeyId(der) }
}

/** libtrust's key id, which distribution matches against a JWT's `kid`: base32 of sha256(SPKI)[:30]. */
function libtrustKeyId(spkiDer: Buffer): string {
  const hash = createHash('sha256').update(spkiDer).digest().subarray(0, 30)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of hash) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return out.match(/.{4}/g)!.join(':')
}

function startTokenServer(
  port: number,
  key: string,
  kid: string,
  requests: TestRegistry['tokenRequests'],
  expiry: { next: boolean }
): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (req.method === 'POST') {
      // The OAuth2 form (containerd's resolver, so Docker's containerd image store, posts
      // grant_type=password with the credentials before it falls back to GET).
      const body: Buffer[] = []
      req.on('data', (b: Buffer) => body.push(b))
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(body).toString('utf8'))
        const user = form.get('grant_type') === 'password' ? (form.get('username') ?? '') : ''
        answer(res, form.getAll('scope').join(' '), form.get('service') ?? '', {
          ...(user ? { user, password: form.get('password') ?? '' } : {})
        })
      })
      return
    }
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')
    const [user, password] = basic
      ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')
      : []
    answer(
      res,
      url.searchParams.getAll('scope').join(' '),
      url.searchParams.get('service') ?? '',
      user !== undefined ? { user, password: password ?? '' } : {}
    )
  })

  function answer(
    res: ServerResponse,
    scope: string,
    service: string,
    creds: { user?: string; password?: string }
  ): void {
    const { user, password } = creds
    requests.push({ scope, ...(user ? { user } : {}) })
    if (user !== undefined && (user !== USER || password !== PASSWORD)) {
      res.writeHead(401, { 'Content-Type': 'application/json' })
      res.end('{"details":"bad credentials"}')
      return
    }
    // Anonymous callers get a token without access: the registry then answers 401.
    const access = scope
      .split(' ')
      .filter(Boolean)
      .map(s => {
        const [type, name, actions] = s.split(':')
        return { type, name, actions: user ? actions.split(',') : [] }
      })
    // An expired token: beyond the registry's leeway (60 s in distribution 2.8).
    const now = Math.floor(Date.now() / 1000) - (expiry.next ? 3600 : 0)
    expiry.next = false
    const token = jwt(
      { alg: 'RS256', typ: 'JWT', kid },
      {
        iss: 'isg-test-issuer',
        sub: user ?? '',
        aud: service,
        exp: now + 600,
        nbf: now - 10,
        iat: now,
        jti: `${now}-${requests.length}`,
        access
      },
      key
    )
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ token, access_token: token, expires_in: 600 }))
  }
  return new Promise(resolve => server.listen(port, '127.0.0.1', () => resolve(server)))
}

function jwt(header: object, claims: object, key: string): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const body = `${b64(header)}.${b64(claims)}`
  const signature = createSign('RSA-SHA256').update(body).sign(key).toString('base64url')
  return `${body}.${signature}`
}
