// Inputs too big to hold: a legacy `docker save` archive with a million (or more) empty files,
// in the one layer or in the outer archive itself, produced lazily as a stream (~1 MiB at a
// time; a million entries is 512 MB of headers).

import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { BLOCK, END_MARKER, entryBlocks, header } from './tar.js'
import type { GeneratorSpec } from './types.js'

const BATCH = 2048

/** Header blocks of empty files `prefix<i>`, checksums patched into a template. */
class HeaderFactory {
  private readonly template = header({ name: '', size: 0 })
  private readonly baseSum: number

  constructor() {
    let sum = 0
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : this.template[i]
    this.baseSum = sum
  }

  batch(from: number, count: number, name: (i: number) => string): Buffer {
    const out = Buffer.allocUnsafe(count * BLOCK)
    for (let k = 0; k < count; k++) {
      const at = k * BLOCK
      this.template.copy(out, at)
      const written = out.write(name(from + k), at, 100, 'latin1')
      let sum = this.baseSum
      for (let i = at; i < at + written; i++) sum += out[i]
      out.write(sum.toString(8).padStart(6, '0') + '\0 ', at + 148, 'latin1')
    }
    return out
  }
}

function* emptyFiles(count: number, name: (i: number) => string): Generator<Buffer> {
  const factory = new HeaderFactory()
  for (let from = 0; from < count; from += BATCH) {
    yield factory.batch(from, Math.min(BATCH, count - from), name)
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

function* archive(spec: GeneratorSpec): Generator<Buffer> {
  const diffId = `sha256:${createHash('sha256').update(`empty-files/${spec.count}`).digest('hex')}`
  const config = json({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created_by: `RUN touch ${spec.count} files` }]
  })
  const manifest = json([
    { Config: 'config.json', RepoTags: ['fuzz/many:1'], Layers: ['layer/layer.tar'] }
  ])
  yield entryBlocks({ name: 'config.json' }, config)
  yield entryBlocks({ name: 'manifest.json' }, manifest)
  if (spec.where === 'outer') {
    yield* emptyFiles(spec.count, i => `many/${i % 1000}/${i}`)
    yield entryBlocks(
      { name: 'layer/layer.tar' },
      Buffer.concat([entryBlocks({ name: 'f' }), END_MARKER])
    )
  } else {
    yield header({ name: 'layer/layer.tar', size: spec.count * BLOCK + END_MARKER.length })
    yield* emptyFiles(spec.count, i => `d${i % 1000}/f${i}`)
    yield END_MARKER
  }
  yield END_MARKER
}

/** The generated archive as a byte stream; `onChunk` runs as each ~1 MiB leaves. */
export function generate(spec: GeneratorSpec, onChunk?: () => void): Readable {
  const source = archive(spec)
  return Readable.from(
    (function* () {
      for (const chunk of source) {
        onChunk?.()
        yield chunk
      }
    })(),
    { objectMode: false }
  )
}

export function describeSpec(spec: GeneratorSpec): string {
  return `${spec.count} empty files in the ${spec.where === 'outer' ? 'outer archive' : 'layer'}`
}
