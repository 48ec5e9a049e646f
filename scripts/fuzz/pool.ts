// Worker threads that run cases, one at a time each, under a heap limit (resourceLimits) and a
// wall-time bound. A worker that dies, runs out of heap or overstays is replaced; a worker is
// also recycled every few hundred cases so that one case's leftovers do not blame the next.

import { closeSync, constants, openSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { CaseResult, FuzzCase, Outcome } from './types.js'
import type { RunMessage, WorkerMessage } from './worker.js'

export interface PoolOptions {
  /** The bundle to start workers from (this script). */
  script: string
  /** Each case gets `<runRoot>/c<id>/` as its sandbox. */
  runRoot: string
  memoryMb: number
  heavyMemoryMb: number
  /** A crash noticed after its case had answered (attributed to that case). */
  onLateCrash?: (c: FuzzCase, result: CaseResult) => void
}

const RECYCLE_AFTER = 300
/** A fresh worker loads the bundle before it can start the clock. */
const STARTUP_MS = 5_000

interface Running {
  c: FuzzCase
  root: string
  resolve: (result: CaseResult) => void
  timer: ReturnType<typeof setTimeout>
  started: number
  fsEvents: { kind: 'wrote-outside' | 'read-outside'; text: string }[]
}

class Slot {
  readonly worker: Worker
  running: Running | undefined
  last: FuzzCase | undefined
  ran = 0
  dead = false
  private output = ''

  constructor(
    private readonly pool: Pool,
    readonly heavy: boolean
  ) {
    const memoryMb = heavy ? pool.opts.heavyMemoryMb : pool.opts.memoryMb
    this.worker = new Worker(pool.opts.script, {
      workerData: { role: 'fuzz-worker' },
      resourceLimits: {
        maxOldGenerationSizeMb: memoryMb,
        maxYoungGenerationSizeMb: 32,
        stackSizeMb: 4
      },
      stdout: true,
      stderr: true
    })
    const keep = (chunk: Buffer): void =>
      void (this.output = (this.output + chunk.toString()).slice(-2000))
    this.worker.stdout.on('data', keep)
    this.worker.stderr.on('data', keep)
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m))
    this.worker.on('error', err => this.onError(err))
    this.worker.on('exit', code => this.onExit(code))
  }

  run(c: FuzzCase, resolve: (result: CaseResult) => void): void {
    const root = join(this.pool.opts.runRoot, `c${c.id}`)
    const memoryMb = this.heavy ? this.pool.opts.heavyMemoryMb : this.pool.opts.memoryMb
    const timeout = c.timeoutMs + (this.ran === 0 ? STARTUP_MS : 0)
    const timer = setTimeout(() => this.onTimeout(), timeout)
    this.running = { c, root, resolve, timer, started: Date.now(), fsEvents: [] }
    this.worker.postMessage({ type: 'run', case: c, root, memoryMb } satisfies RunMessage)
  }

  private onMessage(m: WorkerMessage): void {
    const r = this.running
    if (!r || m.id !== r.c.id) return
    if (m.type === 'fs') return void r.fsEvents.push({ kind: m.kind, text: `${m.op} ${m.path}` })
    if (m.type === 'harness-error')
      return this.finish('bad', `HARNESS ERROR (not the reader): ${m.message}`)
    const { verdict, peakMb, ms } = m
    this.finish(verdict.outcome, verdict.detail, { peakMb, ms, warnings: verdict.warnings })
  }

  private onTimeout(): void {
    const r = this.running
    if (!r) return
    releaseFifos(r)
    this.dead = true
    void this.worker.terminate()
    this.finish('hang', `no answer within ${r.c.timeoutMs} ms`)
  }

  private onError(err: Error & { code?: string }): void {
    this.dead = true
    const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
    const outcome: Outcome = oom ? 'memory' : 'crash'
    const stack = (err.stack ?? String(err)).split('\n').slice(0, 6).join(' | ')
    const detail = oom
      ? `over the ${this.heavy ? this.pool.opts.heavyMemoryMb : this.pool.opts.memoryMb} MB heap limit`
      : stack
    if (this.running) return this.finish(outcome, detail)
    if (this.last)
      this.pool.opts.onLateCrash?.(this.last, {
        outcome,
        detail: `after its answer: ${detail}`,
        ms: 0,
        warnings: 0
      })
  }

  private onExit(code: number): void {
    this.dead = true
    if (!this.running) return
    const stalled = code === 0
    const detail = stalled
      ? 'the read never settled: its promise was left pending with nothing left to do'
      : `the worker exited with code ${code}: ${this.output.slice(-300)}`
    this.finish(stalled ? 'hang' : 'crash', detail)
  }

  private finish(outcome: Outcome, detail: string, extra: Partial<CaseResult> = {}): void {
    const r = this.running
    if (!r) return
    clearTimeout(r.timer)
    releaseFifos(r)
    this.running = undefined
    this.last = r.c
    this.ran++
    const result: CaseResult = {
      ms: Date.now() - r.started,
      warnings: 0,
      ...extra,
      ...withFsEvents(outcome, detail, r.fsEvents)
    }
    void rm(r.root, { recursive: true, force: true }).finally(() => r.resolve(result))
  }
}

/**
 * A reader blocked opening a FIFO holds a thread of libuv's pool (shared by every thread of the
 * process) until a writer comes: be that writer, or four such inputs stall the whole harness.
 */
function releaseFifos(r: Running): void {
  if (r.c.input.kind !== 'dir') return
  for (const f of r.c.input.files) {
    if (f.kind !== 'fifo') continue
    try {
      closeSync(
        openSync(join(r.root, 'input', 'layout', f.path), constants.O_WRONLY | constants.O_NONBLOCK)
      )
    } catch {
      // no reader waiting on it
    }
  }
}

/** Writes and reads outside the sandbox outrank a clean ending; a hang or crash stays what it is. */
function withFsEvents(
  outcome: Outcome,
  detail: string,
  events: Running['fsEvents']
): { outcome: Outcome; detail: string } {
  if (events.length === 0) return { outcome, detail }
  const write = events.find(e => e.kind === 'wrote-outside')
  const first = write ?? events[0]
  const text = `${first.kind === 'wrote-outside' ? 'wrote' : 'read'} outside: ${first.text}`
  if (write) return { outcome: 'wrote-outside', detail: `${text}; then: ${detail}` }
  if (outcome === 'valid' || outcome === 'clear-error' || outcome === 'bad') {
    return { outcome: 'read-outside', detail: `${text}; then: ${detail}` }
  }
  return { outcome, detail: `${detail} (${text})` }
}

export class Pool {
  private readonly idle: Slot[] = []

  constructor(readonly opts: PoolOptions) {}

  /** Runs one case in a worker; never rejects. */
  run(c: FuzzCase, heavy = false): Promise<CaseResult> {
    const slot = heavy ? new Slot(this, true) : (this.idle.pop() ?? new Slot(this, false))
    return new Promise<CaseResult>(resolve => {
      slot.run(c, result => {
        this.release(slot)
        resolve(result)
      })
    })
  }

  private release(slot: Slot): void {
    if (slot.dead || slot.heavy || slot.ran >= RECYCLE_AFTER) {
      if (!slot.dead) void slot.worker.terminate()
      return
    }
    this.idle.push(slot)
  }

  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map(s => s.worker.terminate()))
  }
}
