// The one wrapper every external command goes through: argument arrays only (never a shell),
// the exit code checked, the last stderr lines kept for the error message. The single
// exception is a streamed stdout (`docker save`), which @actions/exec cannot hand over with
// backpressure: spawnStream covers it with the same rules.

import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import * as exec from '@actions/exec'

export interface ExecOptions {
  cwd?: string
  env?: Record<string, string>
  input?: string
  /** Receives output lines as they come (e.g. build logs into a core.group). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
}

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

export async function execCommand(
  cmd: string,
  args: string[],
  opts: ExecOptions = {}
): Promise<ExecResult> {
  const lines = lineSplitter(opts.onLine)
  try {
    const out = await exec.getExecOutput(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      input: opts.input === undefined ? undefined : Buffer.from(opts.input),
      silent: true,
      ignoreReturnCode: true,
      listeners: lines.listeners
    })
    lines.flush()
    return { code: out.exitCode, stdout: out.stdout, stderr: out.stderr }
  } catch (e) {
    // @actions/exec throws when the executable cannot be started at all.
    throw new Error(
      `could not run \`${cmd}\`: ${(e as Error).message}. Is it installed and on PATH?`
    )
  }
}

/** The last non-empty lines of a command's output, for error messages. */
export function lastLines(text: string, count: number): string {
  const lines = text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '')
  return lines.slice(-count).join('\n') || '(no output)'
}

function lineSplitter(onLine: ExecOptions['onLine']) {
  const pending = { stdout: '', stderr: '' }
  const feed = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
    if (!onLine) return
    const parts = (pending[stream] + data.toString('utf8')).split(/\r?\n/)
    pending[stream] = parts.pop() ?? ''
    for (const p of parts) onLine(p, stream)
  }
  return {
    listeners: { stdout: feed('stdout'), stderr: feed('stderr') },
    flush: () => {
      for (const s of ['stdout', 'stderr'] as const) if (pending[s] && onLine) onLine(pending[s], s)
    }
  }
}

export interface StreamedCommand {
  stdout: Readable
  /** Resolves when the command exits 0; rejects with the last stderr line otherwise. */
  done: Promise<void>
  kill: () => void
}

/** Starts a command whose stdout is consumed as a stream (with backpressure). */
export function spawnStream(
  what: string,
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv
): StreamedCommand {
  const child: ChildProcessByStdio<Writable | null, Readable, Readable> = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env ?? process.env
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8192)
  })
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', e =>
      reject(new Error(`could not run \`${cmd}\`: ${e.message}. Is it installed and on PATH?`))
    )
    child.on('close', (code, signal) => {
      if (code === 0) resolve()
      else
        reject(
          new Error(
            `${what} failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${lastLines(stderr, 1)}`
          )
        )
    })
  })
  return { stdout: child.stdout, done, kill: () => child.kill('SIGTERM') }
}
