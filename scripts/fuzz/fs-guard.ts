// Watches what a worker thread does with node:fs while a case runs: every call that creates,
// changes or removes a file, and every file opened for reading, is reported with its path. The
// harness checks writes against the case's temp dir and reads against its input. Builtin
// modules are per thread, so wrapping them here affects this worker only.

import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { resolve } from 'node:path'

export interface FsEvent {
  op: string
  path: string
  write: boolean
}

type Listener = (event: FsEvent) => void

let listener: Listener | undefined

/** Functions whose path argument(s) they write: name -> argument positions. */
const WRITES: Record<string, number[]> = {
  writeFile: [0],
  appendFile: [0],
  mkdir: [0],
  mkdtemp: [0],
  rename: [0, 1],
  copyFile: [1],
  cp: [1],
  symlink: [1],
  link: [1],
  unlink: [0],
  rm: [0],
  rmdir: [0],
  truncate: [0],
  chmod: [0],
  chown: [0],
  lchown: [0],
  utimes: [0],
  lutimes: [0],
  createWriteStream: [0]
}

const READS: Record<string, number[]> = {
  readFile: [0],
  createReadStream: [0],
  opendir: [0]
}

function report(op: string, arg: unknown, write: boolean): void {
  if (!listener) return
  if (typeof arg !== 'string' && !Buffer.isBuffer(arg) && !(arg instanceof URL)) return
  const path = arg instanceof URL ? arg.pathname : resolve(String(arg))
  listener({ op, path, write })
}

function isWriteFlag(flags: unknown): boolean {
  if (typeof flags === 'number')
    return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0
  return typeof flags === 'string' && /[wa+]/.test(flags)
}

type AnyFn = (...args: unknown[]) => unknown

function wrap(
  target: Record<string, unknown>,
  name: string,
  check: (args: unknown[]) => void
): void {
  const original = target[name]
  if (typeof original !== 'function') return
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    check(args)
    return (original as AnyFn).apply(this, args)
  }
  Object.defineProperty(target, name, { value: wrapped, writable: true, configurable: true })
}

function wrapAll(target: Record<string, unknown>, suffix: string): void {
  for (const [name, positions] of Object.entries(WRITES)) {
    wrap(target, name + suffix, args => positions.forEach(i => report(name, args[i], true)))
  }
  for (const [name, positions] of Object.entries(READS)) {
    wrap(target, name + suffix, args => positions.forEach(i => report(name, args[i], false)))
  }
  wrap(target, `open${suffix}`, args => report('open', args[0], isWriteFlag(args[1])))
}

let installed = false

/** Wraps fs (callback, sync and promise APIs) once; events go to the current listener. */
export function installFsGuard(): void {
  if (installed) return
  installed = true
  const target = fs as unknown as Record<string, unknown>
  wrapAll(target, '')
  wrapAll(target, 'Sync')
  wrapAll(fs.promises as unknown as Record<string, unknown>, '')
  syncBuiltinESMExports()
}

/** Sends fs events to `next` (undefined: stop watching). */
export function watchFs(next: Listener | undefined): void {
  listener = next
}
