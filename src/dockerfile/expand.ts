// Dockerfile variable substitution, as the builders apply it to ARG/ENV values, COPY paths,
// WORKDIR, USER, FROM and flags: `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`,
// `${VAR:+word}`, `${VAR+word}`; `\$` is a literal `$`. An unknown variable expands to the
// empty string, as in BuildKit. Other modifiers (`${VAR#pat}`…) are kept verbatim: we only
// use expansion to compare with history text, and a verbatim miss costs a match, not a lie.

/** Variables in scope: name → value (undefined = declared without a value). */
export type Scope = ReadonlyMap<string, string | undefined>

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/

export function expand(text: string, scope: Scope, escape = '\\'): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === escape && text[i + 1] === '$') {
      out += '$'
      i += 2
      continue
    }
    if (c !== '$') {
      out += c
      i++
      continue
    }
    const [value, next] = substitute(text, i, scope, escape)
    out += value
    i = next
  }
  return out
}

/** Expands the `$…` at `start`; returns the text and the index after it. */
function substitute(text: string, start: number, scope: Scope, escape: string): [string, number] {
  if (text[start + 1] === '{') return braced(text, start, scope, escape)
  const m = NAME.exec(text.slice(start + 1))
  if (!m) return ['$', start + 1]
  return [scope.get(m[0]) ?? '', start + 1 + m[0].length]
}

function braced(text: string, start: number, scope: Scope, escape: string): [string, number] {
  const close = matchingBrace(text, start + 2)
  if (close < 0) return [text.slice(start), text.length]
  const body = text.slice(start + 2, close)
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([\s\S]*))?$/.exec(body)
  if (!m) return [text.slice(start, close + 1), close + 1]
  const [, name, op, word] = m
  const value = scope.get(name)
  const set = value !== undefined
  const nonEmpty = set && value !== ''
  if (op === undefined) return [value ?? '', close + 1]
  const alt = () => expand(word ?? '', scope, escape)
  switch (op) {
    case ':-':
      return [nonEmpty ? (value as string) : alt(), close + 1]
    case '-':
      return [set ? (value as string) : alt(), close + 1]
    case ':+':
      return [nonEmpty ? alt() : '', close + 1]
    default:
      return [set ? alt() : '', close + 1]
  }
}

/** Index of the `}` closing a `${` whose body starts at `from` (nested `${…}` allowed). */
function matchingBrace(text: string, from: number): number {
  let depth = 1
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{' && text[i - 1] === '$') depth++
    else if (text[i] === '}' && --depth === 0) return i
  }
  return -1
}

/**
 * Removes shell-style quotes from a word as the Dockerfile word splitter does
 * (`"a b"` → `a b`, `'x'` → `x`).
 */
export function unquote(word: string): string {
  let out = ''
  let quote: string | undefined
  for (let i = 0; i < word.length; i++) {
    const c = word[i]
    if (quote) {
      if (c === quote) quote = undefined
      else out += c
    } else if (c === '"' || c === "'") {
      quote = c
    } else {
      out += c
    }
  }
  return out
}
