// Failures on disk and back: each failing input is saved as `<name>.tar` (the archive bytes, or
// a JSON file for layout directories and generated inputs) plus `<name>.case.json` (seed,
// mutations, entry point, options, outcome), so `scripts/fuzz.sh --replay <file>` runs it again.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { CaseResult, DirFile, FuzzCase, FuzzInput } from './types.js'

interface SavedDirFile {
  path: string
  data64?: string
  symlink?: string
  kind?: DirFile['kind']
}

type SavedInput =
  | { kind: 'archive'; file: string }
  | { kind: 'dir'; files: SavedDirFile[] }
  | { kind: 'generated'; spec: Extract<FuzzInput, { kind: 'generated' }>['spec'] }

export interface SavedCase extends Omit<FuzzCase, 'input'> {
  runSeed: number
  input: SavedInput
  result?: CaseResult
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data
  const view = data as Uint8Array
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength)
}

/** Buffers arrive in a worker as plain Uint8Arrays. */
export function reviveCase(c: FuzzCase): FuzzCase {
  if (c.input.kind === 'archive')
    return { ...c, input: { kind: 'archive', bytes: toBuffer(c.input.bytes) } }
  if (c.input.kind === 'dir') {
    const files = c.input.files.map(f =>
      f.data === undefined ? f : { ...f, data: toBuffer(f.data) }
    )
    return { ...c, input: { kind: 'dir', files } }
  }
  return c
}

export function failureName(runSeed: number, c: FuzzCase, outcome: string): string {
  return `${runSeed}-${c.id}-${outcome}`
}

/** Writes the input and its case file; returns the case file's path. */
export function saveCase(
  dir: string,
  name: string,
  runSeed: number,
  c: FuzzCase,
  result: CaseResult
): string {
  mkdirSync(dir, { recursive: true })
  let input: SavedInput
  if (c.input.kind === 'archive') {
    const file = `${name}.tar`
    writeFileSync(join(dir, file), c.input.bytes)
    input = { kind: 'archive', file }
  } else if (c.input.kind === 'dir') {
    input = {
      kind: 'dir',
      files: c.input.files.map(f => ({
        path: f.path,
        ...(f.data ? { data64: f.data.toString('base64') } : {}),
        ...(f.symlink !== undefined ? { symlink: f.symlink } : {}),
        ...(f.kind ? { kind: f.kind } : {})
      }))
    }
  } else input = { kind: 'generated', spec: c.input.spec }
  const saved: SavedCase = { ...c, runSeed, input, result }
  const path = join(dir, `${name}.case.json`)
  writeFileSync(path, `${JSON.stringify(saved, null, 2)}\n`)
  return path
}

/** A case file, or a bare archive (read in every mode by the caller). */
export function loadCase(path: string): { c: FuzzCase; runSeed?: number } {
  if (!path.endsWith('.case.json')) {
    const sidecar = path.replace(/\.tar$/, '') + '.case.json'
    if (existsSync(sidecar)) return loadCase(sidecar)
    const c: FuzzCase = {
      id: 0,
      caseSeed: 1,
      seed: basename(path),
      layout: 'replay',
      mutations: ['none'],
      input: { kind: 'archive', bytes: readFileSync(path) },
      mode: 'file',
      options: {},
      timeoutMs: 10_000
    }
    return { c }
  }
  const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedCase
  const { runSeed, result: _result, input, ...rest } = saved
  return { c: { ...rest, input: loadInput(input, dirname(path)) }, runSeed }
}

function loadInput(input: SavedInput, dir: string): FuzzInput {
  if (input.kind === 'archive')
    return { kind: 'archive', bytes: readFileSync(join(dir, input.file)) }
  if (input.kind === 'generated') return input
  const files: DirFile[] = input.files.map(f => ({
    path: f.path,
    ...(f.data64 !== undefined ? { data: Buffer.from(f.data64, 'base64') } : {}),
    ...(f.symlink !== undefined ? { symlink: f.symlink } : {}),
    ...(f.kind ? { kind: f.kind } : {})
  }))
  return { kind: 'dir', files }
}
