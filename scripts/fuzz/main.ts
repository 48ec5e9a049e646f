// Entry point of the fuzz harness (bundled by scripts/fuzz.sh, run with Node 24). The same file
// is the worker thread's script: a worker starts here with workerData.role = 'fuzz-worker'.
//
//   fuzz.sh [--seconds N] [--seed S] [--report] [--workers N] [--timeout S] [--memory-mb N]
//           [--failures-dir DIR]
//   fuzz.sh --replay <file.case.json | file.tar> [--in-process]

import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { isMainThread, workerData } from 'node:worker_threads'
import { runCase } from './execute.js'
import { Pool } from './pool.js'
import { consoleSummary, failed, figuresBlock, updateDocs } from './report.js'
import { loadCase } from './replay.js'
import { randomSeed } from './rng.js'
import { runSession } from './session.js'
import { FAILURE_OUTCOMES, type CaseResult, type FuzzCase, type RunMode } from './types.js'
import { workerMain } from './worker.js'

const USAGE = `usage: scripts/fuzz.sh [--seconds N] [--seed S] [--report] [--workers N] [--timeout S]
                      [--memory-mb N] [--failures-dir DIR]
       scripts/fuzz.sh --replay <file.case.json | file.tar> [--in-process]`

interface Args {
  seconds: number
  seed: number
  report: boolean
  workers: number
  timeoutMs: number
  memoryMb: number
  failuresDir: string
  repo: string
  replay?: string
  inProcess: boolean
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} should be a number, got ${JSON.stringify(value)}`)
  return n
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      seed: { type: 'string' },
      report: { type: 'boolean' },
      workers: { type: 'string' },
      timeout: { type: 'string' },
      'memory-mb': { type: 'string' },
      'failures-dir': { type: 'string' },
      repo: { type: 'string' },
      replay: { type: 'string' },
      'in-process': { type: 'boolean' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) throw new Error(USAGE)
  const repo = resolve(values.repo ?? process.cwd())
  return {
    seconds: number(values.seconds, '--seconds', 60),
    seed: values.seed === undefined ? randomSeed() : number(values.seed, '--seed', 0) >>> 0,
    report: values.report === true,
    workers: Math.max(1, Math.floor(number(values.workers, '--workers', availableParallelism()))),
    timeoutMs: number(values.timeout, '--timeout', 10) * 1000,
    memoryMb: number(values['memory-mb'], '--memory-mb', 256),
    failuresDir: resolve(values['failures-dir'] ?? join(repo, 'tmp', 'fuzz-failures')),
    repo,
    ...(values.replay ? { replay: resolve(values.replay) } : {}),
    inProcess: values['in-process'] === true
  }
}

async function fuzz(args: Args, argv: string[]): Promise<number> {
  console.log(
    `fuzz: run seed ${args.seed} (replay this run with --seed ${args.seed}), ${args.seconds} s, ${args.workers} workers`
  )
  const summary = await runSession({
    seconds: args.seconds,
    runSeed: args.seed,
    workers: args.workers,
    timeoutMs: args.timeoutMs,
    heavyTimeoutMs: Math.max(args.timeoutMs, 90_000),
    memoryMb: args.memoryMb,
    heavyMemoryMb: args.memoryMb * 2,
    failuresDir: args.failuresDir,
    script: process.argv[1],
    repo: args.repo,
    log: line => console.log(line)
  })
  console.log(consoleSummary(summary))
  if (args.report) {
    // `--repo <dir>` is fuzz.sh's plumbing, not part of the command a person types
    const typed = argv.filter((a, i) => !a.startsWith('--repo') && argv[i - 1] !== '--repo')
    const command = `npm run fuzz -- ${typed.join(' ')}`.trim()
    updateDocs(join(args.repo, 'docs', 'reliability.md'), figuresBlock(summary, command))
    console.log('fuzz: figures written to docs/reliability.md')
  }
  if (summary.failures.length > 0) console.log(`fuzz: failing inputs saved in ${args.failuresDir}`)
  return failed(summary) ? 1 : 0
}

/** A bare archive is read in every mode; a saved case as it was. */
function replayCases(c: FuzzCase): FuzzCase[] {
  if (c.layout !== 'replay') return [c]
  const modes: RunMode[] = ['stream', 'file', 'source', 'measure']
  return modes.map((mode, i) => ({ ...c, id: i, mode }))
}

async function replay(args: Args): Promise<number> {
  const { c } = loadCase(args.replay!)
  let bad = false
  for (const one of replayCases(c)) {
    const result = args.inProcess ? await inProcess(one) : await inWorker(one, args)
    console.log(`${result.outcome} [${one.mode}] ${one.mutations.join(' + ')}\n  ${result.detail}`)
    bad ||= FAILURE_OUTCOMES.has(result.outcome)
  }
  return bad ? 1 : 0
}

async function inWorker(c: FuzzCase, args: Args): Promise<CaseResult> {
  const runRoot = mkdtempSync(join(tmpdir(), 'isg-fuzz-replay-'))
  const pool = new Pool({
    script: process.argv[1],
    runRoot,
    memoryMb: args.memoryMb,
    heavyMemoryMb: args.memoryMb * 2
  })
  try {
    return await pool.run(c, c.input.kind === 'generated')
  } finally {
    await pool.close()
    rmSync(runRoot, { recursive: true, force: true })
  }
}

/** Without a worker: stack traces show, but nothing bounds time or memory. */
async function inProcess(c: FuzzCase): Promise<CaseResult> {
  const root = mkdtempSync(join(tmpdir(), 'isg-fuzz-replay-'))
  const started = Date.now()
  try {
    const verdict = await runCase(c, root)
    return { ...verdict, ms: Date.now() - started }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  let args: Args
  try {
    args = parse(argv)
  } catch (err) {
    console.error((err as Error).message)
    return 2
  }
  return args.replay ? replay(args) : fuzz(args, argv)
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === 'fuzz-worker') {
  workerMain()
} else {
  // process.exit, not exitCode: a worker stuck in a hostile input (a thread of libuv's pool
  // blocked on a FIFO) would otherwise keep the harness, and CI, alive after the verdict.
  main().then(
    code => process.exit(code),
    (err: Error) => {
      console.error(err.stack ?? err)
      process.exit(2)
    }
  )
}
