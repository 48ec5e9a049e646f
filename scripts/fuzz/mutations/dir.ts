// OCI layout directories (`oci:<dir>`, e.g. committed to a repository by a pull request):
// symlinks out of the layout, to devices, in loops; FIFOs; directories where files should be.

import type { Rng } from '../rng.js'
import type { MutState } from '../state.js'
import type { DirFile } from '../types.js'
import { DIR, NotApplicable, short, type Mutation } from './kit.js'

/** Replaced by the absolute path of the case's `outside/` directory when the input is written. */
export const OUTSIDE = '@OUTSIDE@'

function pickFile(s: MutState, rng: Rng): DirFile {
  const files = s.files.filter(f => (f.kind ?? 'file') === 'file')
  if (files.length === 0) throw new NotApplicable('no files')
  const layers = files.filter(f => s.layers.has(f.path))
  const roll = rng.next()
  if (roll < 0.45 && layers.length > 0) return rng.pick(layers)
  if (roll < 0.65) return files.find(f => f.path === 'index.json') ?? rng.pick(files)
  if (roll < 0.75) return files.find(f => f.path === 'oci-layout') ?? rng.pick(files)
  return rng.pick(files)
}

function toSymlink(s: MutState, f: DirFile, target: string): void {
  s.layers.delete(f.path)
  f.kind = 'symlink'
  f.symlink = target
  delete f.data
}

/** From the directory of `path` up to the layout root. */
function up(path: string): string {
  return '../'.repeat(path.split('/').length - 1)
}

function dirMutation(name: string, about: string, apply: Mutation['apply']): Mutation {
  return { name, group: 'oci-dir', about, stage: 0, kinds: DIR, apply }
}

const symlinkOutside = dirMutation(
  'dir-symlink-outside',
  'a layout file replaced by a symlink out of the layout (a decoy next to it, /etc/passwd, /proc)',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    const decoy = rng.pick(['decoy.json', 'decoy.tar'])
    const target = rng.pick([
      `${OUTSIDE}/${decoy}`,
      `${up(f.path)}../outside/${decoy}`,
      '/etc/passwd',
      '/etc/hostname',
      '/proc/self/status'
    ])
    toSymlink(s, f, target)
    return `${short(f.path)} -> ${target}`
  }
)

const symlinkDevice = dirMutation(
  'dir-symlink-device',
  'a layout file replaced by a symlink to /dev/zero, /dev/urandom, /dev/null or /dev/full',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    const target = rng.pick(['/dev/zero', '/dev/urandom', '/dev/null', '/dev/full'])
    toSymlink(s, f, target)
    return `${short(f.path)} -> ${target}`
  }
)

const symlinkLoop = dirMutation(
  'dir-symlink-loop',
  'a layout file that is a symlink to itself, or one of a pair pointing at each other',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    const name = f.path.slice(f.path.lastIndexOf('/') + 1)
    if (rng.chance(0.5)) {
      toSymlink(s, f, name)
      return `${short(f.path)} -> itself`
    }
    const other = `${f.path}.loop`
    toSymlink(s, f, `${name}.loop`)
    s.files.push({ path: other, kind: 'symlink', symlink: name })
    return `${short(f.path)} <-> ${short(other)}`
  }
)

const symlinkInside = dirMutation(
  'dir-symlink-inside',
  'a layout file moved and replaced by a symlink to it (legal: must still read)',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    const moved = `moved/${f.path.replace(/\//g, '_')}`
    s.files.push({ path: moved, data: f.data })
    const info = s.layers.get(f.path)
    toSymlink(s, f, `${up(f.path)}${moved}`)
    if (info) s.layers.set(moved, info)
    return `${short(f.path)} -> ${short(moved)}`
  }
)

const fifo = dirMutation(
  'dir-fifo',
  'a layout file replaced by a FIFO (opening it for reading blocks until a writer comes)',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    s.layers.delete(f.path)
    f.kind = 'fifo'
    delete f.data
    return short(f.path)
  }
)

const blobIsDirectory = dirMutation(
  'dir-blob-is-directory',
  'a layout file replaced by a directory (empty, or holding files)',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    s.layers.delete(f.path)
    f.kind = 'dir'
    delete f.data
    if (rng.chance(0.5)) s.files.push({ path: `${f.path}/inner`, data: Buffer.from('{}') })
    return short(f.path)
  }
)

const missingFile = dirMutation(
  'dir-missing-file',
  'a layout file left out (index.json, oci-layout, a blob)',
  (s, { rng }) => {
    const f = pickFile(s, rng)
    s.files.splice(s.files.indexOf(f), 1)
    s.layers.delete(f.path)
    return short(f.path)
  }
)

export const DIR_MUTATIONS: Mutation[] = [
  symlinkOutside,
  symlinkDevice,
  symlinkLoop,
  symlinkInside,
  fifo,
  blobIsDirectory,
  missingFile
]
