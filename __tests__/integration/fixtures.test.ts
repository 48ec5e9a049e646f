// The fixture images themselves, checked with the engine alone (no project code): the facts
// the analyser's engine-backed tests rely on. Measured sizes are printed at the end (and
// written as JSON to $ISG_FIXTURE_REPORT when set). The images are built once and reused by
// label (see buildSeedImages in ../support/debian-base.ts).

import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import {
  describeEngine,
  dockerRun,
  dpkgSizes,
  engine,
  historySizes,
  imageStore,
  inspectImage,
  inspectSize,
  pathBytes,
  type PathSize
} from '../support/engine.js'
import { buildSeedImages, type BuiltFixture, type FixtureName } from '../support/debian-base.js'

const MiB = 1024 * 1024
// The containerd image store's history and .Size count other things (block-rounded snapshot
// usage; packed content): see docs/report-schema.md
const store = engine.available ? await imageStore() : 'classic'
const APT_LISTS = '/var/lib/apt/lists'
const PIP_CACHE = '/root/.cache/pip'
const CC1 = '/usr/lib/gcc/x86_64-linux-gnu/12/cc1'
const GCC_PACKAGES = [
  'build-essential',
  'gcc-12',
  'cpp-12',
  'g++-12',
  'libgcc-12-dev',
  'libstdc++-12-dev',
  'libc6-dev',
  'linux-libc-dev',
  'binutils-x86-64-linux-gnu',
  'libpython3.11-dev',
  'python3.11-dev',
  'python3-dev',
  'dpkg-dev',
  'make'
]

const report: Record<string, unknown> = {}
let images: Record<FixtureName, BuiltFixture>

const tag = (name: FixtureName): string => images[name].tag

/** Regular files actually present (an apt lists dir keeps `partial/` and maybe `lock`). */
function listFiles(s: PathSize): number {
  return s.exists ? s.files : 0
}

describeEngine('fixture images (engine only)', () => {
  beforeAll(async () => {
    const started = Date.now()
    images = await buildSeedImages({
      // ISG_FIXTURES_FORCE=1: run every `docker build` (the layer cache still applies)
      force: process.env.ISG_FIXTURES_FORCE === '1',
      log: line => process.stderr.write(`fixtures: ${line}\n`)
    })
    report.build = {
      totalMs: Date.now() - started,
      images: Object.fromEntries(
        Object.values(images).map(b => [
          b.name,
          { tag: b.tag, reused: b.reused, durationMs: b.durationMs }
        ])
      )
    }
    const sizes: Record<string, number> = {}
    for (const b of Object.values(images)) sizes[b.name] = await inspectSize(b.tag)
    report.imageSize = sizes
  }, 15 * 60_000)

  afterAll(() => {
    process.stderr.write(`\nfixture measurements:\n${JSON.stringify(report, null, 2)}\n`)
    if (process.env.ISG_FIXTURE_REPORT)
      writeFileSync(process.env.ISG_FIXTURE_REPORT, JSON.stringify(report, null, 2))
  })

  it('vanilla keeps apt lists, a pip cache (HTTP + built wheel) and gcc', async () => {
    const s = await pathBytes(tag('vanilla'), [
      APT_LISTS,
      PIP_CACHE,
      `${PIP_CACHE}/http`,
      `${PIP_CACHE}/wheels`,
      CC1,
      '/opt/venv'
    ])
    report.vanilla = s
    expect(listFiles(s[APT_LISTS])).toBeGreaterThanOrEqual(3) // InRelease + Packages.lz4 per suite
    expect(s[APT_LISTS].bytes).toBeGreaterThan(5 * MiB)
    // http/: the 4 MiB miniassets wheel, setuptools + wheel for the isolated build, index pages
    expect(s[`${PIP_CACHE}/http`].bytes).toBeGreaterThan(4 * MiB)
    // wheels/: the minimarkup wheel gcc compiled from the sdist
    expect(s[`${PIP_CACHE}/wheels`].files).toBeGreaterThanOrEqual(1)
    expect(s[PIP_CACHE].bytes).toBe(s[`${PIP_CACHE}/http`].bytes + s[`${PIP_CACHE}/wheels`].bytes)
    expect(s[CC1].exists).toBe(true)
    expect(s[CC1].bytes).toBeGreaterThan(10 * MiB)

    const listing = await dockerRun(tag('vanilla'), ['find', APT_LISTS, PIP_CACHE, '-type', 'f'])
    expect(listing).toMatch(/_Packages\.lz4$/m) // docker-gzip-indexes: lists stay compressed
    expect(listing).toMatch(/\/wheels\/.*\/minimarkup-1\.0\.0-cp311-cp311-linux_x86_64\.whl$/m)
    // docker-clean: no .deb and no pkgcache.bin survive an install
    const apt = await pathBytes(tag('vanilla'), ['/var/cache/apt'])
    expect(apt['/var/cache/apt'].bytes).toBe(0)

    const dpkg = await dpkgSizes(tag('vanilla'))
    report.vanillaDpkg = Object.fromEntries(GCC_PACKAGES.map(p => [p, dpkg[p] ?? null]))
    for (const p of ['build-essential', 'gcc-12', 'cpp-12', 'libc6-dev', 'python3-dev']) {
      expect(dpkg[p]).toBeDefined()
    }
  })

  it('every seed image runs the app (the C extension imports, the assets are there)', async () => {
    for (const name of ['vanilla', 'nocache', 'slim', 'multistage', 'cache-mount'] as const) {
      const out = await dockerRun(tag(name), ['python', 'app.py', '--check'])
      expect(out).toContain('Hello &lt;image-size-guard&gt; &amp; friends')
      expect(out).toContain(`bundle: ${4 * MiB} bytes`)
    }
  })

  it('nocache has no pip cache but still apt lists and gcc', async () => {
    const s = await pathBytes(tag('nocache'), [PIP_CACHE, APT_LISTS, CC1])
    report.nocache = s
    expect(s[PIP_CACHE].files).toBe(0)
    expect(s[APT_LISTS].bytes).toBeGreaterThan(5 * MiB)
    expect(s[CC1].exists).toBe(true)
  })

  it('slim has no apt lists, no docs, no pip cache, but gcc', async () => {
    const s = await pathBytes(tag('slim'), [
      APT_LISTS,
      PIP_CACHE,
      '/usr/share/man',
      '/usr/share/doc',
      CC1
    ])
    report.slim = s
    expect(listFiles(s[APT_LISTS])).toBe(0)
    expect(s[PIP_CACHE].files).toBe(0)
    expect(s['/usr/share/man'].files).toBe(0)
    // only copyright files are left in /usr/share/doc (dpkg path-include)
    const docs = await dockerRun(tag('slim'), [
      'find',
      '/usr/share/doc',
      '-type',
      'f',
      '!',
      '-name',
      'copyright'
    ])
    expect(docs.trim()).toBe('')
    expect(s[CC1].exists).toBe(true)
  })

  it('multistage has no gcc, no pip cache, no apt lists, and the venv', async () => {
    const s = await pathBytes(tag('multistage'), [
      CC1,
      '/usr/bin/gcc',
      PIP_CACHE,
      APT_LISTS,
      '/opt/venv',
      '/srv/pypi'
    ])
    report.multistage = s
    expect(s[CC1].exists).toBe(false)
    expect(s['/usr/bin/gcc'].exists).toBe(false)
    expect(s[PIP_CACHE].files).toBe(0)
    expect(listFiles(s[APT_LISTS])).toBe(0)
    expect(s['/srv/pypi'].exists).toBe(false)
    expect(s['/opt/venv'].bytes).toBeGreaterThan(4 * MiB)
    const dpkg = await dpkgSizes(tag('multistage'))
    expect(dpkg['gcc-12']).toBeUndefined()
    expect(dpkg['python3.11']).toBeDefined()
  })

  it('the seed story shrinks at every step', async () => {
    const size = report.imageSize as Record<FixtureName, number>
    expect(size.vanilla).toBeGreaterThan(size.nocache)
    expect(size.nocache).toBeGreaterThan(size.slim)
    expect(size.slim).toBeGreaterThan(size.multistage)
    expect(size.multistage * 2).toBeLessThan(size.vanilla)
  })

  it('npm keeps /root/.npm/_cacache', async () => {
    const s = await pathBytes(tag('npm'), [
      '/root/.npm/_cacache',
      '/root/.npm/_logs',
      '/app/node_modules'
    ])
    report.npm = s
    expect(s['/root/.npm/_cacache'].bytes).toBeGreaterThan(2 * MiB) // the 2 MiB tiny-assets tarball
    expect(s['/app/node_modules'].bytes).toBeGreaterThan(2 * MiB)
    const out = await dockerRun(tag('npm'), ['node', 'index.js', '--check'])
    expect(out).toContain(`bundle: ${2 * MiB} bytes`)
  })

  it('cache-mount leaves no pip cache content in the image', async () => {
    const s = await pathBytes(tag('cache-mount'), [PIP_CACHE, '/opt/venv'])
    report['cache-mount'] = s
    expect(s[PIP_CACHE].files).toBe(0) // the mount point may stay as an empty directory
    expect(s['/opt/venv'].bytes).toBeGreaterThan(4 * MiB)
  })

  it("deleted-later's history shows the 20 MiB layer and the whiteout layer", async () => {
    const history = await historySizes(tag('deleted-later'))
    report['deleted-later'] = history.map(h => ({ size: h.size, createdBy: h.createdBy }))
    const dd = history.findIndex(h => h.createdBy.includes('dd if=/dev/urandom'))
    const rm = history.findIndex(h => h.createdBy.includes('rm /big.bin'))
    expect(dd).toBeGreaterThanOrEqual(0)
    expect(rm).toBeGreaterThan(dd)
    expect(history[dd].size).toBeGreaterThanOrEqual(20 * MiB)
    expect(history[dd].size).toBeLessThan(21 * MiB)
    // a whiteout: nothing in the tar; one 4 KiB block of snapshot on the containerd store
    expect(history[rm].size).toBeLessThanOrEqual(store === 'classic' ? 1024 : 4096)
    const s = await pathBytes(tag('deleted-later'), ['/big.bin', '/bin/busybox'])
    expect(s['/big.bin'].exists).toBe(false)
    expect(await inspectSize(tag('deleted-later'))).toBeGreaterThan(20 * MiB)
  })

  it('static is one layer holding one static binary', async () => {
    const info = await inspectImage(tag('static'))
    expect(info.RootFS.Layers).toHaveLength(1)
    const s = await pathBytes(tag('static'), ['/', '/bin/busybox'])
    report.static = s
    expect(s['/'].files).toBe(1)
    expect(s['/'].bytes).toBe(s['/bin/busybox'].bytes)
    if (store === 'classic') {
      expect(Math.abs(info.Size - s['/bin/busybox'].bytes)).toBeLessThan(64 * 1024)
    } else {
      // packed: busybox gzips to about half
      expect(info.Size).toBeLessThan(s['/bin/busybox'].bytes * 0.75)
      expect(info.Size).toBeGreaterThan(s['/bin/busybox'].bytes * 0.25)
    }
    expect(await dockerRun(tag('static'), [])).toBe('hello from a static binary\n')
  })
})
