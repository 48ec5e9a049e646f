// A deliberately small shell lexer for the text of one RUN (shell form), after the Dockerfile's
// own line continuations are joined: simple commands (words) separated by `&&`, `||`, `;`,
// `|`. It understands quotes, backslash escapes and `$(…)` inside words, and refuses
// (returns undefined) everything else — heredocs, subshells and groups, backquotes, comments,
// background `&`, unbalanced quotes — so a rewrite is never computed from a guess.

export interface ShellWord {
  /** The word as written (quotes kept). */
  raw: string
  /** Index of its first character in the lexed text. */
  start: number
  /** Index after its last character. */
  end: number
}

export type Operator = '&&' | '||' | ';' | '|'

export interface SimpleCommand {
  words: ShellWord[]
  /** The operator after the command (undefined for the last one). */
  next?: Operator
}

const BREAK = new Set([' ', '\t', ';', '&', '|', '<', '>', '(', ')'])

export function lexShell(text: string): SimpleCommand[] | undefined {
  const commands: SimpleCommand[] = [{ words: [] }]
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === ' ' || c === '\t') {
      i++
      continue
    }
    const op = operatorAt(text, i)
    if (op === null) return undefined
    if (op) {
      const current = commands[commands.length - 1]
      // `a && && b` or a leading operator: not a command list we understand.
      if (current.words.length === 0) return undefined
      current.next = op
      commands.push({ words: [] })
      i += op.length
      continue
    }
    if (c === '<' || c === '>' || c === '&') {
      // Redirections (`>`, `>>`, `>&`, `&>`) belong to the command; their target is lexed as
      // a word. `<<` (heredoc) and `<(` are refused.
      if (text[i + 1] === '<' || text[i + 1] === '(') return undefined
      i += 1
      while (text[i] === '>' || text[i] === '&') i++
      continue
    }
    if (c === '(' || c === ')' || c === '#' || c === '`') return undefined
    const end = wordEnd(text, i)
    if (end === undefined) return undefined
    const raw = text.slice(i, end)
    if (raw === '{' || raw === '}' || raw === '!') return undefined
    commands[commands.length - 1].words.push({ raw, start: i, end })
    i = end
  }
  const last = commands[commands.length - 1]
  if (last.words.length === 0) {
    // A trailing `;` is fine (`a; b;`); a trailing `&&`, `||` or `|` is not shell.
    if (commands.length === 1) return undefined
    const prev = commands[commands.length - 2]
    if (prev.next !== ';') return undefined
    delete prev.next
    commands.pop()
  }
  return commands
}

/** The operator at `i`, '' when none, null for one we refuse (`&` alone: background). */
function operatorAt(text: string, i: number): Operator | '' | null {
  const two = text.slice(i, i + 2)
  if (two === '&&' || two === '||') return two
  if (two === ';;' || two === '|&') return null
  if (text[i] === ';' || text[i] === '|') return text[i] as Operator
  if (text[i] === '&') return text[i + 1] === '>' ? '' : null
  return ''
}

/** End of the word starting at `i`, or undefined when it is not closed or not understood. */
function wordEnd(text: string, start: number): number | undefined {
  let i = start
  while (i < text.length) {
    const c = text[i]
    if (BREAK.has(c)) {
      // `2>&1`, `>file`: a digit prefix is part of the redirection, which we skip as a word.
      return i
    }
    if (c === '\\') {
      if (i + 1 >= text.length) return undefined
      i += 2
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1)
      if (close < 0) return undefined
      i = close + 1
    } else if (c === '"') {
      const close = doubleQuoteEnd(text, i + 1)
      if (close === undefined) return undefined
      i = close + 1
    } else if (c === '$' && text[i + 1] === '(') {
      const close = parenEnd(text, i + 2)
      if (close === undefined) return undefined
      i = close + 1
    } else if (c === '`') {
      return undefined
    } else {
      i++
    }
  }
  return i
}

/** Index of the `"` closing a double-quoted string whose content starts at `from`. */
function doubleQuoteEnd(text: string, from: number): number | undefined {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '`') return undefined
    else if (text[i] === '$' && text[i + 1] === '(') {
      const close = parenEnd(text, i + 2)
      if (close === undefined) return undefined
      i = close
    } else if (text[i] === '"') return i
  }
  return undefined
}

/** Index of the `)` closing a `$(` whose body starts at `from` (quotes inside respected). */
function parenEnd(text: string, from: number): number | undefined {
  let depth = 1
  for (let i = from; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (c === "'") {
      const close = text.indexOf("'", i + 1)
      if (close < 0) return undefined
      i = close
    } else if (c === '"') {
      const close = doubleQuoteEnd(text, i + 1)
      if (close === undefined) return undefined
      i = close
    } else if (c === '`' || (c === '<' && text[i + 1] === '<')) return undefined
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return undefined
}
