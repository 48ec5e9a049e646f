import { describe, expect, it } from '@jest/globals'
import { analyzeImage } from '../../../src/analysis/analyze.js'
import type { Report } from '../../../src/analysis/report.js'
import { REPORT_SCHEMA } from '../../../src/baseline/report-schema.js'
import {
  BaselineFormatError,
  baselinePath,
  NewerSchemaError,
  parseBaseline,
  platformKey,
  safeName,
  serializeBaseline,
  toBaseline,
  TRIM,
  trimReport,
  validateAgainst
} from '../../../src/baseline/schema.js'
import { image, layer } from '../../support/layers.js'
import { hint, makeReport } from '../../support/reports.js'
import { BOUNDS } from '../../../src/model.js'

const SHA = 'a'.repeat(40)
const META = { name: 'shop-api', platform: 'linux/amd64', sha: SHA, branch: 'main' }

function analyzed(): Report {
  const layers = [
    layer({ path: 'bin', kind: 'dir' }, { path: 'bin/sh', size: 1000 }),
    layer({ path: 'app/big.bin', size: 5_000_000 }, { path: 'tmp/x', size: 10 }),
    layer({ path: 'app/.wh.big.bin', kind: 'whiteout' })
  ]
  const data = image(layers, ['ADD rootfs.tar /', 'RUN make', 'RUN rm /app/big.bin'])
  return analyzeImage(data, { toolVersion: '0.1.0', now: new Date('2025-01-01T00:00:00Z') }).report
}

function withWaste(count: number): Report {
  const r = makeReport([{ createdBy: 'RUN x', bytes: 10 }])
  r.waste.items = Array.from({ length: count }, (_, i) => ({
    kind: 'deleted' as const,
    path: `/tmp/f${i}`,
    bytes: 1000 - i,
    layer: 0,
    files: 1
  }))
  r.waste.itemCount = count
  return r
}

function stored(mutate: (b: Record<string, unknown>) => void = () => {}): string {
  const b = JSON.parse(serializeBaseline(toBaseline(analyzed(), META))) as Record<string, unknown>
  mutate(b)
  return JSON.stringify(b)
}

describe('the report schema', () => {
  it('accepts a report the analysis produced', () => {
    expect(() => validateAgainst(analyzed(), REPORT_SCHEMA, 'report', 'report')).not.toThrow()
  })

  it('accepts reports with hints, packages and a build', () => {
    const r = makeReport([{ createdBy: 'RUN apt-get install gcc', bytes: 5 }], {
      hints: [hint('build-tools', 5, { packages: [{ path: 'gcc', bytes: 5 }], new: true })],
      build: { durationMs: 1200, builder: 'buildx', dockerfile: 'Dockerfile', context: '.' }
    })
    expect(() => validateAgainst(r, REPORT_SCHEMA, 'report', 'report')).not.toThrow()
  })

  it('drops unknown properties instead of failing on them', () => {
    const r = { ...makeReport([]), extra: 'x'.repeat(100) } as unknown as Report
    const out = validateAgainst<Report>(r, REPORT_SCHEMA, 'report', 'report')
    expect(out).not.toHaveProperty('extra')
  })
})

describe('toBaseline', () => {
  it('keeps what comparison needs and bounds the rest', () => {
    const b = toBaseline(withWaste(150), { ...META, recordedAt: new Date('2025-02-02T00:00:00Z') })
    expect(b).toMatchObject({ schemaVersion: 2, kind: 'image-size-guard-baseline', sha: SHA })
    expect(b.recordedAt).toBe('2025-02-02T00:00:00.000Z')
    expect(b.report.waste.items).toHaveLength(TRIM.wasteItems)
    expect(b.report.waste.items[0].bytes).toBe(1000)
    expect(b.report.waste.itemCount).toBe(150)
    expect(b.report.image.layers).toHaveLength(1)
  })

  it('clips hint paths and overlong instructions so our own output validates', () => {
    const long = `RUN ${'x'.repeat(BOUNDS.text + 10)}`
    const paths = Array.from({ length: 50 }, (_, i) => ({ path: `/p${i}`, bytes: 50 - i }))
    const r = makeReport([{ createdBy: long, bytes: 1, diffId: 'x'.repeat(300) }], {
      hints: [hint('pip-cache', 1, { paths })]
    })
    const b = toBaseline(r, META)
    expect(b.report.hints[0].paths).toHaveLength(TRIM.hintPaths)
    expect(b.report.image.layers[0].createdBy).toHaveLength(BOUNDS.text)
    expect(b.report.image.layers[0].diffId).toHaveLength(BOUNDS.id)
    expect(parseBaseline(serializeBaseline(b), 'b.json')).toEqual(b)
  })

  it('does not modify the report it was given', () => {
    const r = withWaste(30)
    toBaseline(r, META)
    expect(r.waste.items).toHaveLength(30)
  })

  it('refuses an abbreviated sha', () => {
    expect(() => toBaseline(makeReport([]), { ...META, sha: 'abc1234' })).toThrow(/full commit sha/)
  })
})

describe('parseBaseline', () => {
  it('round-trips', () => {
    const b = toBaseline(analyzed(), META)
    expect(parseBaseline(serializeBaseline(b), 'x.json')).toEqual(b)
  })

  it('names the file when the JSON is corrupt', () => {
    expect(() => parseBaseline('{"schemaVersion": 1,', 'baselines/a/b/c.json')).toThrow(
      /^baselines\/a\/b\/c\.json is not valid JSON: /
    )
  })

  it('reads a version 1 baseline (recorded before the content index)', () => {
    const b = parseBaseline(
      stored(b => ((b as { schemaVersion: number }).schemaVersion = 1)),
      'x.json'
    )
    expect(b.schemaVersion).toBe(1)
    expect(b.report.content).toBeUndefined()
  })

  it('refuses a newer schema with a message that says to update', () => {
    const e = (() => {
      try {
        parseBaseline(
          stored(b => ((b as { schemaVersion: number }).schemaVersion = 3)),
          'x.json'
        )
      } catch (error) {
        return error as Error
      }
    })()
    expect(e).toBeInstanceOf(NewerSchemaError)
    expect(e?.message).toBe(
      'x.json was recorded by a newer image-size-guard (schema 3, this one reads 2); update the action'
    )
  })

  it('refuses a report inside with a newer schema', () => {
    const text = stored(b => ((b.report as Record<string, unknown>).schemaVersion = 7))
    expect(() => parseBaseline(text, 'x.json')).toThrow(NewerSchemaError)
  })

  const tampered: Array<[string, (b: Record<string, unknown>) => void, RegExp]> = [
    [
      'an unknown older schemaVersion',
      b => (b.schemaVersion = 0),
      /\/schemaVersion must be equal to one of the allowed values \(1, 2\)/
    ],
    [
      'a string size',
      b => (imageOf(b).totalBytes = '12'),
      /\/report\/image\/totalBytes must be integer/
    ],
    ['a negative size', b => (imageOf(b).totalBytes = -1), /totalBytes must be >= 0/],
    [
      'a huge path',
      b => (firstLayer(b).topFiles = [{ path: 'x'.repeat(5000), bytes: 1 }]),
      /must NOT have more than 4096 characters/
    ],
    [
      'a huge array',
      b => (firstLayer(b).topFiles = Array(101).fill({ path: '/a', bytes: 1 })),
      /must NOT have more than 100 items/
    ],
    ['a wrong kind', b => (b.kind = 'something-else'), /\/kind must be equal to constant/],
    ['an abbreviated sha', b => (b.sha = 'abc'), /\/sha must match pattern/],
    ['a missing report', b => delete b.report, /must have required property 'report'/],
    [
      'an unknown compression',
      b => (firstLayer(b).compression = 'lz4'),
      /must be equal to one of the allowed values \(none, gzip, zstd\)/
    ]
  ]
  it.each(tampered)('rejects %s, naming where', (_what, mutate, message) => {
    const run = () => parseBaseline(stored(mutate), 'baselines/x.json')
    expect(run).toThrow(BaselineFormatError)
    expect(run).toThrow(/^baselines\/x\.json is not a valid image-size-guard baseline: /)
    expect(run).toThrow(message)
  })

  it('refuses an oversized file before parsing it', () => {
    const text = `{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`
    expect(() => parseBaseline(text, 'big.json')).toThrow(
      /big\.json is \d+ bytes, over the 16777216 bytes allowed/
    )
  })
})

function imageOf(b: Record<string, unknown>): Record<string, unknown> {
  return (b.report as { image: Record<string, unknown> }).image
}

function firstLayer(b: Record<string, unknown>): Record<string, unknown> {
  return (imageOf(b).layers as Record<string, unknown>[])[0]
}

describe('names in paths', () => {
  const hostile = [
    '..',
    '../../etc/passwd',
    '.git',
    'a/b',
    'a\\b',
    '-rf',
    '',
    'x'.repeat(500),
    'name with spaces',
    'ünïcödé',
    'a\u0000b',
    '.hidden'
  ]
  it.each(hostile)('makes %j a single safe path segment', name => {
    const s = safeName(name)
    expect(s).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,79}$/)
    expect(s).not.toContain('..')
    expect(s).not.toBe('.git')
  })

  it('keeps plain names readable and unchanged', () => {
    expect(safeName('shop-api')).toBe('shop-api')
    expect(safeName('worker_2.1')).toBe('worker_2.1')
    expect(platformKey('linux/arm64/v8')).toBe('linux-arm64-v8')
  })

  it('keeps names that differ apart even when both needed changes', () => {
    expect(safeName('a/b')).not.toBe(safeName('a_b'))
    expect(safeName('a/b')).not.toBe(safeName('a?b'))
    expect(safeName('x'.repeat(200))).not.toBe(safeName(`${'x'.repeat(199)}y`))
  })

  it('builds the baseline path and refuses a non-sha', () => {
    expect(baselinePath('shop-api', 'linux/amd64', SHA)).toBe(
      `baselines/shop-api/linux-amd64/${SHA}.json`
    )
    expect(() => baselinePath('a', 'b', '../../x')).toThrow(/not a full commit sha/)
  })
})

describe('trimReport', () => {
  it('is idempotent', () => {
    const once = trimReport(withWaste(40))
    expect(trimReport(once)).toEqual(once)
  })
})
