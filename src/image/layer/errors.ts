// Turns the terse errors of the tar parser, zlib and zstd into messages that say what is wrong with
// which layer and what to try.

import { UNSAFE_CHARS } from '../../unsafe.js'

/** `blobs/sha256/0123456789abcdef…` reads better in a log than 64 hex digits. */
export function shortenDigests(text: string): string {
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1…')
}

export function layerLabel(name: string | undefined): string {
  if (!name) return 'layer'
  // A blob path is hex and slashes; anything else in it (a NUL, a newline) is shown escaped.
  const plain = /^[\x21-\x7e]{1,200}$/.test(name)
  return `layer ${plain ? shortenDigests(name) : quoteName(name)}`
}

const NAME_SHOWN = 120

/**
 * A name from the archive, fit for a one-line message: quoted, control characters escaped, and
 * cut to 120 characters (a hostile archive can name an entry with 100 KiB of path).
 */
export function quoteName(name: string): string {
  const short = name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN)}…` : name
  return JSON.stringify(shortenDigests(short))
}

const CONTROL_RUN = new RegExp(`(?:${UNSAFE_CHARS}|[\\u2028\\u2029])+`, 'g')
const MESSAGE_SHOWN = 1000

/** One clean line of at most ~1000 characters: what an error message about input must be. */
export function oneLine(message: string): string {
  const line = message.replace(CONTROL_RUN, ' ').trim()
  return line.length > MESSAGE_SHOWN ? `${line.slice(0, MESSAGE_SHOWN)}…` : line
}

/** Where in the tar the parser was, for messages: `after entry "usr/bin/x" (entry 12)`. */
export function position(lastPath: string | undefined, count: number): string {
  return lastPath === undefined
    ? 'at its first entry'
    : `after entry ${quoteName(lastPath)} (entry ${count})`
}

export function explainTarError(err: Error & { code?: unknown }, where: string): string {
  switch (err.code) {
    case 'truncated':
      return `the tar stream ends in the middle of an entry, ${where} (truncated archive?)`
    case 'checksum':
    case 'format':
      return `the tar data is corrupt: a header ${where} is not a valid tar header (damaged or truncated archive?)`
    case 'long-header':
      return `a PAX or GNU long-name header ${where} is larger than 4 MiB (corrupt archive?)`
    case 'size':
      return `a tar header ${where} has an invalid size field (corrupt archive?)`
  }
  return `cannot read the tar stream ${where}: ${err.message}`
}

/** `what` is what was compressed: a layer `blob`, or the whole archive `file`. */
export function explainDecompressError(
  err: Error & { code?: unknown },
  compression: string,
  what = 'blob'
): string {
  const msg = err.message
  const truncated =
    err.code === 'Z_BUF_ERROR' ||
    msg === 'unexpected end of file' ||
    msg === 'unexpected EOF' ||
    msg.includes('ends in the middle of a frame')
  if (truncated) return `the ${compression} stream ends early (truncated ${what}?)`
  if (msg.startsWith('the zstd ')) return `${msg} (corrupt ${what}?)`
  return `the ${compression} data is corrupt (${msg})`
}
