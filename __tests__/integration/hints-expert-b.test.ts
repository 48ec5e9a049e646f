// Issue 17 part 2, on images the real engine built: dev-dependencies, test-output,
// unstripped-binaries and distro-base-for-static fire on images that carry the waste; the fix
// each hint states is applied, the image rebuilt, the hint is gone, and the bytes the engine
// saved (`docker image inspect` Size, before − after) match the hint's figure within 5 %.
// Clean controls (a static binary on scratch, the seed's multistage) get no hint at all.
// Contexts are written by the test (npm trees with a lockfile; C binaries built here by gcc).

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { wantsContent } from '../../src/analysis/hints/index.js'
import type { Hint } from '../../src/analysis/report.js'
import { readImage } from '../../src/image/source.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { analyse } from '../../src/measure.js'
import {
  buildSeedImages,
  DEBIAN_BOOKWORM_SLIM,
  ensureDebianBase,
  FIXTURES,
  npmContext
} from '../support/debian-base.js'
import { describeEngine, dockerBuild, removeImages, unpackedSize } from '../support/engine.js'

const dirs: string[] = []
const tags: string[] = []
const measured: Record<string, unknown> = {}

function need(tool: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`])
  } catch {
    throw new Error(`${tool} is needed for this test (scripts/ensure-tools.sh installs it)`)
  }
}

function context(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `isg-expert-b-${name}-`))
  dirs.push(dir)
  return dir
}

function write(path: string, data: string | Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, data)
}

/** Deterministic incompressible-ish bytes (sizes matter, content does not). */
function bytesOf(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size)
  let x = seed * 2654435761
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    b[i] = x >>> 24
  }
  return b
}

interface Built {
  tag: string
  size: number
  hints: Hint[]
}

async function buildAndHint(name: string, dir: string, dockerfile: string): Promise<Built> {
  const file = join(dir, 'Dockerfile')
  writeFileSync(file, dockerfile)
  const tag = `isg-test/expert-b:${name}`
  tags.push(tag)
  await dockerBuild({ context: dir, file, tag, builder: 'buildkit' })
  const image = await readImage(tag, {
    estimateCompressed: false,
    maxEntries: DEFAULT_LIMITS.maxEntries,
    maxPathLength: DEFAULT_LIMITS.maxPathLength,
    maxJsonBytes: DEFAULT_LIMITS.maxJsonBytes,
    wantContent: wantsContent
  })
  const { report } = await analyse(image, {
    estimateCompressed: false,
    limits: DEFAULT_LIMITS,
    dockerfile: { path: 'Dockerfile', file }
  })
  return { tag, size: await unpackedSize(tag), hints: report.hints }
}

function hint(hints: Hint[], id: string): Hint {
  const found = hints.filter(h => h.id === id)
  if (found.length !== 1) {
    throw new Error(
      `expected one ${id} hint, got ${found.length}: ${hints.map(h => h.id).join(', ')}`
    )
  }
  return found[0] as Hint
}

/** The hint's figure against what the rebuild saved: within 5 %. */
function expectSaved(id: string, h: Hint, before: Built, after: Built): void {
  const saved = before.size - after.size
  measured[id] = { hint: h.bytes, saved, ratio: Number((h.bytes / saved).toFixed(4)) }
  expect(saved).toBeGreaterThan(0)
  expect(Math.abs(h.bytes - saved) / saved).toBeLessThan(0.05)
  expect(after.hints.map(x => x.id)).not.toContain(id)
}

/** 4000 functions: a few MB of DWARF and symbols. */
function cSource(): string {
  const fns = Array.from(
    { length: 4000 },
    (_, i) =>
      `int f_${i}(int a, int b) { int v_${i} = a * ${i} + b; for (int k = 0; k < b; k++) v_${i} ^= k; return v_${i}; }`
  ).join('\n')
  return `#include <stdio.h>\n${fns}\nint main(int c, char **v) { printf("%d\\n", f_3(c, 2)); return 0; }\n`
}

describeEngine('issue 17 part 2: project content and binaries, fixed and rebuilt', () => {
  beforeAll(async () => {
    need('gcc')
    need('strip')
    await ensureDebianBase()
  }, 20 * 60_000)

  afterAll(async () => {
    process.stderr.write(`\nexpert-b measurements:\n${JSON.stringify(measured, null, 2)}\n`)
    await removeImages(tags)
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }, 120_000)

  it(
    'dev-dependencies: npm prune --omit=dev in the stage the COPY copies from',
    async () => {
      const dir = context('dev')
      npmContext(dir)
      const app = join(dir, 'app')
      const lock = {
        name: 'app',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': {
            name: 'app',
            version: '1.0.0',
            dependencies: { express: '1.0.0' },
            devDependencies: { jest: '1.0.0', typescript: '1.0.0' }
          },
          'node_modules/express': { version: '1.0.0' },
          'node_modules/jest': { version: '1.0.0', dev: true, dependencies: { chalk: '1.0.0' } },
          'node_modules/chalk': { version: '1.0.0', dev: true },
          'node_modules/typescript': { version: '1.0.0', dev: true }
        }
      }
      write(join(app, 'package.json'), JSON.stringify(lock.packages['']))
      write(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2))
      write(join(app, 'server.js'), 'require("express")\n')
      const pkgs: [string, number][] = [
        ['express', 800_000],
        ['jest', 2_500_000],
        ['chalk', 400_000],
        ['typescript', 3_000_000]
      ]
      pkgs.forEach(([name, size], i) => {
        const deps = name === 'jest' ? { chalk: '1.0.0' } : {}
        write(
          join(app, 'node_modules', name, 'package.json'),
          JSON.stringify({ name, version: '1.0.0', dependencies: deps })
        )
        write(join(app, 'node_modules', name, 'lib', 'index.js'), bytesOf(size, i + 1))
      })
      const before = await buildAndHint(
        'dev-before',
        dir,
        `FROM ${DEBIAN_BOOKWORM_SLIM}\nCOPY node/ /opt/node/\nCOPY app/ /app/\nCMD ["/opt/node/bin/node", "/app/server.js"]\n`
      )
      const h = hint(before.hints, 'dev-dependencies')
      expect(h.fix).toContain('`COPY app/ /app/`')
      expect(h.fix).toContain('npm prune --omit=dev')
      expect(h.paths.map(p => p.path).sort()).toEqual([
        '/app/node_modules/chalk',
        '/app/node_modules/jest',
        '/app/node_modules/typescript'
      ])
      // the fix as stated: prune in the stage the COPY copies from
      const after = await buildAndHint(
        'dev-after',
        dir,
        [
          `FROM ${DEBIAN_BOOKWORM_SLIM} AS deps`,
          'COPY node/ /opt/node/',
          'COPY app/ /app/',
          'RUN cd /app && /opt/node/bin/node /opt/node/lib/node_modules/npm/bin/npm-cli.js prune --omit=dev --offline --no-audit --no-fund',
          `FROM ${DEBIAN_BOOKWORM_SLIM}`,
          'COPY node/ /opt/node/',
          'COPY --from=deps /app/ /app/',
          'CMD ["/opt/node/bin/node", "/app/server.js"]',
          ''
        ].join('\n')
      )
      expectSaved('dev-dependencies', h, before, after)
    },
    15 * 60_000
  )

  it(
    'test-output: coverage and source maps kept out with the .dockerignore the hint names',
    async () => {
      const dir = context('test-output')
      write(join(dir, 'app', 'package.json'), '{"name":"app","version":"1.0.0"}')
      write(join(dir, 'app', 'coverage', 'lcov.info'), bytesOf(1_500_000, 7))
      write(join(dir, 'app', 'coverage', 'lcov-report', 'index.html'), bytesOf(600_000, 8))
      write(join(dir, 'app', '.nyc_output', 'out.json'), bytesOf(300_000, 9))
      write(join(dir, 'app', 'dist', 'main.js'), bytesOf(400_000, 10))
      write(join(dir, 'app', 'dist', 'main.js.map'), bytesOf(1_200_000, 11))
      const dockerfile = `FROM ${DEBIAN_BOOKWORM_SLIM}\nWORKDIR /app\nCOPY app/ /app/\nCMD ["/app/dist/main.js"]\n`
      const before = await buildAndHint('test-before', dir, dockerfile)
      const h = hint(before.hints, 'test-output')
      expect(h.fix).toContain('.dockerignore')
      const patterns = [...h.fix.matchAll(/`(\*\*\/[^`]+)`/g)].map(m => m[1] as string)
      expect(patterns.sort()).toEqual(['**/*.map', '**/.nyc_output', '**/coverage'])
      writeFileSync(join(dir, '.dockerignore'), `${patterns.join('\n')}\n`)
      const after = await buildAndHint('test-after', dir, dockerfile)
      expectSaved('test-output', h, before, after)
    },
    15 * 60_000
  )

  it(
    'unstripped-binaries: strip --strip-unneeded before the COPY',
    async () => {
      const dir = context('unstripped')
      writeFileSync(join(dir, 'm.c'), cSource())
      execFileSync('gcc', ['-g', '-O0', '-o', join(dir, 'app'), join(dir, 'm.c')])
      const dockerfile = `FROM ${DEBIAN_BOOKWORM_SLIM}\nCOPY app /usr/local/bin/app\nCMD ["/usr/local/bin/app"]\n`
      const before = await buildAndHint('strip-before', dir, dockerfile)
      const h = hint(before.hints, 'unstripped-binaries')
      expect(h.fix).toContain('strip --strip-unneeded /usr/local/bin/app')
      expect(before.hints.map(x => x.id)).not.toContain('distro-base-for-static')
      execFileSync('strip', ['--strip-unneeded', join(dir, 'app')])
      const after = await buildAndHint('strip-after', dir, dockerfile)
      expectSaved('unstripped-binaries', h, before, after)
    },
    15 * 60_000
  )

  it(
    'unstripped-binaries on a Go binary: go build -ldflags="-s -w"',
    async () => {
      need('go')
      const dir = context('go')
      const src = join(dir, 'src')
      write(
        join(src, 'main.go'),
        'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() { fmt.Println(http.StatusOK) }\n'
      )
      write(join(src, 'go.mod'), 'module example.com/isg\n\ngo 1.19\n')
      const env = {
        ...process.env,
        HOME: dir,
        GOCACHE: join(dir, 'cache'),
        GOTOOLCHAIN: 'local',
        GOFLAGS: '',
        CGO_ENABLED: '0'
      }
      execFileSync('go', ['build', '-o', join(dir, 'server'), '.'], { cwd: src, env })
      const dockerfile = `FROM ${DEBIAN_BOOKWORM_SLIM}\nCOPY server /usr/local/bin/server\nCMD ["server"]\n`
      writeFileSync(join(dir, '.dockerignore'), 'src\ncache\n')
      const before = await buildAndHint('go-before', dir, dockerfile)
      const h = hint(before.hints, 'unstripped-binaries')
      expect(h.fix).toContain('-ldflags="-s -w"')
      // a static Go binary on a distro base: that hint fires too
      expect(before.hints.map(x => x.id)).toContain('distro-base-for-static')
      execFileSync('go', ['build', '-ldflags=-s -w', '-o', join(dir, 'server'), '.'], {
        cwd: src,
        env
      })
      const after = await buildAndHint('go-after', dir, dockerfile)
      expectSaved('unstripped-binaries (Go)', h, before, after)
    },
    15 * 60_000
  )

  it(
    'distro-base-for-static: the static binary moved to FROM scratch',
    async () => {
      const dir = context('static')
      writeFileSync(join(dir, 'm.c'), 'int main(void) { return 0; }\n')
      execFileSync('gcc', ['-static', '-O2', '-s', '-o', join(dir, 'app'), join(dir, 'm.c')])
      const before = await buildAndHint(
        'static-before',
        dir,
        `FROM ${DEBIAN_BOOKWORM_SLIM}\nCOPY app /app\nENTRYPOINT ["/app"]\n`
      )
      const h = hint(before.hints, 'distro-base-for-static')
      expect(h.fix).toContain('FROM scratch')
      expect(h.paths).toEqual([expect.objectContaining({ path: '/app' })])
      // what the hint says to copy along (CA bundle, zoneinfo) when the base has them
      const extra = /`COPY --from=<build> ([^`]+)`/.exec(h.fix)?.[1]?.split(' ') ?? []
      const after = await buildAndHint(
        'static-after',
        dir,
        [
          `FROM ${DEBIAN_BOOKWORM_SLIM} AS base`,
          'FROM scratch',
          ...extra.map(p => `COPY --from=base ${p} ${p}`),
          'COPY app /app',
          'USER 65532',
          'ENTRYPOINT ["/app"]',
          ''
        ].join('\n')
      )
      expectSaved('distro-base-for-static', h, before, after)
      expect(after.hints).toEqual([])
    },
    15 * 60_000
  )

  describe('clean controls', () => {
    it(
      'the static binary on scratch and the seed multistage get no hint',
      async () => {
        const images = await buildSeedImages({ only: ['static', 'multistage'] })
        for (const name of ['static', 'multistage'] as const) {
          const image = await readImage(images[name].tag, {
            estimateCompressed: false,
            maxEntries: DEFAULT_LIMITS.maxEntries,
            maxPathLength: DEFAULT_LIMITS.maxPathLength,
            maxJsonBytes: DEFAULT_LIMITS.maxJsonBytes,
            wantContent: wantsContent
          })
          const { report } = await analyse(image, {
            estimateCompressed: false,
            limits: DEFAULT_LIMITS,
            dockerfile: { path: 'Dockerfile', file: FIXTURES[name].dockerfile }
          })
          expect({ name, hints: report.hints.map(h => h.id) }).toEqual({ name, hints: [] })
        }
      },
      20 * 60_000
    )
  })
})
