// One fuzzing session: seeds built once, then one lane per worker makes a case, runs it and
// records the outcome until the time is up. Failures are saved for replay as they happen.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeCase, type CaseBounds } from './case.js'
import { CATALOGUE } from './mutations/index.js'
import { Pool } from './pool.js'
import { failureName, saveCase } from './replay.js'
import { caseSeed } from './rng.js'
import { buildSeeds } from './seeds.js'
import { Sentinels } from './sentinels.js'
import {
  FAILURE_OUTCOMES,
  OUTCOMES,
  type CaseResult,
  type FuzzCase,
  type Outcome
} from './types.js'

export interface SessionOptions {
  seconds: number
  runSeed: number
  workers: number
  timeoutMs: number
  heavyTimeoutMs: number
  memoryMb: number
  heavyMemoryMb: number
  failuresDir: string
  /** The running bundle (workers start from it). */
  script: string
  repo: string
  log: (line: string) => void
}

export type Counts = Record<Outcome, number>

export interface FailureRecord {
  id: number
  outcome: Outcome
  detail: string
  seed: string
  layout: string
  mode: string
  mutations: string[]
  file: string
}

export interface Summary {
  runSeed: number
  seconds: number
  elapsedMs: number
  workers: number
  cases: number
  outcomes: Counts
  byLayout: Record<string, Counts>
  byMode: Record<string, Counts>
  byGroup: Record<string, Counts>
  byMutation: Record<string, Counts>
  failures: FailureRecord[]
  heavy: { mutations: string; outcome: Outcome; ms: number; peakMb?: number }[]
  peakRssMb: number
  slowestMs: number
  notices: string[]
  sentinelDirs: string[]
  harnessErrors: number
}

export function emptyCounts(): Counts {
  return Object.fromEntries(OUTCOMES.map(o => [o, 0])) as Counts
}

const GROUP_OF = new Map(CATALOGUE.map(m => [m.name, m.group as string]))

function mutationName(m: string): string {
  return m.slice(0, m.indexOf('(') < 0 ? m.length : m.indexOf('('))
}

class Tally {
  readonly summary: Summary
  private readonly outcomeOf = new Map<number, Outcome>()

  constructor(o: SessionOptions) {
    this.summary = {
      runSeed: o.runSeed,
      seconds: o.seconds,
      elapsedMs: 0,
      workers: o.workers,
      cases: 0,
      outcomes: emptyCounts(),
      byLayout: {},
      byMode: {},
      byGroup: {},
      byMutation: Object.fromEntries(CATALOGUE.map(m => [m.name, emptyCounts()])),
      failures: [],
      heavy: [],
      peakRssMb: 0,
      slowestMs: 0,
      notices: [],
      sentinelDirs: [],
      harnessErrors: 0
    }
  }

  add(c: FuzzCase, r: CaseResult, sign = 1): void {
    const s = this.summary
    const bump = (table: Record<string, Counts>, key: string): void => {
      table[key] ??= emptyCounts()
      table[key][r.outcome] += sign
    }
    s.outcomes[r.outcome] += sign
    bump(s.byLayout, c.layout)
    bump(s.byMode, c.mode)
    const names = new Set(c.mutations.map(mutationName))
    for (const name of names) bump(s.byMutation, name)
    for (const group of new Set([...names].map(n => GROUP_OF.get(n) ?? n))) bump(s.byGroup, group)
    if (sign > 0) {
      s.cases++
      s.slowestMs = Math.max(s.slowestMs, r.ms)
      this.outcomeOf.set(c.id, r.outcome)
      if (r.detail.startsWith('HARNESS ERROR')) s.harnessErrors++
      if (c.input.kind === 'generated')
        s.heavy.push({
          mutations: c.mutations.join(' + '),
          outcome: r.outcome,
          ms: r.ms,
          ...(r.peakMb ? { peakMb: r.peakMb } : {})
        })
    }
  }

  /** A crash that came after the case had answered replaces its first outcome. */
  replace(c: FuzzCase, r: CaseResult): void {
    const before = this.outcomeOf.get(c.id)
    if (before === undefined) return
    this.add(c, { ...r, outcome: before }, -1)
    this.summary.cases--
    this.add(c, r)
  }
}

function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) return Number(m[1]) / 1024
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss / (1024 * 1024)
}

function sentinelsFor(runRoot: string, cwd: string, repo: string): Sentinels {
  return new Sentinels()
    .strict(cwd)
    .strict(runRoot, name => /^c\d+$/.test(name) || name === 'cwd')
    .shared(tmpdir())
    .shared(repo)
    .shared(join(repo, 'src'))
    .shared(join(repo, 'scripts'))
    .shared(join(repo, '__tests__'))
    .shared(homedir())
}

export async function runSession(o: SessionOptions): Promise<Summary> {
  const started = Date.now()
  const seeds = await buildSeeds()
  o.log(
    `fuzz: ${seeds.length} seeds (${seeds.map(s => s.name).join(', ')}), ${CATALOGUE.length} mutations`
  )
  const runRoot = mkdtempSync(join(tmpdir(), 'isg-fuzz-run-'))
  const cwd = join(runRoot, 'cwd')
  mkdirSync(cwd)
  const home = process.cwd()
  process.chdir(cwd) // relative writes by a reader would land here, where nothing may appear
  const sentinels = sentinelsFor(runRoot, cwd, o.repo)
  const tally = new Tally(o)
  tally.summary.sentinelDirs = sentinels.dirs()
  const recent: FuzzCase[] = []
  const onFailure = (c: FuzzCase, r: CaseResult): void => saveFailure(o, tally, c, r)
  const pool = new Pool({
    script: o.script,
    runRoot,
    memoryMb: o.memoryMb,
    heavyMemoryMb: o.heavyMemoryMb,
    onLateCrash: (c, r) => (tally.replace(c, r), onFailure(c, r))
  })
  const bounds: CaseBounds = { timeoutMs: o.timeoutMs, heavyTimeoutMs: o.heavyTimeoutMs }
  const deadline = started + o.seconds * 1000
  let stop = false
  const interrupt = (): void =>
    void ((stop = true), o.log('fuzz: interrupted, finishing the running cases'))
  process.once('SIGINT', interrupt)
  let nextId = 0
  let lastProgress = Date.now()

  const checkSentinels = (): void => {
    const { violations, notices } = sentinels.check()
    tally.summary.notices.push(...notices)
    for (const path of violations) sentinelViolation(o, tally, path, recent)
  }
  const timer = setInterval(checkSentinels, 2000)

  const lane = async (): Promise<void> => {
    while (!stop && Date.now() < deadline) {
      const id = nextId++
      const c = makeCase(id, caseSeed(o.runSeed, id), seeds, bounds)
      recent.push(c)
      if (recent.length > 64) recent.shift()
      const r = await pool.run(c, c.input.kind === 'generated')
      tally.add(c, r)
      if (FAILURE_OUTCOMES.has(r.outcome)) onFailure(c, r)
      if (Date.now() - lastProgress > 10_000) {
        lastProgress = Date.now()
        o.log(progressLine(tally.summary, started))
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: o.workers }, lane))
  } finally {
    clearInterval(timer)
    checkSentinels()
    await pool.close()
    process.removeListener('SIGINT', interrupt)
    process.chdir(home)
    rmSync(runRoot, { recursive: true, force: true })
  }
  tally.summary.elapsedMs = Date.now() - started
  tally.summary.peakRssMb = peakRss()
  return tally.summary
}

function progressLine(s: Summary, started: number): string {
  const secs = (Date.now() - started) / 1000
  const fails = [...FAILURE_OUTCOMES].map(o => s.outcomes[o]).reduce((a, b) => a + b, 0)
  return `fuzz: ${secs.toFixed(0)} s, ${s.cases} inputs (${(s.cases / secs).toFixed(1)}/s), ${s.outcomes.valid} valid, ${s.outcomes['clear-error']} clear errors, ${fails} failures`
}

function saveFailure(o: SessionOptions, tally: Tally, c: FuzzCase, r: CaseResult): void {
  const file = saveCase(o.failuresDir, failureName(o.runSeed, c, r.outcome), o.runSeed, c, r)
  tally.summary.failures.push({
    id: c.id,
    outcome: r.outcome,
    detail: r.detail,
    seed: c.seed,
    layout: c.layout,
    mode: c.mode,
    mutations: c.mutations,
    file
  })
  o.log(
    `FAIL ${r.outcome} #${c.id} [${c.seed}, ${c.mode}] ${c.mutations.join(' + ')}\n     ${r.detail.slice(0, 400)}\n     replay: scripts/fuzz.sh --replay ${file}`
  )
}

/** A file appeared outside every sandbox: blame the cases that ran lately (all are saved). */
function sentinelViolation(
  o: SessionOptions,
  tally: Tally,
  path: string,
  recent: FuzzCase[]
): void {
  const detail = `found ${path} (made by one of cases ${recent[0]?.id}-${recent[recent.length - 1]?.id})`
  o.log(`FAIL wrote-outside: ${detail}`)
  for (const c of recent)
    saveCase(o.failuresDir, failureName(o.runSeed, c, 'suspect'), o.runSeed, c, {
      outcome: 'wrote-outside',
      detail,
      ms: 0,
      warnings: 0
    })
  const c = recent[recent.length - 1]
  tally.summary.outcomes['wrote-outside']++
  tally.summary.failures.push({
    id: c?.id ?? -1,
    outcome: 'wrote-outside',
    detail,
    seed: '',
    layout: '',
    mode: '',
    mutations: [],
    file: o.failuresDir
  })
  try {
    rmSync(path, { recursive: true, force: true })
  } catch {
    // leave it
  }
}
