// Builds Report values directly, for pure diff/verdict/render tests.

import type { Hint, Report } from '../../src/analysis/report.js'
import type { LayerSummary, PathSize } from '../../src/model.js'

export interface LayerSpec {
  createdBy: string
  bytes: number
  diffId?: string
  base?: boolean
  topFiles?: PathSize[]
  dockerfileLine?: number
}

export function makeReport(layers: LayerSpec[], extra: Partial<Report> = {}): Report {
  const summaries: LayerSummary[] = layers.map((l, index) => ({
    index,
    diffId: `sha256:${l.diffId ?? `${l.createdBy}:${l.bytes}`}`,
    createdBy: l.createdBy,
    bytes: l.bytes,
    tarBytes: l.bytes + 1024,
    compression: 'none',
    files: l.topFiles?.length ?? 1,
    entries: (l.topFiles?.length ?? 1) + 1,
    base: l.base ?? false,
    topFiles: l.topFiles ?? [],
    topDirs: [],
    ...(l.dockerfileLine !== undefined ? { dockerfileLine: l.dockerfileLine } : {})
  }))
  const total = layers.reduce((n, l) => n + l.bytes, 0)
  return {
    schemaVersion: 1,
    tool: { name: 'image-size-guard', version: '0.0.0-test' },
    generatedAt: '2026-01-01T00:00:00.000Z',
    image: {
      reference: 'app:test',
      id: 'sha256:' + 'f'.repeat(64),
      platform: 'linux/amd64',
      source: { kind: 'engine', layout: 'docker-legacy' },
      config: {
        user: '',
        entrypoint: [],
        cmd: ['sh'],
        workdir: '',
        envNames: ['PATH'],
        exposedPorts: []
      },
      totalBytes: total,
      tarBytes: total + 1024 * layers.length,
      fileCount: layers.length,
      baseLayers: layers.filter(l => l.base).length,
      baseSource: 'dockerfile',
      layers: summaries,
      history: summaries.map((l, i) => ({
        createdBy: l.createdBy,
        emptyLayer: false,
        layerIndex: i
      }))
    },
    waste: {
      reclaimableBytes: 0,
      baseBytes: 0,
      ownBytes: 0,
      byKind: { deleted: 0, overwritten: 0, 'metadata-rewrite': 0, duplicate: 0 },
      items: [],
      itemCount: 0
    },
    hints: [],
    ...extra
  }
}

export function hint(id: string, bytes: number, extra: Partial<Hint> = {}): Hint {
  return {
    id,
    severity: 'warning',
    title: `${id} title`,
    bytes,
    layers: [1],
    layer: 1,
    instruction: 'RUN pip install -r requirements.txt',
    paths: [{ path: '/root/.cache/pip', bytes }],
    fix: 'add `--no-cache-dir`',
    ...extra
  }
}
