// Hints carry the Dockerfile and line of the instruction responsible, when the Dockerfile
// is known; a base-image cause points at the FROM line.

import { describe, expect, it } from '@jest/globals'
import { detectHints } from '../../../src/analysis/hints/index.js'
import { mapDockerfileToHistory } from '../../../src/dockerfile/index.js'
import { BASE, vanilla } from './fixtures.js'
import { build, filesUnder, only } from './helpers.js'

const DOCKERFILE = `FROM python:3.11
RUN apt-get update && apt-get install -y build-essential
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
`

describe('hints with a Dockerfile', () => {
  it('gives each hint the file and line of its instruction', () => {
    const { analysis, contents } = build(vanilla('cache'))
    const map = mapDockerfileToHistory(
      DOCKERFILE,
      'docker/Dockerfile',
      analysis.report.image.history
    )
    const hints = detectHints(analysis, { contents, dockerfile: map })
    expect(only(hints, 'apt-lists')).toMatchObject({
      dockerfile: 'docker/Dockerfile',
      dockerfileLine: 2
    })
    expect(only(hints, 'pip-cache')).toMatchObject({
      dockerfile: 'docker/Dockerfile',
      dockerfileLine: 5
    })
    expect(only(hints, 'build-tools')).toMatchObject({ dockerfileLine: 2 })
  })

  it('takes the base layer count from the Dockerfile when the report does not know it', () => {
    // A pip cache in the base image: not the Dockerfile's to fix.
    const layers = [
      BASE[0],
      {
        ...BASE[1],
        files: [...BASE[1].files, ...filesUnder('root/.cache/pip/http', 2, 3_000_000)]
      },
      { by: 'COPY . /app', files: [{ path: 'app/app.py', size: 100 }] }
    ]
    const { analysis } = build(layers)
    expect(analysis.report.image.baseSource).toBe('unknown')
    expect(detectHints(analysis).map(h => h.id)).toEqual(['pip-cache'])
    const map = mapDockerfileToHistory(
      'FROM python:3.11\nCOPY . /app\n',
      'Dockerfile',
      analysis.report.image.history
    )
    expect(detectHints(analysis, { dockerfile: map })).toEqual([])
    // An explicit count wins over both.
    expect(detectHints(analysis, { dockerfile: map, baseLayers: 0 }).map(h => h.id)).toEqual([
      'pip-cache'
    ])
  })

  it('points a toolchain that comes with the base image at the FROM line, with a slim suggestion', () => {
    const goRoot = [
      { path: 'usr/local/go/bin/go', size: 14_000_000 },
      { path: 'usr/local/go/pkg/tool/linux_amd64/compile', size: 23_000_000 }
    ]
    const layers = [
      {
        by: 'ADD file:0a1b in /',
        files: [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 1_922_000 }]
      },
      { by: 'RUN set -eux; curl -fsSL go.tgz | tar -xz -C /usr/local', files: goRoot },
      { by: 'WORKDIR /src', files: [{ path: 'src', kind: 'dir' as const }] },
      { by: 'COPY . .', files: [{ path: 'src/main.go', size: 2_000 }] },
      { by: 'RUN go build -o /app .', files: [{ path: 'app', size: 9_000_000, mode: 0o755 }] }
    ]
    const { analysis } = build(layers)
    const df = 'ARG GO=1.22\nFROM golang:${GO}\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n'
    const map = mapDockerfileToHistory(df, 'Dockerfile', analysis.report.image.history)
    const h = only(detectHints(analysis, { dockerfile: map }), 'build-tools')
    expect(h).toMatchObject({ layer: 1, dockerfileLine: 2 })
    expect(h.fix).toContain('the base image `golang:1.22` ships')
    expect(h.fix).toContain(
      'run from `gcr.io/distroless/static-debian12`, and `COPY --from=build` only /app'
    )
  })
})
