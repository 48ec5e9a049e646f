// `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (RFC 7235 auth-params), parsed.
// Pure.

export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** The challenges of one header value; quoted values may hold commas. */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (!header) return []
  const out: Challenge[] = []
  const re =
    /\s*([A-Za-z][\w!#$%&'*+.^`|~-]*)(?:\s+|$)|\s*([\w!#$%&'*+.^`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*,?/gy
  let m: RegExpExecArray | null
  let current: Challenge | undefined
  while (re.lastIndex < header.length && (m = re.exec(header)) !== null) {
    if (m[0] === '') break
    if (m[1] !== undefined) {
      current = { scheme: m[1].toLowerCase(), params: {} }
      out.push(current)
    } else if (current && m[2] !== undefined) {
      const value = m[4] !== undefined ? m[4].replace(/\\(.)/g, '$1') : (m[3] ?? '')
      current.params[m[2].toLowerCase()] = value
    }
  }
  return out
}
