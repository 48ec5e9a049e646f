// Turns the terse errors of tar-stream, zlib and zstd into messages that say what is wrong with
// which layer and what to try.

/** `blobs/sha256/0123456789abcdef…` reads better in a log than 64 hex digits. */
export function shortenDigests(text: string): string {
  return text.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1…')
}

export function layerLabel(name: string | undefined): string {
  return name ? `layer ${shortenDigests(name)}` : 'layer'
}

/** Where in the tar the parser was, for messages: `after entry "usr/bin/x" (entry 12)`. */
export function position(lastPath: string | undefined, count: number): string {
  return lastPath === undefined
    ? 'at its first entry'
    : `after entry "${lastPath}" (entry ${count})`
}

export function explainTarError(err: Error, where: string): string {
  const msg = err.message
  if (msg.includes('Unexpected end of data')) {
    return `the tar stream ends in the middle of an entry, ${where} (truncated archive?)`
  }
  if (msg.startsWith('Invalid tar header')) {
    return `the tar data is corrupt: a header ${where} is not a valid tar header (damaged or truncated archive?)`
  }
  if (msg.includes('Header exceeds max size')) {
    return `a PAX or GNU long-name header ${where} is larger than 4 MiB (corrupt archive?)`
  }
  if (msg === 'Invalid header')
    return `a tar header ${where} has an invalid size field (corrupt archive?)`
  return `cannot read the tar stream ${where}: ${msg}`
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
