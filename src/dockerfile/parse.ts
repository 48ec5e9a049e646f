// Dockerfile → stages of instructions, each with the text(s) a builder writes into the image
// history for it. Parsing is dockerfile-ast's; this module only adds what history matching
// needs: ARG/ENV scopes per stage (global ARGs, build-arg overrides, stage inheritance via
// `FROM <stage>`), the WORKDIR and SHELL in effect, and the history forms of BuildKit
// (moby/buildkit dockerfile2llb `commitToHistory` calls) and of the legacy builder.

import {
  DockerfileParser,
  ModifiableInstruction,
  PropertyInstruction,
  type Flag,
  type Instruction
} from 'dockerfile-ast'
import { expand, unquote, type Scope } from './expand.js'

/** How well one history entry matches an instruction. */
export type MatchLevel = 'exact' | 'loose'

export interface ParsedInstruction {
  keyword: string
  /** 1-based line of the keyword. */
  line: number
  /** The instruction as written, continuations joined, whitespace collapsed. */
  text: string
  /** Normalised history texts (see normaliseCreatedBy) that are this instruction. */
  forms: string[]
  /** A tolerant comparison for builder differences; undefined when there is none. */
  loose?: (createdBy: string) => boolean
  /** An exact match is specific enough to anchor the alignment (RUN, COPY, ADD, CMD…). */
  anchor: boolean
}

export interface ParsedStage {
  index: number
  name?: string
  /** 1-based line of the FROM. */
  line: number
  /** FROM image after ARG expansion. */
  image: string
  /** Index of the stage this one is built `FROM`, when it is a stage of this file. */
  parent?: number
  instructions: ParsedInstruction[]
}

export interface ParseOptions {
  buildArgs?: Record<string, string>
}

/** What a stage hands to a stage built FROM it. */
interface StageState {
  scope: Map<string, string | undefined>
  workdir: string | undefined
  shell: string[]
}

const DEFAULT_SHELL = ['/bin/sh', '-c']

export function parseDockerfile(text: string, opts: ParseOptions = {}): ParsedStage[] {
  const df = DockerfileParser.parse(text)
  const ctx: Ctx = {
    lines: text.split(/\r\n|\n|\r/),
    escape: df.getEscapeCharacter(),
    buildArgs: opts.buildArgs ?? {}
  }
  const global = new Map<string, string | undefined>()
  const stages: ParsedStage[] = []
  const states: StageState[] = []
  let state: StageState | undefined
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase()
    if (keyword === 'FROM') {
      const stage = startStage(ins, stages, global, ctx)
      stages.push(stage)
      const parent = stage.parent === undefined ? undefined : states[stage.parent]
      state = inherit(parent, stage.image)
      states.push(state)
      continue
    }
    if (!state) {
      if (keyword === 'ARG') declareArgs(ins, global, global, ctx)
      continue
    }
    const parsed = parseInstruction(ins, keyword, state, global, ctx)
    if (parsed) stages[stages.length - 1].instructions.push(parsed)
  }
  return stages
}

interface Ctx {
  lines: string[]
  escape: string
  buildArgs: Record<string, string>
}

function startStage(ins: Instruction, stages: ParsedStage[], global: Scope, ctx: Ctx): ParsedStage {
  const args = ins.getArguments().map(a => a.getValue())
  const image = expand(args[0] ?? '', global, ctx.escape)
  const asIndex = args.findIndex(a => a.toLowerCase() === 'as')
  const name = asIndex >= 0 ? args[asIndex + 1] : undefined
  const parent = stages.findIndex(s => s.name?.toLowerCase() === image.toLowerCase())
  return {
    index: stages.length,
    ...(name ? { name } : {}),
    line: ins.getRange().start.line + 1,
    image,
    ...(parent >= 0 ? { parent } : {}),
    instructions: []
  }
}

/**
 * A stage built FROM another inherits its state env (ENV and ARG values), WORKDIR and SHELL.
 * An external image's WORKDIR is unknown to us, except scratch's.
 */
function inherit(parent: StageState | undefined, image: string): StageState {
  if (parent) return { scope: new Map(parent.scope), workdir: parent.workdir, shell: parent.shell }
  return { scope: new Map(), workdir: image === 'scratch' ? '/' : undefined, shell: DEFAULT_SHELL }
}

function parseInstruction(
  ins: Instruction,
  keyword: string,
  state: StageState,
  global: Scope,
  ctx: Ctx
): ParsedInstruction | undefined {
  const line = ins.getRange().start.line + 1
  const text = collapse(`${keyword} ${joinContinuations(rawText(ins), ctx.escape)}`)
  const base = { keyword, line, text }
  switch (keyword) {
    case 'RUN':
      return { ...base, ...runForms(ins, state, ctx), anchor: true }
    case 'COPY':
    case 'ADD':
      return { ...base, ...copyForms(ins, keyword, state, ctx), anchor: true }
    case 'CMD':
    case 'ENTRYPOINT':
      return { ...base, ...commandForms(ins, keyword, state, ctx), anchor: true }
    case 'ENV':
    case 'LABEL':
      return { ...base, ...propertyForms(ins, keyword, state, ctx), anchor: false }
    case 'ARG':
      return { ...base, ...declareArgs(ins, state.scope, global, ctx), anchor: false }
    case 'WORKDIR':
      return { ...base, ...workdirForms(ins, state, ctx), anchor: false }
    case 'SHELL':
      return { ...base, ...shellForms(ins, state), anchor: false }
    case 'EXPOSE':
      return { ...base, ...exposeForms(ins, state, ctx), anchor: false }
    case 'ONBUILD':
      // BuildKit records ONBUILD in the config only, with no history row.
      return undefined
    default:
      return { ...base, ...simpleForms(ins, keyword, state, ctx), anchor: false }
  }
}

type Forms = Pick<ParsedInstruction, 'forms' | 'loose'>

// ---------------------------------------------------------------- RUN

function runForms(ins: Instruction, state: StageState, ctx: Ctx): Forms {
  const json = execForm(ins)
  if (json) return { forms: [collapse(`RUN ${json.join(' ')}`)] }
  const heredocs = heredocBodies(ins, ctx)
  const raw = rawText(ins)
  if (heredocs.length > 0) return heredocForms(raw, heredocs, ctx)
  const cmd = collapse(joinContinuations(raw, ctx.escape))
  const expanded = collapse(expand(cmd, state.scope, ctx.escape))
  const forms = unique([`RUN ${cmd}`, `RUN ${expanded}`])
  // A SHELL the normaliser does not know (`bash -eo pipefail -c`) leaves its prefix in place.
  const loose = (createdBy: string) => createdBy.startsWith('RUN ') && createdBy.endsWith(` ${cmd}`)
  return { forms, loose }
}

interface HeredocBody {
  name: string
  content: string
}

/**
 * BuildKit runs a lone heredoc's content as the command (or a `#!` script from
 * /dev/pipes/<name>), and passes anything more complex to the shell reconstituted
 * as `<first line>\n<content><name>`.
 */
function heredocForms(raw: string, bodies: HeredocBody[], ctx: Ctx): Forms {
  const firstLine = joinContinuations(raw.split(/\r\n|\n|\r/)[0], ctx.escape).trim()
  const forms: string[] = []
  if (/^<<-?(["']?)[A-Za-z0-9_]+\1$/.test(firstLine)) {
    const body = bodies[0]
    forms.push(
      body.content.startsWith('#!')
        ? `RUN /dev/pipes/${body.name}`
        : collapse(`RUN ${body.content}`)
    )
  }
  forms.push(collapse(`RUN ${firstLine}\n${bodies.map(b => `${b.content}${b.name}`).join('\n')}`))
  return { forms: unique(forms) }
}

function heredocBodies(ins: Instruction, ctx: Ctx): HeredocBody[] {
  const getter = (ins as unknown as { getHeredocs?: () => ReturnType<HeredocLike> }).getHeredocs
  if (typeof getter !== 'function') return []
  return getter.call(ins).map(h => {
    const range = h.getContentRange()
    return { name: h.getName(), content: range ? `${sliceRange(ctx.lines, range)}\n` : '' }
  })
}

type HeredocLike = () => {
  getName(): string
  getContentRange(): { start: Pos; end: Pos } | null
}[]

interface Pos {
  line: number
  character: number
}

function sliceRange(lines: string[], range: { start: Pos; end: Pos }): string {
  const { start, end } = range
  if (start.line === end.line)
    return (lines[start.line] ?? '').slice(start.character, end.character)
  const parts = [(lines[start.line] ?? '').slice(start.character)]
  for (let l = start.line + 1; l < end.line; l++) parts.push(lines[l] ?? '')
  parts.push((lines[end.line] ?? '').slice(0, end.character))
  return parts.join('\n')
}

// ---------------------------------------------------------------- COPY / ADD

const LEGACY_COPY = /^(COPY|ADD) (?:file|dir|multi):[0-9a-f]+ in (.+)$/

function copyForms(ins: Instruction, keyword: string, state: StageState, ctx: Ctx): Forms {
  const words = (execForm(ins) ?? splitWords(rawText(ins))).map(w => unquote(w))
  if (words.length < 2) return { forms: [] }
  const flags = flagMap(ins)
  const exp = (s: string) => expand(s, state.scope, ctx.escape)
  const flagText = [
    flags.has('parents') ? '--parents' : '',
    flags.get('chown') ? `--chown=${exp(flags.get('chown') as string)}` : '',
    flags.get('chmod') ? `--chmod=${exp(flags.get('chmod') as string)}` : ''
  ].filter(Boolean)
  const forms: string[] = []
  for (const list of [words, words.map(exp)]) {
    forms.push(collapse([keyword, ...flagText, ...list].join(' ')))
    // BuildKit before v0.13 did not print --chown/--chmod.
    forms.push(collapse([keyword, ...list].join(' ')))
  }
  const dest = exp(words[words.length - 1])
  const dests = new Set([trimSlash(dest), trimSlash(resolvePath(state.workdir ?? '/', dest))])
  const loose = (createdBy: string) => {
    const m = LEGACY_COPY.exec(createdBy)
    return m !== null && m[1] === keyword && dests.has(trimSlash(m[2].trim()))
  }
  return { forms: unique(forms), loose }
}

// ---------------------------------------------------------------- CMD / ENTRYPOINT / SHELL

function commandForms(ins: Instruction, keyword: string, state: StageState, ctx: Ctx): Forms {
  const json = execForm(ins)
  if (json) return { forms: [`${keyword} ${goList(json)}`] }
  const cmd = collapse(joinContinuations(rawText(ins), ctx.escape))
  const loose = (createdBy: string) =>
    createdBy.startsWith(`${keyword} [`) && createdBy.endsWith(` ${JSON.stringify(cmd)}]`)
  return { forms: [`${keyword} ${goList([...state.shell, cmd])}`], loose }
}

function shellForms(ins: Instruction, state: StageState): Forms {
  const json = execForm(ins)
  if (!json) return { forms: [] }
  state.shell = json
  return { forms: [`SHELL [${json.join(' ')}]`] }
}

/** Go's `%q` of a []string, as BuildKit prints CMD/ENTRYPOINT: `["a" "b"]`. */
function goList(items: string[]): string {
  return `[${items.map(s => JSON.stringify(s)).join(' ')}]`
}

// ---------------------------------------------------------------- ENV / LABEL / ARG

function propertyForms(ins: Instruction, keyword: string, state: StageState, ctx: Ctx): Forms {
  const props = ins instanceof PropertyInstruction ? ins.getProperties() : []
  const pairs = props.map(p => {
    const value = expand(p.getValue() ?? '', state.scope, ctx.escape)
    return { name: p.getName(), value }
  })
  if (keyword === 'ENV') for (const p of pairs) state.scope.set(p.name, p.value)
  const names = pairs.map(p => p.name)
  return {
    forms: [collapse(`${keyword} ${pairs.map(p => `${p.name}=${p.value}`).join(' ')}`)],
    loose: createdBy => sameNames(createdBy, keyword, names)
  }
}

/**
 * Declares ARGs into `scope` the way BuildKit resolves them: a build-arg wins, then the
 * default (expanded), then the global ARG of the same name for a bare `ARG NAME`.
 */
function declareArgs(
  ins: Instruction,
  scope: Map<string, string | undefined>,
  global: Scope,
  ctx: Ctx
): Forms {
  const props = ins instanceof PropertyInstruction ? ins.getProperties() : []
  const parts: string[] = []
  const names: string[] = []
  for (const p of props) {
    const name = p.getName()
    const def = p.getValue()
    let value: string | undefined
    if (name in ctx.buildArgs) value = ctx.buildArgs[name]
    else if (def !== null) value = expand(def, scope, ctx.escape)
    else value = global.get(name)
    scope.set(name, value)
    names.push(name)
    parts.push(value === undefined ? name : `${name}=${value}`)
  }
  return {
    forms: [collapse(`ARG ${parts.join(' ')}`)],
    loose: createdBy => sameNames(createdBy, 'ARG', names)
  }
}

/** `KEY=v K2=v2` rows with the same keys in the same order (values may differ by quoting). */
function sameNames(createdBy: string, keyword: string, names: string[]): boolean {
  if (!createdBy.startsWith(`${keyword} `) || names.length === 0) return false
  const body = createdBy.slice(keyword.length + 1)
  let at = 0
  for (const name of names) {
    const i = body.indexOf(`${name}=`, at)
    const bare = body.slice(at).trim() === name
    if (i < 0 && !bare) return false
    if (i > 0 && body[i - 1] !== ' ') return false
    at = i < 0 ? body.length : i + name.length + 1
  }
  return true
}

// ---------------------------------------------------------------- WORKDIR / EXPOSE / others

function workdirForms(ins: Instruction, state: StageState, ctx: Ctx): Forms {
  const arg = unquote(expand(rawText(ins).trim(), state.scope, ctx.escape))
  const known = state.workdir
  const resolved = resolvePath(known ?? '/', arg)
  state.workdir = resolved
  const tail = trimSlash(arg.startsWith('/') ? arg : `/${arg}`)
  // Relative to a base image WORKDIR we cannot see: accept any path ending the same way.
  const loose =
    known === undefined && !arg.startsWith('/')
      ? (createdBy: string) =>
          createdBy.startsWith('WORKDIR /') && trimSlash(createdBy).endsWith(tail)
      : undefined
  return { forms: [`WORKDIR ${resolved}`], ...(loose ? { loose } : {}) }
}

function exposeForms(ins: Instruction, state: StageState, ctx: Ctx): Forms {
  const ports = splitWords(expand(rawText(ins), state.scope, ctx.escape)).map(p =>
    p.includes('/') ? p.toLowerCase() : `${p}/tcp`
  )
  const numbers = new Set(ports.map(p => p.split('/')[0]))
  const goMap = `EXPOSE map[${[...ports]
    .sort()
    .map(p => `${p}:{}`)
    .join(' ')}]`
  const loose = (createdBy: string) => {
    if (!createdBy.startsWith('EXPOSE ')) return false
    const found = new Set(createdBy.match(/\d+(?:-\d+)?/g) ?? [])
    return found.size === numbers.size && [...numbers].every(n => found.has(n))
  }
  return { forms: [goMap, collapse(`EXPOSE ${ports.join(' ')}`)], loose }
}

function simpleForms(ins: Instruction, keyword: string, state: StageState, ctx: Ctx): Forms {
  const raw = collapse(joinContinuations(rawText(ins), ctx.escape))
  const value = expand(raw, state.scope, ctx.escape)
  const json = execForm(ins)
  const forms = json
    ? [`${keyword} [${json.join(' ')}]`]
    : [`${keyword} ${unquote(value)}`, `${keyword} ${raw}`]
  // HEALTHCHECK prints a Go struct (`&{["CMD-SHELL" …] …}`): the keyword is all we can compare.
  const loose = keyword === 'HEALTHCHECK' ? (c: string) => c.startsWith('HEALTHCHECK ') : undefined
  return { forms: unique(forms), ...(loose ? { loose } : {}) }
}

// ---------------------------------------------------------------- text helpers

/** Argument text as written (flags excluded), with its original line breaks. */
function rawText(ins: Instruction): string {
  return ins.getRawArgumentsContent() ?? ''
}

/**
 * JSON (exec) form strings, or undefined for the shell form. Parsed here rather than with
 * dockerfile-ast's getJSONStrings, which drops the spaces inside strings; like the builders,
 * text that is not a JSON array of strings is the shell form.
 */
function execForm(ins: Instruction): string[] | undefined {
  const raw = joinContinuations(ins.getRawArgumentsContent() ?? '').trim()
  if (!raw.startsWith('[')) return undefined
  try {
    const parsed: unknown = JSON.parse(raw)
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(s => typeof s === 'string'))
      return parsed
  } catch {
    // not JSON: shell form
  }
  return undefined
}

function flagMap(ins: Instruction): Map<string, string | null> {
  const flags: Flag[] = ins instanceof ModifiableInstruction ? ins.getFlags() : []
  return new Map(flags.map(f => [f.getName().toLowerCase(), f.getValue()]))
}

/**
 * Joins continuation lines as the Dockerfile parser does: the escape character at the end
 * of a line is removed and the next line appended as is; comment and empty lines inside a
 * continued instruction are dropped.
 */
export function joinContinuations(raw: string, escape = '\\'): string {
  const lines = raw.split(/\r\n|\n|\r/)
  let out = ''
  lines.forEach((line, i) => {
    const trimmed = line.trim()
    if (i > 0 && (trimmed === '' || trimmed.startsWith('#'))) return
    const end = line.replace(/[ \t]+$/, '')
    out += end.endsWith(escape) ? end.slice(0, -escape.length) : line
  })
  return out
}

export function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}

function splitWords(s: string): string[] {
  return s.split(/\s+/).filter(Boolean)
}

function unique(list: string[]): string[] {
  return [...new Set(list)]
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p
}

/** POSIX join + normalise of `p` against the directory `dir` (absolute `p` wins). */
export function resolvePath(dir: string, p: string): string {
  const joined = p.startsWith('/') ? p : `${dir}/${p}`
  const parts: string[] = []
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  return `/${parts.join('/')}`
}
