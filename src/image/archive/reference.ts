// Image references compared the way Docker resolves them: `nginx` is
// `docker.io/library/nginx:latest`, so a RepoTag or an index annotation written either way matches.

/** `nginx` -> `docker.io/library/nginx:latest`; `ghcr.io/o/r@sha256:…` is kept as is. */
export function normalizeReference(ref: string): string {
  let name = ref.trim()
  let digest = ''
  const at = name.indexOf('@')
  if (at >= 0) [name, digest] = [name.slice(0, at), name.slice(at)]
  const hasTag = name.lastIndexOf(':') > name.lastIndexOf('/')
  if (!hasTag && !digest) name += ':latest'
  const first = name.split('/')[0]
  const hasDomain =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  if (!hasDomain) name = `docker.io/${name.includes('/') ? name : `library/${name}`}`
  return name.replace(/^index\.docker\.io\//, 'docker.io/') + digest
}

/** The tag of a reference (`latest` when none is written). */
export function tagOf(ref: string): string {
  const name = normalizeReference(ref).split('@')[0]
  return name.slice(name.lastIndexOf(':') + 1)
}

/**
 * Does `name` (a RepoTag, an `io.containerd.image.name`, or an
 * `org.opencontainers.image.ref.name` that may be a bare tag) name the image `ref` asks for?
 */
export function referenceMatches(ref: string, name: string): boolean {
  if (normalizeReference(ref) === normalizeReference(name)) return true
  const bareTag = !name.includes('/') && !name.includes(':') && !name.includes('@')
  return bareTag && tagOf(ref) === name
}
