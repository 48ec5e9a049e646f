// `docker://HOST/REPO:TAG` and `docker://HOST/REPO@sha256:…` parsed into what the distribution
// API needs. Pure. Names follow Docker's rules: no host means Docker Hub, whose API lives at
// registry-1.docker.io, and a one-part Hub name is an official image under `library/`.

import { UsageError } from '../../errors.js'

export const REGISTRY_PREFIX = 'docker://'

export interface RegistryReference {
  /** The reference as written, without `docker://` (for messages and reports). */
  text: string
  /** Host[:port] the API is asked at (`registry-1.docker.io` for Docker Hub). */
  host: string
  /** Host as people write it (`docker.io`), for credentials lookup and reports. */
  displayHost: string
  repository: string
  tag?: string
  digest?: string
}

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*'
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`)
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/
const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/
const HOST = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/

export function isRegistrySource(source: string): boolean {
  return source.startsWith(REGISTRY_PREFIX)
}

export function parseRegistryReference(source: string): RegistryReference {
  const text = source.startsWith(REGISTRY_PREFIX) ? source.slice(REGISTRY_PREFIX.length) : source
  const bad = (why: string): UsageError =>
    new UsageError(
      `${REGISTRY_PREFIX}${text} is not a valid image reference: ${why}. ` +
        `Write ${REGISTRY_PREFIX}HOST/REPOSITORY:TAG or ${REGISTRY_PREFIX}HOST/REPOSITORY@sha256:DIGEST`
    )
  let rest = text.trim()
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) throw bad(`"${digest}" is not a sha256:… or sha512:… digest`)
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a valid tag`)
  }
  const slash = rest.indexOf('/')
  const first = slash < 0 ? '' : rest.slice(0, slash)
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost'
  let displayHost = hasHost ? first : 'docker.io'
  let repository = hasHost ? rest.slice(slash + 1) : rest
  if (hasHost && !HOST.test(displayHost)) throw bad(`"${displayHost}" is not a host name`)
  if (displayHost === 'index.docker.io' || displayHost === 'registry-1.docker.io')
    displayHost = 'docker.io'
  const hub = displayHost === 'docker.io'
  if (hub && !repository.includes('/')) repository = `library/${repository}`
  if (!REPOSITORY.test(repository))
    throw bad(`"${repository}" is not a repository name (lower case letters, digits, . _ - and /)`)
  const ref: RegistryReference = {
    text,
    host: hub ? 'registry-1.docker.io' : displayHost.toLowerCase(),
    displayHost: displayHost.toLowerCase(),
    repository
  }
  if (digest) ref.digest = digest
  // A digest pins the content; a tag beside it is only a label.
  if (tag) ref.tag = tag
  else if (!digest) ref.tag = 'latest'
  return ref
}

/** What to ask the manifests endpoint for: the digest when pinned, else the tag. */
export function manifestTarget(ref: RegistryReference): string {
  return ref.digest ?? ref.tag ?? 'latest'
}

/** HTTP without TLS only for the loopback host, or hosts the user named insecure. */
export function allowsPlainHttp(host: string, insecure: readonly string[] = []): boolean {
  const name = hostName(host)
  if (name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name === '::1')
    return true
  return insecure.some(h => h.toLowerCase() === host.toLowerCase() || h.toLowerCase() === name)
}

function hostName(host: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)/.exec(host.toLowerCase())
  return m ? m[1] : host.toLowerCase()
}
