// Paths inside an image archive or layout. Manifests are input we do not trust: a path or
// digest must never lead outside the archive.

import { normalizeEntryPath } from '../layer/entry.js'

/** Cleans an archive entry name; undefined when it climbs out of the archive root. */
export function normalizeArchivePath(raw: string): string | undefined {
  return normalizeEntryPath(raw)
}

/** Where a link entry of the outer tar points, as an archive path (undefined if outside). */
export function linkTargetPath(
  linkPath: string,
  target: string,
  kind: 'symlink' | 'hardlink'
): string | undefined {
  // Hard link targets are archive paths; symlink targets are relative to the link's directory.
  if (kind === 'hardlink' || target.startsWith('/')) return normalizeArchivePath(target)
  const slash = linkPath.lastIndexOf('/')
  return normalizeArchivePath(slash < 0 ? target : `${linkPath.slice(0, slash)}/${target}`)
}

/** A path written in manifest.json (`Config`, `Layers`): relative, inside the archive. */
export function manifestPath(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || raw === '') {
    throw new Error(`${where} should be a path inside the archive, but it is ${describe(raw)}`)
  }
  const path = raw.startsWith('/') ? undefined : normalizeArchivePath(raw)
  if (path === undefined || path === '') {
    throw new Error(
      `${where} is "${raw}", which points outside the archive; the archive is malformed or unsafe`
    )
  }
  return path
}

const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/

/** Checks a descriptor digest; only well-formed sha256/sha512 digests become paths. */
export function checkDigest(raw: unknown, where: string): string {
  if (typeof raw === 'string' && DIGEST.test(raw)) return raw
  throw new Error(
    `${where} has digest ${describe(raw)}, which is not a valid sha256 or sha512 digest`
  )
}

/** `sha256:abc…` -> `blobs/sha256/abc…` (the digest must have passed checkDigest). */
export function digestPath(digest: string): string {
  const colon = digest.indexOf(':')
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`
}

/** `blobs/sha256/abc…` -> `sha256:abc…`; undefined for other paths. */
export function digestFromPath(path: string): string | undefined {
  const m = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(path)
  if (!m) return undefined
  const digest = `${m[1]}:${m[2]}`
  return DIGEST.test(digest) ? digest : undefined
}

export function describe(value: unknown): string {
  if (value === undefined) return 'missing'
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    // nested too deep to serialise (a hostile document): say what it is, not what it holds
    text = Array.isArray(value)
      ? `a list of ${value.length} nested too deeply`
      : 'an object nested too deeply'
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** `a, b, c and 997 more`: a list from the archive, bounded for a one-line message. */
export function listSome(items: string[], max = 10): string {
  const shown = items.slice(0, max).map(s => (s.length > 80 ? `${s.slice(0, 80)}…` : s))
  const more = items.length > max ? ` and ${items.length - max} more` : ''
  return shown.join(', ') + more
}
