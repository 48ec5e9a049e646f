// Who we are to a registry: the workflow's token on ghcr.io, else what `docker login` left in
// the Docker config (`auths`, `credHelpers`, `credsStore`), else nobody. The source is named in
// errors (a 401 says which one was tried); the secret never leaves this object's fields.

import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { execCommand } from '../../exec.js'

export interface Credentials {
  username: string
  password: string
  /** Where they came from, for messages: never the secret itself. */
  source: string
}

export interface CredentialOptions {
  /** The workflow token (`github-token` input): used for ghcr.io. */
  githubToken?: string
  /** Directory of config.json; default $DOCKER_CONFIG, else ~/.docker. */
  dockerConfigDir?: string
  /** Runs `docker-credential-<name> get` (injectable for tests). */
  runHelper?: (helper: string, server: string) => Promise<HelperAnswer | undefined>
}

export interface HelperAnswer {
  Username?: string
  Secret?: string
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>
  credHelpers?: Record<string, string>
  credsStore?: string
}

/** Keys docker login writes for a host (Docker Hub has its historical URL). */
function serverKeys(displayHost: string): string[] {
  if (displayHost === 'docker.io')
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']
  return [
    displayHost,
    `https://${displayHost}`,
    `http://${displayHost}`,
    `https://${displayHost}/v1/`
  ]
}

export async function findCredentials(
  displayHost: string,
  opts: CredentialOptions = {}
): Promise<Credentials | undefined> {
  if (displayHost === 'ghcr.io' && opts.githubToken) {
    return {
      username: 'x-access-token',
      password: opts.githubToken,
      source: 'the workflow token (input `github-token`)'
    }
  }
  const dir = opts.dockerConfigDir ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker')
  const file = join(dir, 'config.json')
  const config = readConfig(file)
  if (!config) return undefined
  const keys = serverKeys(displayHost)
  const run = opts.runHelper ?? runCredentialHelper
  const helper = keys.map(k => config.credHelpers?.[k]).find(Boolean)
  if (helper) return fromHelper(run, helper, keys[0], file)
  for (const key of keys) {
    const entry = config.auths?.[key]
    const creds = entry && fromAuthEntry(entry, `${file} (auths "${key}")`)
    if (creds) return creds
  }
  if (config.credsStore) return fromHelper(run, config.credsStore, keys[0], file)
  return undefined
}

function readConfig(file: string): DockerConfig | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const json = JSON.parse(text) as unknown
    return typeof json === 'object' && json !== null ? (json as DockerConfig) : undefined
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or run docker login again`)
  }
}

function fromAuthEntry(
  entry: { auth?: string; username?: string; password?: string },
  source: string
): Credentials | undefined {
  if (typeof entry.auth === 'string' && entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = plain.indexOf(':')
    if (colon > 0)
      return { username: plain.slice(0, colon), password: plain.slice(colon + 1), source }
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string')
    return { username: entry.username, password: entry.password, source }
  return undefined
}

async function fromHelper(
  run: NonNullable<CredentialOptions['runHelper']>,
  helper: string,
  server: string,
  file: string
): Promise<Credentials | undefined> {
  const source = `credential helper docker-credential-${helper} (from ${file})`
  if (!/^[A-Za-z0-9_.-]+$/.test(helper))
    throw new Error(`${file} names a credential helper "${helper}" that is not a plain name`)
  const answer = await run(helper, server)
  if (!answer?.Secret) return undefined
  // Helpers answer `<token>` as the user name for identity tokens; registries take them as is.
  return { username: answer.Username ?? '', password: answer.Secret, source }
}

async function runCredentialHelper(
  helper: string,
  server: string
): Promise<HelperAnswer | undefined> {
  const r = await execCommand(`docker-credential-${helper}`, ['get'], { input: server })
  // "credentials not found in native keychain": no login for this host, not an error.
  if (r.code !== 0) return undefined
  try {
    return JSON.parse(r.stdout) as HelperAnswer
  } catch {
    throw new Error(`docker-credential-${helper} get answered something that is not JSON`)
  }
}
