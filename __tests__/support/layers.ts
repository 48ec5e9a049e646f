// Builds LayerRead values in memory for pure analysis tests (no tar involved).

import { createHash } from 'node:crypto'
import type { EntryKind, ImageData, LayerEntry, LayerRead } from '../../src/image/types.js'

export interface EntrySpec {
  path: string
  kind?: EntryKind
  size?: number
  /** Content identity: same `content` → same hash. Defaults to path + size. */
  content?: string
  mode?: number
  uid?: number
  gid?: number
  linkname?: string
}

export function entry(spec: EntrySpec): LayerEntry {
  const kind = spec.kind ?? 'file'
  const size = kind === 'file' ? (spec.size ?? 0) : 0
  const e: LayerEntry = {
    path: spec.path,
    kind,
    size,
    mode: spec.mode ?? (kind === 'dir' ? 0o755 : 0o644),
    uid: spec.uid ?? 0,
    gid: spec.gid ?? 0
  }
  if (spec.linkname !== undefined) e.linkname = spec.linkname
  if (kind === 'file') e.hash = hashOf(spec.content ?? `${spec.path}:${size}`)
  return e
}

export function hashOf(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32)
}

export function layer(...specs: EntrySpec[]): LayerRead {
  const entries = specs.map(entry)
  const files = entries.reduce((n, e) => n + e.size, 0)
  return {
    entries,
    tarBytes: files + 512 * (entries.length + 2),
    blobBytes: 0,
    compression: 'none'
  }
}

export function image(layers: LayerRead[], createdBy: string[] = []): ImageData {
  return {
    id: 'sha256:' + 'c'.repeat(64),
    reference: 'example:test',
    platform: { os: 'linux', architecture: 'amd64' },
    config: {
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin', 'SECRET=hunter2'], Cmd: ['sh'], User: 'app' },
      rootfs: {
        type: 'layers',
        diff_ids: layers.map((_, i) => `sha256:${String(i).repeat(64).slice(0, 64)}`)
      },
      history: layers.map((_, i) => ({ created_by: createdBy[i] ?? `RUN step ${i} # buildkit` }))
    },
    layers: layers.map((read, i) => ({
      diffId: `sha256:${String(i).repeat(64).slice(0, 64)}`,
      read: { ...read, blobBytes: read.blobBytes || read.tarBytes }
    })),
    source: { kind: 'archive', layout: 'docker-legacy', platforms: ['linux/amd64'] }
  }
}
