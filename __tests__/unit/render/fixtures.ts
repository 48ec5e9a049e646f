// The scenarios the renderer tests share: one ImageResult per verdict and per shape.

import type { Report } from '../../../src/analysis/report.js'
import { hint, type LayerSpec, makeReport } from '../../support/reports.js'
import { imageResult, MB, trendPoints } from '../../support/results.js'
import type { ImageResult } from '../../../src/diff/result.js'

const BASE: LayerSpec[] = [
  {
    createdBy: 'ADD alpine-minirootfs-3.20.0-x86_64.tar.gz / # buildkit',
    bytes: 7 * MB,
    base: true,
    diffId: 'base1'
  },
  { createdBy: 'CMD ["/bin/sh"]', bytes: 0, base: true, diffId: 'base2' }
]

function own(pip: number, extra: LayerSpec[] = []): LayerSpec[] {
  return [
    { createdBy: 'WORKDIR /app', bytes: 0, dockerfileLine: 3, diffId: 'workdir' },
    {
      createdBy: 'RUN apk add --no-cache python3 py3-pip',
      bytes: 40 * MB,
      dockerfileLine: 5,
      diffId: 'apk'
    },
    { createdBy: 'COPY requirements.txt .', bytes: 2000, dockerfileLine: 7, diffId: 'req' },
    {
      createdBy:
        'RUN pip install -r requirements.txt && python -m compileall -q /usr/lib/python3.12/site-packages',
      bytes: pip,
      dockerfileLine: 8,
      diffId: `pip-${pip}`,
      topFiles: [
        { path: '/usr/lib/python3.12/site-packages/torch/lib/libtorch_cpu.so', bytes: pip * 0.6 },
        { path: '/root/.cache/pip/http-v2/a/b/c/d', bytes: pip * 0.2 }
      ]
    },
    ...extra,
    { createdBy: 'COPY . .', bytes: 3 * MB, dockerfileLine: 10, diffId: 'src' }
  ]
}

const pipCache = hint('pip-cache', 24 * MB, {
  severity: 'warning',
  title: 'pip cache left in the image',
  dockerfile: 'docker/api/Dockerfile',
  dockerfileLine: 8,
  layer: 5,
  instruction: 'RUN pip install -r requirements.txt',
  paths: [{ path: '/root/.cache/pip', bytes: 24 * MB, files: 812 }],
  fix: 'add `--no-cache-dir` to `pip install`, or use a cache mount: `RUN --mount=type=cache,target=/root/.cache/pip`'
})
const buildTools = hint('build-tools', 180 * MB, {
  severity: 'error',
  title: 'compilers in the final image',
  dockerfile: 'docker/api/Dockerfile',
  dockerfileLine: 5,
  layer: 3,
  instruction: 'RUN apk add --no-cache python3 py3-pip gcc musl-dev',
  paths: [],
  packages: [
    { path: 'gcc', bytes: 120 * MB },
    { path: 'musl-dev', bytes: 40 * MB },
    { path: 'binutils', bytes: 20 * MB }
  ],
  fix: 'build wheels in a builder stage and copy only the result (multi-stage build)'
})
const apkCache = hint('apk-cache', 2 * MB, {
  severity: 'info',
  title: 'apk index cache',
  dockerfileLine: 5,
  instruction: 'RUN apk add --no-cache python3 py3-pip',
  paths: [{ path: '/var/cache/apk', bytes: 2 * MB }],
  fix: 'use `apk add --no-cache`'
})

function report(layers: LayerSpec[], extra: Partial<Report> = {}): Report {
  return makeReport(layers, extra)
}

const before = report([...BASE, ...own(100 * MB)], {
  hints: [apkCache],
  build: {
    durationMs: 195_000,
    builder: 'buildx',
    dockerfile: 'docker/api/Dockerfile',
    context: '.'
  }
})

export function passResult(): ImageResult {
  const after = report([...BASE, ...own(101 * MB)], { hints: [apkCache], build: build(190_000) })
  return imageResult({ before, after, max: '10% & 25MB', warn: '5%' })
}

export function warnResult(): ImageResult {
  const after = report([...BASE, ...own(110 * MB)], { hints: [apkCache], build: build(190_000) })
  return imageResult({ before, after, max: '20%', warn: '5%' })
}

export function failResult(): ImageResult {
  const after = report(
    [
      ...BASE,
      ...own(160 * MB, [{ createdBy: 'RUN make assets', bytes: 5 * MB, dockerfileLine: 9 }])
    ],
    {
      hints: [apkCache, pipCache, buildTools],
      build: build(100_000)
    }
  )
  after.image.compressedBytes = 61 * MB
  after.image.compressedEstimated = true
  const b = structuredClone(before)
  b.image.compressedBytes = 48 * MB
  b.image.compressedEstimated = true
  return imageResult({ before: b, after, max: '10% & 25MB', warn: '5%', failOnHints: ['error'] })
}

export function acceptedResult(): ImageResult {
  const after = report([...BASE, ...own(160 * MB)], { hints: [apkCache], build: build(190_000) })
  return imageResult({ before, after, max: '10%', acceptedBy: 'octo-maintainer' })
}

export function noBaselineResult(): ImageResult {
  const after = report([...BASE, ...own(101 * MB)], {
    hints: [apkCache, pipCache],
    build: build(100_000)
  })
  return imageResult({ after, max: '10%', maxSize: 500 * MB })
}

export function baseChangeResult(): ImageResult {
  const newBase: LayerSpec[] = [
    {
      createdBy: 'ADD alpine-minirootfs-3.21.0-x86_64.tar.gz / # buildkit',
      bytes: 9 * MB,
      base: true,
      diffId: 'base1b'
    },
    { createdBy: 'CMD ["/bin/sh"]', bytes: 0, base: true, diffId: 'base2' }
  ]
  const after = report([...newBase, ...own(103 * MB)], { hints: [apkCache], build: build(190_000) })
  return imageResult({
    before,
    after,
    max: '10%',
    warn: '2%',
    baseline: { method: 'nearest', distance: 3 }
  })
}

/** 40 layers, two of them changed: the unchanged ones collapse. */
export function manyLayersResult(): ImageResult {
  const filler = (): LayerSpec[] =>
    Array.from({ length: 32 }, (_, i) => ({
      createdBy: `RUN install-tool-${i} --with-a-really-long-option-list --prefix=/opt/tool-${i} --enable-everything`,
      bytes: (i + 1) * 100_000,
      dockerfileLine: 20 + i,
      diffId: `filler-${i}`
    }))
  const b = report([...BASE, ...own(100 * MB, filler())])
  const a = report([...BASE, ...own(104 * MB, filler())])
  return imageResult({ before: b, after: a, max: '10%', baseline: { method: 'rebuilt' } })
}

export function trendResult(): ImageResult {
  const r = passResult()
  r.trend = trendPoints(6, 150 * MB)
  return r
}

function build(durationMs: number): Report['build'] {
  return { durationMs, builder: 'buildx', dockerfile: 'docker/api/Dockerfile', context: '.' }
}

export const EVIL = {
  html: '</details><img src=x onerror=alert(1)>',
  team: '@org/team',
  marker: '<!-- image-size-guard -->',
  link: '[x](javascript:alert(1))',
  bidi: 'evil\u202etxt.exe',
  heading: 'x\n# heading\n::set-output name=x::y',
  pipes: '|a|b|',
  fence: '```'
}

/** Every value that comes from the image or the PR is hostile. */
export function hostileResult(): ImageResult {
  const files = Object.values(EVIL).map((name, i) => ({
    path: `/app/${name}`,
    bytes: (10 - i) * MB
  }))
  const layer = (createdBy: string, bytes: number, diffId: string): LayerSpec => ({
    createdBy,
    bytes,
    diffId,
    dockerfileLine: 4,
    topFiles: files.map(f => ({ ...f, bytes: f.bytes * (bytes / (100 * MB)) }))
  })
  const b = report([...BASE, layer(`RUN echo ${EVIL.html} ${EVIL.team}`, 100 * MB, 'evil-a')])
  const evilHint = hint(`id ${EVIL.team}`, 5 * MB, {
    title: `title ${EVIL.html} ${EVIL.team}`,
    dockerfile: `../${EVIL.html}`,
    dockerfileLine: 4,
    instruction: EVIL.heading,
    paths: files.slice(0, 4),
    fix: `remove \`${EVIL.html}\` and ping ${EVIL.team} ${EVIL.link}`
  })
  const a = report([...BASE, layer(`RUN echo ${EVIL.html} ${EVIL.team}`, 150 * MB, 'evil-b')], {
    hints: [evilHint]
  })
  const r = imageResult({
    name: `${EVIL.html}${EVIL.team}${EVIL.marker}`,
    before: b,
    after: a,
    max: '10% | 25MB',
    acceptedBy: EVIL.team,
    baseline: { branch: `${EVIL.html}${EVIL.fence}`, sha: 'not-a-sha"><img src=x>' },
    dockerfile: `${EVIL.pipes}/${EVIL.html}`,
    trend: [
      { sha: EVIL.fence, totalBytes: 90 * MB },
      { sha: EVIL.html, totalBytes: 95 * MB }
    ]
  })
  r.platform = `linux/${EVIL.team}`
  r.thresholds = [`max-increase: 10% | 25MB ${EVIL.html}`]
  return r
}
