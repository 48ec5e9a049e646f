import { describe, expect, it } from '@jest/globals'
import { mapHistory } from '../../../src/analysis/history.js'
import {
  baseLayerCount,
  mapDockerfileToHistory,
  matchForLayer,
  type DockerfileMap
} from '../../../src/dockerfile/index.js'
import type { HistoryEntry } from '../../../src/model.js'

/** Raw `created_by` rows → normalised history; rows that make a layer are guessed like a builder. */
function history(rows: string[]): HistoryEntry[] {
  const items = rows.map(r => ({ created_by: r, empty_layer: !makesLayer(r) }))
  const layers = items.filter(i => !i.empty_layer).length
  return mapHistory(items, layers).history
}

function makesLayer(row: string): boolean {
  if (/#\(nop\)\s+(ADD|COPY|WORKDIR)/.test(row)) return true
  if (row.includes('#(nop)')) return false
  return /^(RUN|COPY|ADD|WORKDIR|\|\d|\/bin\/sh -c)/.test(row)
}

/** history index → line, for compact assertions. */
function lines(map: DockerfileMap): Record<number, number> {
  return Object.fromEntries([...map.entries].map(([h, m]) => [h, m.line]))
}

// A python:3.12-slim-like base as BuildKit/legacy builders leave it.
const PY_BASE = [
  '/bin/sh -c #(nop) ADD file:6b0d1f8ab1e6e7e2e6e5b8bd4ef1b3a0c8b3c0f1 in / ',
  '/bin/sh -c #(nop)  CMD ["bash"]',
  'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'RUN /bin/sh -c set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates netbase tzdata; rm -rf /var/lib/apt/lists/* # buildkit',
  'ENV PYTHON_VERSION=3.12.7',
  'RUN /bin/sh -c set -eux; wget -O python.tar.xz "https://www.python.org/ftp/python/..." # buildkit',
  'CMD ["python3"]'
]

const SINGLE = `# syntax=docker/dockerfile:1
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN apt-get update \\
    # build deps for wheels
    && apt-get install -y --no-install-recommends build-essential \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
COPY . .
USER app
EXPOSE 8000
CMD ["python", "app.py"]
`

const SINGLE_BUILDKIT = [
  ...PY_BASE,
  'ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1',
  'WORKDIR /app',
  'RUN /bin/sh -c apt-get update     && apt-get install -y --no-install-recommends build-essential     && rm -rf /var/lib/apt/lists/* # buildkit',
  'COPY requirements.txt . # buildkit',
  'RUN /bin/sh -c pip install -r requirements.txt # buildkit',
  'COPY . . # buildkit',
  'USER app',
  'EXPOSE map[8000/tcp:{}]',
  'CMD ["python" "app.py"]'
]

describe('mapDockerfileToHistory: single stage', () => {
  it('maps every instruction of a BuildKit build to its line, from the end', () => {
    const h = history(SINGLE_BUILDKIT)
    const map = mapDockerfileToHistory(SINGLE, 'Dockerfile', h)
    const own = PY_BASE.length
    expect(lines(map)).toEqual({
      [own]: 3,
      [own + 1]: 5,
      [own + 2]: 6,
      [own + 3]: 10,
      [own + 4]: 11,
      [own + 5]: 12,
      [own + 6]: 13,
      [own + 7]: 14,
      [own + 8]: 15
    })
    expect([...map.entries.values()].every(m => m.exact)).toBe(true)
    expect(map.entries.get(own + 2)?.instruction).toBe(
      'RUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*'
    )
    expect(map.base).toEqual({ image: 'python:3.12-slim', line: 2 })
    expect(map.ownStart).toBe(own)
  })

  it('leaves base image entries without a line and counts the base layers', () => {
    const h = history(SINGLE_BUILDKIT)
    const map = mapDockerfileToHistory(SINGLE, 'Dockerfile', h)
    for (let i = 0; i < PY_BASE.length; i++) expect(map.entries.has(i)).toBe(false)
    // ADD, two RUNs in the base.
    expect(baseLayerCount(map, h)).toBe(3)
  })

  it('maps the legacy builder history (#(nop), COPY file:<hash> in <dest>, EXPOSE 8000)', () => {
    const legacy = [
      ...PY_BASE,
      '/bin/sh -c #(nop)  ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1',
      '/bin/sh -c #(nop) WORKDIR /app',
      '/bin/sh -c apt-get update     && apt-get install -y --no-install-recommends build-essential     && rm -rf /var/lib/apt/lists/*',
      '/bin/sh -c #(nop) COPY file:a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90 in . ',
      '/bin/sh -c pip install -r requirements.txt',
      '/bin/sh -c #(nop) COPY dir:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 in . ',
      '/bin/sh -c #(nop)  USER app',
      '/bin/sh -c #(nop)  EXPOSE 8000',
      '/bin/sh -c #(nop)  CMD ["python" "app.py"]'
    ]
    const h = history(legacy)
    const map = mapDockerfileToHistory(SINGLE, 'Dockerfile', h)
    const own = PY_BASE.length
    expect(lines(map)).toEqual({
      [own]: 3,
      [own + 1]: 5,
      [own + 2]: 6,
      [own + 3]: 10,
      [own + 4]: 11,
      [own + 5]: 12,
      [own + 6]: 13,
      [own + 7]: 14,
      [own + 8]: 15
    })
    expect(map.entries.get(own + 3)?.exact).toBe(false)
  })

  it('maps build-arg prefixed RUN rows (|N K=V) and exec-form RUN', () => {
    const df = `FROM alpine:3.20
ARG VERSION=1.0
RUN ["/bin/busybox", "--install"]
RUN wget -q https://example.com/tool-$VERSION.tgz
`
    const h = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      '/bin/sh -c #(nop)  CMD ["/bin/sh"]',
      'ARG VERSION=1.0',
      'RUN /bin/busybox --install # buildkit',
      'RUN |1 VERSION=1.0 /bin/sh -c wget -q https://example.com/tool-$VERSION.tgz # buildkit'
    ])
    const map = mapDockerfileToHistory(df, 'Dockerfile', h)
    expect(lines(map)).toEqual({ 2: 2, 3: 3, 4: 4 })
    expect(baseLayerCount(map, h)).toBe(1)
  })

  it('maps heredoc RUNs and a RUN under a custom SHELL', () => {
    const df = `FROM debian:bookworm-slim
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
RUN python3 <<PY
print("hi")
PY
RUN curl -fsSL https://example.com | tar -xz
`
    const h = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      'SHELL [/bin/bash -eo pipefail -c]',
      'RUN /bin/bash -eo pipefail -c apt-get update\napt-get install -y curl\n # buildkit',
      'RUN /bin/bash -eo pipefail -c python3 <<PY\nprint("hi")\nPY # buildkit',
      'RUN /bin/bash -eo pipefail -c curl -fsSL https://example.com | tar -xz # buildkit'
    ])
    const map = mapDockerfileToHistory(df, 'Dockerfile', h)
    expect(lines(map)).toEqual({ 1: 2, 2: 3, 3: 7, 4: 10 })
  })

  it('maps COPY with --chown/--chmod as BuildKit prints them, and older BuildKit without', () => {
    const df = `FROM node:20-slim
ARG APP=/srv/app
COPY --chown=node:node --chmod=755 --from=build dist/ \${APP}/
CMD node server.js
`
    const modern = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      'ARG APP=/srv/app',
      'COPY --chown=node:node --chmod=755 dist/ /srv/app/ # buildkit',
      'CMD ["/bin/sh" "-c" "node server.js"]'
    ])
    expect(lines(mapDockerfileToHistory(df, 'Dockerfile', modern))).toEqual({ 1: 2, 2: 3, 3: 4 })
    const older = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      'ARG APP=/srv/app',
      'COPY dist/ /srv/app/ # buildkit',
      'CMD ["/bin/sh" "-c" "node server.js"]'
    ])
    expect(lines(mapDockerfileToHistory(df, 'Dockerfile', older))).toEqual({ 1: 2, 2: 3, 3: 4 })
  })

  it('takes an unmatched instruction in lockstep between matches when the keyword agrees', () => {
    const df = `FROM alpine:3.20
RUN apk add --no-cache curl
RUN echo "a   b" | sed 's/ //'
COPY app /app
`
    // The middle row was rewritten by some other builder (quotes changed).
    const h = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      'RUN /bin/sh -c apk add --no-cache curl # buildkit',
      'RUN /bin/sh -c echo "a b" | sed "s/ //" # buildkit',
      'COPY app /app # buildkit'
    ])
    const map = mapDockerfileToHistory(df, 'Dockerfile', h)
    expect(lines(map)).toEqual({ 1: 2, 2: 3, 3: 4 })
    expect(map.entries.get(2)?.exact).toBe(false)
  })
})

const MULTI = `ARG PYTHON=3.12
FROM python:\${PYTHON} AS build
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM python:\${PYTHON}-slim AS runtime
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
CMD ["python", "-m", "app"]
`

describe('mapDockerfileToHistory: stages', () => {
  it('maps the final stage only, expands global ARGs in FROM and names the base', () => {
    const h = history([
      ...PY_BASE,
      'COPY /opt/venv /opt/venv # buildkit',
      'ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'CMD ["python" "-m" "app"]'
    ])
    const map = mapDockerfileToHistory(MULTI, 'Dockerfile', h)
    const own = PY_BASE.length
    expect(lines(map)).toEqual({ [own]: 9, [own + 1]: 10, [own + 2]: 11 })
    // $PATH comes from the base config we cannot see: the ENV matches by its keys.
    expect(map.entries.get(own + 1)?.exact).toBe(false)
    expect(map.entries.get(own)?.stage).toBe('runtime')
    expect(map.stage).toEqual({ index: 1, name: 'runtime', line: 8 })
    expect(map.base).toEqual({ image: 'python:3.12-slim', line: 8 })
    expect(baseLayerCount(map, h)).toBe(3)
  })

  it('follows --target and build-arg overrides of a global ARG', () => {
    const h = history([
      ...PY_BASE,
      'RUN /bin/sh -c python -m venv /opt/venv # buildkit',
      'ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'COPY requirements.txt . # buildkit',
      'RUN /bin/sh -c pip install -r requirements.txt # buildkit'
    ])
    const map = mapDockerfileToHistory(MULTI, 'Dockerfile', h, {
      target: 'BUILD',
      buildArgs: { PYTHON: '3.11' }
    })
    const own = PY_BASE.length
    expect(lines(map)).toEqual({ [own]: 3, [own + 1]: 4, [own + 2]: 5, [own + 3]: 6 })
    expect(map.base).toEqual({ image: 'python:3.11', line: 2 })
  })

  it('rejects an unknown --target with the stage names', () => {
    expect(() =>
      mapDockerfileToHistory(MULTI, 'docker/Dockerfile', [], { target: 'prod' })
    ).toThrow(
      'target stage "prod" is not in docker/Dockerfile: its named stages are build, runtime'
    )
  })

  it('includes the instructions of the stage a final stage is built FROM', () => {
    const df = `FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
FROM deps
COPY . .
CMD ["node", "server.js"]
`
    const h = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      'ENV NODE_VERSION=20.18.0',
      'RUN /bin/sh -c set -ex && curl -fsSLO node.tar.xz # buildkit',
      'CMD ["node"]',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./ # buildkit',
      'RUN /bin/sh -c npm ci --omit=dev # buildkit',
      'COPY . . # buildkit',
      'CMD ["node" "server.js"]'
    ])
    const map = mapDockerfileToHistory(df, 'Dockerfile', h)
    expect(lines(map)).toEqual({ 4: 2, 5: 3, 6: 4, 7: 6, 8: 7 })
    expect(map.entries.get(4)?.stage).toBe('deps')
    expect(map.base).toEqual({ image: 'node:20-slim', line: 1 })
    expect(baseLayerCount(map, h)).toBe(2)
  })

  it('resolves ARG defaults, stage re-declarations of global ARGs, and ${VAR:-default}', () => {
    const df = `ARG VERSION=1.0
FROM alpine:3.20
ARG VERSION
ARG FLAVOR=slim
ARG DEST
RUN echo $VERSION $FLAVOR > /v
COPY app-\${FLAVOR}.tar.gz \${DEST:-/opt}/
`
    const h = history([
      '/bin/sh -c #(nop) ADD file:0a1b in / ',
      '/bin/sh -c #(nop)  CMD ["/bin/sh"]',
      'ARG VERSION=1.0',
      'ARG FLAVOR=full',
      'ARG DEST',
      'RUN |3 VERSION=1.0 FLAVOR=full DEST= /bin/sh -c echo $VERSION $FLAVOR > /v # buildkit',
      'COPY app-full.tar.gz /opt/ # buildkit'
    ])
    const map = mapDockerfileToHistory(df, 'Dockerfile', h, { buildArgs: { FLAVOR: 'full' } })
    expect(lines(map)).toEqual({ 2: 3, 3: 4, 4: 5, 5: 6, 6: 7 })
    expect(map.entries.get(3)?.exact).toBe(true)
    expect(map.entries.get(6)?.exact).toBe(true)
  })
})

describe('mapDockerfileToHistory: no false matches', () => {
  it('maps nothing when the Dockerfile did not build the image', () => {
    const other = `FROM node:20-slim
WORKDIR /app
COPY package.json ./
RUN npm install
USER app
EXPOSE 8000
CMD ["node", "index.js"]
`
    const h = history(SINGLE_BUILDKIT)
    const map = mapDockerfileToHistory(other, 'Dockerfile', h)
    // WORKDIR /app, USER app and EXPOSE 8000 exist in both, but no RUN/COPY/CMD anchors them.
    expect(map.entries.size).toBe(0)
    expect(map.ownStart).toBeUndefined()
    expect(baseLayerCount(map, h)).toBeUndefined()
  })

  it('maps nothing for an empty Dockerfile or empty history', () => {
    expect(mapDockerfileToHistory('', 'Dockerfile', history(SINGLE_BUILDKIT)).entries.size).toBe(0)
    expect(mapDockerfileToHistory(SINGLE, 'Dockerfile', []).entries.size).toBe(0)
  })

  it('does not pair an edited RUN with the old one', () => {
    const edited = SINGLE.replace(
      'pip install -r requirements.txt',
      'pip install --no-cache-dir -r req.txt'
    )
    const h = history(SINGLE_BUILDKIT)
    const map = mapDockerfileToHistory(edited, 'Dockerfile', h)
    const own = PY_BASE.length
    // Still in lockstep with its matched neighbours: mapped by position, flagged not exact.
    expect(map.entries.get(own + 4)).toMatchObject({ line: 11, exact: false })
    expect(map.entries.get(own + 2)).toMatchObject({ line: 6, exact: true })
  })
})

describe('matchForLayer', () => {
  it('finds the instruction of a layer through its history index', () => {
    const h = history(SINGLE_BUILDKIT)
    const map = mapDockerfileToHistory(SINGLE, 'Dockerfile', h)
    const layers = h
      .filter(e => e.layerIndex !== undefined)
      .map((e, i) => ({ index: i, historyIndex: h.indexOf(e) }))
    const summaries = layers as unknown as Parameters<typeof matchForLayer>[1]
    expect(matchForLayer(map, summaries, 3)?.line).toBe(5)
    expect(matchForLayer(map, summaries, 0)).toBeUndefined()
    expect(matchForLayer(undefined, summaries, 3)).toBeUndefined()
  })
})
