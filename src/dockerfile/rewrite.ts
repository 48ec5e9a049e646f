// Mechanical fixes for hints, computed from the Dockerfile's own text: add a flag to a
// command (`pip install --no-cache-dir`), or end the RUN with a clean-up command
// (`&& rm -rf /var/lib/apt/lists/*`). The edit is an insertion into the lines as written, so
// line continuations, quoting and indentation stay as they are. Anything not understood —
// exec form, heredocs, subshells, unbalanced quotes, a command we cannot name — gets no
// rewrite rather than a guess. Pure: text in, lines out.

import { DockerfileParser, PropertyInstruction, type Instruction } from 'dockerfile-ast'
import { expand, unquote, type Scope } from './expand.js'
import { lexShell, type SimpleCommand, type ShellWord } from './shell-words.js'

/** One instruction rewritten: its lines (1-based, inclusive) before and after. */
export interface InstructionRewrite {
  /** Line of the keyword (1-based). */
  line: number
  /** Last line of the instruction as it is now. */
  endLine: number
  before: string[]
  after: string[]
  /** Hint ids the rewrite fixes. */
  ids: string[]
}

/** What a hint needs to be rewritten: its id and the Dockerfile line of its instruction. */
export interface HintAt {
  id: string
  dockerfileLine?: number
}

interface Command {
  /** argv after leading `VAR=value` assignments and `sudo`, unquoted and expanded. */
  argv: string[]
  /** The words as written, aligned with argv. */
  words: ShellWord[]
}

type Fix =
  | {
      kind: 'flag'
      flag: string
      on: (c: Command) => number | undefined
      /** The RUN needs more than the flag (no rewrite). */
      unless?: (cs: Command[]) => boolean
    }
  | { kind: 'append'; needs: (cs: Command[]) => string | undefined }

const base = (s: string | undefined) => (s ?? '').replace(/^.*\//, '')
const isPip = (s: string | undefined) => /^pip(?:3(?:\.\d+)?)?$/.test(base(s))
const isPython = (s: string | undefined) => /^python(?:3(?:\.\d+)?)?$/.test(base(s))

/** Index of the word after which a flag goes: the subcommand `sub` of program `prog`. */
function subcommand(c: Command, prog: (s: string) => boolean, subs: string[]): number | undefined {
  let i = 0
  // `python3 -m pip`, and a wrapper that runs the command after `--` (`… run -- pip install`).
  const dashes = c.argv.indexOf('--')
  if (isPython(c.argv[0]) && c.argv[1] === '-m' && prog(c.argv[2] ?? '')) i = 2
  else if (dashes > 0 && !prog(c.argv[0] ?? '') && prog(c.argv[dashes + 1] ?? '')) i = dashes + 1
  else if (!prog(c.argv[0] ?? '')) return undefined
  for (const sub of subs) {
    i++
    while (i < c.argv.length && c.argv[i].startsWith('-')) i++
    if (c.argv[i] !== sub) return undefined
  }
  return i
}

const hasCommand = (cs: Command[], prog: (s: string) => boolean, subs: string[][]) =>
  cs.some(c => subs.some(s => subcommand(c, prog, s) !== undefined))

const named =
  (...names: string[]) =>
  (s: string) =>
    names.includes(base(s))

/** The fixes by hint id (docs/hints.md lists the same under "Suggested changes"). */
export const FIXES: Readonly<Record<string, Fix>> = {
  'pip-cache': {
    kind: 'flag',
    flag: '--no-cache-dir',
    on: c => subcommand(c, isPip, ['install'])
  },
  'uv-cache': {
    kind: 'flag',
    flag: '--no-cache',
    on: c => subcommand(c, named('uv'), ['pip', 'install']) ?? subcommand(c, named('uv'), ['sync'])
  },
  'poetry-cache': {
    kind: 'flag',
    flag: '--no-cache',
    on: c => subcommand(c, named('poetry'), ['install'])
  },
  'composer-cache': {
    kind: 'flag',
    flag: '--no-cache',
    on: c => subcommand(c, named('composer'), ['install'])
  },
  'apk-cache': {
    kind: 'flag',
    flag: '--no-cache',
    on: c => subcommand(c, named('apk'), ['add']),
    // `apk update` fills the cache whatever `add` does: that RUN needs more than a flag.
    unless: cs => hasCommand(cs, named('apk'), [['update']])
  },
  'apt-lists': {
    kind: 'append',
    needs: cs =>
      hasCommand(cs, named('apt-get', 'apt'), [['update']])
        ? 'rm -rf /var/lib/apt/lists/*'
        : undefined
  },
  'apt-archives': {
    kind: 'append',
    needs: cs =>
      hasCommand(cs, named('apt-get', 'apt'), [['install'], ['upgrade'], ['dist-upgrade']])
        ? 'apt-get clean'
        : undefined
  },
  'dnf-cache': {
    kind: 'append',
    needs: cs => {
      const tool = ['dnf', 'microdnf', 'yum'].find(t => hasCommand(cs, named(t), [['install']]))
      return tool ? `${tool} clean all` : undefined
    }
  },
  'zypper-cache': {
    kind: 'append',
    needs: cs =>
      hasCommand(cs, named('zypper'), [['install'], ['in']]) ? 'zypper clean --all' : undefined
  },
  'conda-pkgs': {
    kind: 'append',
    needs: cs => {
      const tool = ['conda', 'mamba', 'micromamba'].find(t =>
        hasCommand(cs, named(t), [['install'], ['create'], ['env']])
      )
      return tool ? `${tool} clean -afy` : undefined
    }
  },
  'npm-cache': {
    kind: 'append',
    needs: cs =>
      hasCommand(cs, named('npm'), [['install'], ['ci'], ['i']])
        ? 'npm cache clean --force'
        : undefined
  },
  'yarn-cache': {
    kind: 'append',
    needs: cs => (cs.some(c => base(c.argv[0]) === 'yarn') ? 'yarn cache clean' : undefined)
  },
  recommends: {
    kind: 'flag',
    flag: '--no-install-recommends',
    on: c => subcommand(c, named('apt-get', 'apt'), ['install']),
    // `-o APT::Install-Recommends=…` already decides; the flag would contradict or repeat it.
    unless: cs => cs.some(c => c.argv.some(a => /Install-Recommends/i.test(a)))
  },
  'dev-dependencies': {
    kind: 'flag',
    flag: '--omit=dev',
    on: c => subcommand(c, named('npm'), ['ci']) ?? subcommand(c, named('npm'), ['install']),
    // A RUN that also builds or tests (`npm ci && npm run build`) needs its devDependencies:
    // the fix there is a build stage, not a flag. `--production` / `--omit dev` already say it.
    unless: cs =>
      cs.some(
        c =>
          c.argv.some(a => a === '--production' || a === '--omit' || a.startsWith('--only')) ||
          (['npm', 'npx', 'node', 'yarn', 'pnpm'].includes(base(c.argv[0])) &&
            subcommand(c, named('npm'), ['ci']) === undefined &&
            subcommand(c, named('npm'), ['install']) === undefined &&
            subcommand(c, named('npm'), ['cache']) === undefined)
      )
  }
}

/** Hint ids that may get a rewrite. */
export const REWRITABLE_IDS: readonly string[] = Object.keys(FIXES)

/**
 * The rewrites for these hints, one per instruction (hints on the same RUN are applied
 * together), in line order. Hints without a line, a known fix or an understood instruction
 * are left out.
 */
export function rewritesFor(text: string, hints: readonly HintAt[]): InstructionRewrite[] {
  const byLine = new Map<number, string[]>()
  for (const h of hints) {
    if (h.dockerfileLine === undefined || !FIXES[h.id]) continue
    const ids = byLine.get(h.dockerfileLine) ?? []
    if (!ids.includes(h.id)) ids.push(h.id)
    byLine.set(h.dockerfileLine, ids)
  }
  const out: InstructionRewrite[] = []
  for (const [line, ids] of [...byLine].sort((a, b) => a[0] - b[0])) {
    const r = rewriteInstruction(text, line, ids)
    if (r) out.push(r)
  }
  return out
}

/** Applies the fixes of `ids` to the instruction at `line`, one after the other. */
export function rewriteInstruction(
  text: string,
  line: number,
  ids: readonly string[]
): InstructionRewrite | undefined {
  const { lines } = splitLines(text)
  const first = locate(text, line)
  if (!first) return undefined
  let current = text
  const applied: string[] = []
  for (const id of ids) {
    const next = applyFix(current, line, FIXES[id])
    if (next === undefined) continue
    current = next
    applied.push(id)
  }
  const now = locate(current, line)
  if (applied.length === 0 || !now) return undefined
  const after = splitLines(current).lines.slice(line - 1, now.endLine)
  return {
    line,
    endLine: first.endLine,
    before: lines.slice(line - 1, first.endLine),
    after,
    ids: applied
  }
}

/** The whole file with every rewrite applied (for `--fix-diff`). */
export function applyRewrites(text: string, rewrites: readonly InstructionRewrite[]): string {
  const { lines, eol, trailing } = splitLines(text)
  const out = [...lines]
  for (const r of [...rewrites].sort((a, b) => b.line - a.line))
    out.splice(r.line - 1, r.endLine - r.line + 1, ...r.after)
  return out.join(eol) + trailing
}

// ---------------------------------------------------------------- one fix

interface Located {
  ins: Instruction
  scope: Scope
  escape: string
  endLine: number
}

/** Shells whose syntax the lexer's subset is (`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`). */
const POSIX_SHELL = /^(?:.*\/)?(?:sh|bash|dash|ash|zsh)$/

/**
 * The RUN whose keyword is on `line` (1-based), with the ARG/ENV values in scope there; none
 * when a SHELL instruction of the stage made RUN something else than a POSIX shell (pwsh, cmd).
 */
function locate(text: string, line: number): Located | undefined {
  const df = DockerfileParser.parse(text)
  const escape = df.getEscapeCharacter()
  const global = new Map<string, string | undefined>()
  let scope: Map<string, string | undefined> | undefined
  let posix = true
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase()
    if (ins.getRange().start.line + 1 === line) {
      if (keyword !== 'RUN' || !scope || !posix) return undefined
      return { ins, scope, escape, endLine: ins.getRange().end.line + 1 }
    }
    if (keyword === 'FROM') {
      scope = new Map()
      posix = true
    } else if (keyword === 'ARG' || keyword === 'ENV') declare(ins, scope ?? global, global, escape)
    else if (keyword === 'SHELL') posix = POSIX_SHELL.test(shellOf(ins) ?? '')
  }
  return undefined
}

/** The program of a `SHELL ["prog", …]`, or undefined when it is not that JSON form. */
function shellOf(ins: Instruction): string | undefined {
  try {
    const json: unknown = JSON.parse(ins.getRawArgumentsContent() ?? '')
    return Array.isArray(json) && typeof json[0] === 'string' ? json[0] : undefined
  } catch {
    return undefined
  }
}

function declare(
  ins: Instruction,
  scope: Map<string, string | undefined>,
  global: Scope,
  escape: string
): void {
  if (!(ins instanceof PropertyInstruction)) return
  for (const p of ins.getProperties()) {
    const value = p.getValue()
    scope.set(
      p.getName(),
      value === null ? global.get(p.getName()) : unquote(expand(value, scope, escape))
    )
  }
}

function applyFix(text: string, line: number, fix: Fix | undefined): string | undefined {
  const at = fix ? locate(text, line) : undefined
  if (!fix || !at) return undefined
  const source = argumentSource(text, at)
  if (!source) return undefined
  const commands = lexShell(source.logical)?.map(c => command(c, at.scope, at.escape))
  if (!commands || commands.length === 0) return undefined
  const { lines, eol, trailing } = splitLines(text)
  const edits = fix.kind === 'flag' ? flagEdits(commands, fix) : appendEdit(commands, fix)
  if (!edits || edits.length === 0) return undefined
  for (const e of edits.sort((a, b) => b.pos - a.pos)) {
    // Right after the character before `pos`: a word ending a continued line keeps its edit
    // on that line.
    const { line: l, col } = source.map[e.pos - 1]
    lines[l] = lines[l].slice(0, col + 1) + e.insert(source, lines) + lines[l].slice(col + 1)
  }
  return lines.join(eol) + trailing
}

interface Edit {
  /** Logical index the text is inserted before (an index into source.map). */
  pos: number
  insert: (s: Source, lines: string[]) => string
}

function flagEdits(commands: Command[], fix: Extract<Fix, { kind: 'flag' }>): Edit[] | undefined {
  if (fix.unless?.(commands)) return undefined
  const edits: Edit[] = []
  for (const c of commands) {
    const at = fix.on(c)
    if (at === undefined) continue
    if (c.argv.some(a => a.split(/\s+/).some(w => w === fix.flag || w.startsWith(`${fix.flag}=`))))
      continue
    edits.push({ pos: c.words[at].end, insert: () => ` ${fix.flag}` })
  }
  return edits
}

function appendEdit(
  commands: Command[],
  fix: Extract<Fix, { kind: 'append' }>
): Edit[] | undefined {
  const cleanup = fix.needs(commands)
  if (!cleanup) return undefined
  // Already there (the hint has another cause): nothing mechanical to add.
  const joined = commands.map(c => c.argv.join(' ')).join(' ; ')
  if (joined.includes(cleanup.replace(/\/\*$/, ''))) return undefined
  const last = commands[commands.length - 1]
  const pos = last.words[last.words.length - 1].end
  return [{ pos, insert: (s, lines) => appendText(s, lines, pos, cleanup) }]
}

/**
 * ` && cleanup` on a one-line RUN; on a continued RUN a new line in the file's own style:
 * `&&` leading the line when the RUN's lines start with it, else trailing.
 */
function appendText(s: Source, lines: string[], pos: number, cleanup: string): string {
  const { line } = s.map[pos - 1]
  if (s.firstLine === s.lastLine) return ` && ${cleanup}`
  const indent = /^[ \t]*/.exec(lines[line])?.[0] || '    '
  const leading = lines
    .slice(s.firstLine + 1, s.lastLine + 1)
    .some(l => /^[ \t]*(?:&&|\|\|)/.test(l))
  return leading ? ` ${s.escape}\n${indent}&& ${cleanup}` : ` && ${s.escape}\n${indent}${cleanup}`
}

function command(c: SimpleCommand, scope: Scope, escape: string): Command {
  let i = 0
  const value = (w: ShellWord) => unquote(expand(w.raw, scope, escape))
  while (i < c.words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(c.words[i].raw)) i++
  if (c.words[i]?.raw === 'sudo') i++
  const words = c.words.slice(i)
  return { argv: words.map(value), words }
}

// ---------------------------------------------------------------- source text

interface Source {
  /** The shell text as the builder runs it: continuations joined, comment lines dropped. */
  logical: string
  /** Logical index → 0-based line and column in the file. */
  map: { line: number; col: number }[]
  firstLine: number
  lastLine: number
  escape: string
}

/** The RUN's shell text with a position map, or undefined for exec form and heredocs. */
function argumentSource(text: string, at: Located): Source | undefined {
  const range = at.ins.getArgumentsRange()
  if (!range) return undefined
  const raw = at.ins.getRawArgumentsContent() ?? ''
  if (raw.trimStart().startsWith('[') || raw.includes('<<')) return undefined
  const { lines } = splitLines(text)
  const map: Source['map'] = []
  let logical = ''
  const { start, end } = range
  for (let l = start.line; l <= end.line; l++) {
    const from = l === start.line ? start.character : 0
    const full = lines[l] ?? ''
    const content = l === end.line ? full.slice(0, end.character) : full
    const trimmed = content.trim()
    if (l > start.line && (trimmed === '' || trimmed.startsWith('#'))) continue
    const stripped = content.replace(/[ \t]+$/, '')
    const continued = l < end.line && stripped.endsWith(at.escape)
    const stop = continued ? stripped.length - at.escape.length : content.length
    for (let c = from; c < stop; c++) {
      logical += full[c]
      map.push({ line: l, col: c })
    }
  }
  return { logical, map, firstLine: start.line, lastLine: end.line, escape: at.escape }
}

function splitLines(text: string): { lines: string[]; eol: string; trailing: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const trailing = text.endsWith(eol) ? eol : ''
  const body = trailing ? text.slice(0, -eol.length) : text
  return { lines: body.split(/\r?\n/), eol, trailing }
}
