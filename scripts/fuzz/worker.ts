// The worker-thread side: takes one case at a time, writes its input, points TMPDIR at the
// case's temp dir, watches fs and memory while the reader runs, and answers with the verdict.
// Crashes are not caught here on purpose: an uncaught exception or unhandled rejection kills
// the worker, and the harness sees it as the crash it is.

import { realpathSync } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parentPort, type MessagePort } from 'node:worker_threads'
import { materialize, readCase, sandboxOf, type CaseVerdict, type Sandbox } from './execute.js'
import { installFsGuard, watchFs, type FsEvent } from './fs-guard.js'
import { reviveCase } from './replay.js'
import type { FuzzCase } from './types.js'

export interface RunMessage {
  type: 'run'
  case: FuzzCase
  root: string
  memoryMb: number
}

export type WorkerMessage =
  | { type: 'result'; id: number; verdict: CaseVerdict; peakMb: number; ms: number }
  | { type: 'fs'; id: number; kind: 'wrote-outside' | 'read-outside'; op: string; path: string }
  /** The harness itself failed (writing the input, classifying): not the reader's fault. */
  | { type: 'harness-error'; id: number; message: string }

/** Peak heap + external memory of this thread, sampled on a timer and on every input chunk. */
class MemorySampler {
  peak = 0
  private timer: ReturnType<typeof setInterval> | undefined

  readonly sample = (): void => {
    const m = process.memoryUsage()
    this.peak = Math.max(this.peak, m.heapUsed + m.external)
  }

  start(): void {
    this.sample()
    this.timer = setInterval(this.sample, 10)
    this.timer.unref()
  }

  stop(): number {
    clearInterval(this.timer)
    this.sample()
    return this.peak / (1024 * 1024)
  }
}

function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path))
    } catch {
      return path
    }
  }
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep)
}

/** What a reader may touch: write only under the case root, read only its input. */
function fsJudge(box: Sandbox): (e: FsEvent) => 'wrote-outside' | 'read-outside' | undefined {
  const root = real(box.root)
  const input = real(box.input)
  return e => {
    const path = real(e.path)
    if (e.write) return inside(path, root) ? undefined : 'wrote-outside'
    return inside(path, input) ? undefined : 'read-outside'
  }
}

function setTempDir(dir: string): void {
  process.env.TMPDIR = dir
  process.env.TMP = dir
  process.env.TEMP = dir
}

/** Lets late errors (an 'error' event after the promise settled) land while this case is current. */
function grace(): Promise<void> {
  return new Promise(resolve => setImmediate(() => setTimeout(resolve, 5)))
}

async function handle(port: MessagePort, msg: RunMessage): Promise<void> {
  const c = reviveCase(msg.case)
  const box = sandboxOf(msg.root)
  const path = await materialize(c, box)
  setTempDir(join(box.root, 'tmp'))
  const judge = fsJudge(box)
  watchFs(e => {
    const kind = judge(e)
    if (kind)
      port.postMessage({
        type: 'fs',
        id: c.id,
        kind,
        op: e.op,
        path: e.path
      } satisfies WorkerMessage)
  })
  const memory = new MemorySampler()
  memory.start()
  // Unreferenced, the port does not keep the thread alive: a read whose promise never settles
  // with nothing left to wait for ends the thread, which the harness reports as a stall.
  port.unref()
  const started = performance.now()
  let verdict = await readCase(c, path, { onChunk: memory.sample })
  const ms = performance.now() - started
  await grace()
  port.ref()
  watchFs(undefined)
  const peakMb = memory.stop()
  if (peakMb > msg.memoryMb) {
    verdict = {
      ...verdict,
      outcome: 'memory',
      detail: `peak ${peakMb.toFixed(0)} MB > ${msg.memoryMb} MB; then: ${verdict.detail}`
    }
  }
  port.postMessage({ type: 'result', id: c.id, verdict, peakMb, ms } satisfies WorkerMessage)
}

export function workerMain(): void {
  const port = parentPort
  if (!port) throw new Error('not a worker thread')
  installFsGuard()
  port.on('message', (msg: RunMessage) => {
    if (msg.type !== 'run') return
    handle(port, msg).catch((err: Error) => {
      port.ref()
      watchFs(undefined)
      port.postMessage({
        type: 'harness-error',
        id: msg.case.id,
        message: String(err?.stack ?? err)
      } satisfies WorkerMessage)
    })
  })
}
