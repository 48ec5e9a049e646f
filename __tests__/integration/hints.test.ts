// The "Done means" for hints, on images the real engine built: the seed story gets
// exactly the hints it should, with bytes EQUAL to what the files weigh inside the image
// (measured by running the image), the packages dpkg says, the Dockerfile lines they came
// from; clean images get none. Images: ../support/debian-base.ts fixtures (BuildKit).

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Analysis } from '../../src/analysis/analyze.js'
import { isBuildPackage, wantsContent } from '../../src/analysis/hints/index.js'
import type { Hint } from '../../src/analysis/report.js'
import { readImage } from '../../src/image/source.js'
import type { ImageData } from '../../src/image/types.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { analyse, type MeasureOptions } from '../../src/measure.js'
import {
  buildSeedImages,
  FIXTURES,
  nodeRuntime,
  REPO_ROOT,
  type BuiltFixture,
  type FixtureName
} from '../support/debian-base.js'
import { describeEngine, dockerRun, dpkgFileBytes, pathBytes } from '../support/engine.js'

const MiB = 1024 * 1024
const APT_LISTS = '/var/lib/apt/lists'
const PIP_CACHE = '/root/.cache/pip'
const NAMES: FixtureName[] = [
  'vanilla',
  'nocache',
  'slim',
  'multistage',
  'cache-mount',
  'npm',
  'deleted-later',
  'static',
  'slim-runtime'
]

const measured: Record<string, unknown> = {}
let images: Record<FixtureName, BuiltFixture>
const reads = new Map<FixtureName, Promise<ImageData>>()

/** The image as measure() reads it, once per fixture (the engine's docker save). */
function imageOf(name: FixtureName): Promise<ImageData> {
  let p = reads.get(name)
  if (!p) {
    p = readImage(images[name].tag, {
      estimateCompressed: false,
      maxEntries: DEFAULT_LIMITS.maxEntries,
      maxPathLength: DEFAULT_LIMITS.maxPathLength,
      maxJsonBytes: DEFAULT_LIMITS.maxJsonBytes,
      wantContent: wantsContent
    })
    reads.set(name, p)
  }
  return p
}

function dockerfilePath(name: FixtureName): string {
  return relative(REPO_ROOT, FIXTURES[name].dockerfile)
}

/** measure() of the fixture, with its Dockerfile known (as the action has it) or not. */
async function hinted(name: FixtureName, withDockerfile = true): Promise<Analysis> {
  const opts: MeasureOptions = { estimateCompressed: false, limits: DEFAULT_LIMITS }
  if (withDockerfile) {
    opts.dockerfile = { path: dockerfilePath(name), file: FIXTURES[name].dockerfile }
  }
  return analyse(await imageOf(name), opts)
}

function ids(hints: Hint[]): string[] {
  return hints.map(h => h.id).sort()
}

function hint(hints: Hint[], id: string): Hint {
  const found = hints.filter(h => h.id === id)
  if (found.length !== 1) {
    throw new Error(`expected one ${id} hint, got ${found.length}: ${ids(hints).join(', ')}`)
  }
  return found[0]
}

/** 1-based line of the Dockerfile instruction that starts with `prefix` and contains `text`. */
function lineOf(name: FixtureName, prefix: string, text: string): number {
  const lines = readFileSync(FIXTURES[name].dockerfile, 'utf8').split('\n')
  const found = lines.flatMap((l, i) => (l.startsWith(prefix) && l.includes(text) ? [i + 1] : []))
  if (found.length !== 1) throw new Error(`${name}: ${found.length} lines with ${prefix}…${text}`)
  return found[0]
}

/** Sizes of .symtab, .strtab and .debug_* per `readelf -S -W` (binutils). */
function strippableBytes(file: string): number {
  const text = execFileSync('readelf', ['-S', '-W', file], { encoding: 'utf8' })
  let total = 0
  for (const line of text.split('\n')) {
    const m = /\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(line)
    if (m && /^\.(?:symtab|strtab|z?debug_)/.test(m[1] as string))
      total += parseInt(m[2] as string, 16)
  }
  return total
}

function summary(hints: Hint[]) {
  return hints.map(h => ({ id: h.id, bytes: h.bytes, layer: h.layer, line: h.dockerfileLine }))
}

describeEngine('hints on images the real engine built', () => {
  beforeAll(async () => {
    images = await buildSeedImages({
      only: NAMES,
      log: line => process.stderr.write(`fixtures: ${line}\n`)
    })
  }, 20 * 60_000)

  afterAll(() => {
    process.stderr.write(`\nhint measurements:\n${JSON.stringify(measured, null, 2)}\n`)
  })

  describe('vanilla: the seed story before', () => {
    it('gets apt-lists, build-tools and pip-cache with the real sizes, packages and lines', async () => {
      const tag = images.vanilla.tag
      const [{ report }, real] = await Promise.all([
        hinted('vanilla'),
        pathBytes(tag, [APT_LISTS, PIP_CACHE])
      ])
      const hints = report.hints
      const listed = (hints.find(h => h.id === 'build-tools')?.packages ?? []).map(p => p.path)
      const dpkg = await dpkgFileBytes(tag, [
        ...new Set([...listed, 'gcc-12', 'cpp-12', 'g++-12', 'libstdc++-12-dev', 'libc6-dev'])
      ])
      measured.vanilla = { hints: summary(hints), real }
      // and docs: the apt-get install layer unpacked 3.8 MB of /usr/share/doc and man pages
      // (the base image's own docs do not count: it is not the Dockerfile's to clean).
      // Nothing else: no duplicate-files for the copies Debian packages ship twice.
      expect(ids(hints)).toEqual(['apt-lists', 'build-tools', 'docs', 'pip-cache'])

      const lists = hint(hints, 'apt-lists')
      expect(lists.bytes).toBe(real[APT_LISTS].bytes)
      expect(lists.paths).toEqual([
        expect.objectContaining({ path: APT_LISTS, bytes: real[APT_LISTS].bytes })
      ])
      const pip = hint(hints, 'pip-cache')
      expect(pip.bytes).toBe(real[PIP_CACHE].bytes)
      expect(pip.paths).toEqual([
        { path: PIP_CACHE, bytes: real[PIP_CACHE].bytes, files: real[PIP_CACHE].files }
      ])

      const tools = hint(hints, 'build-tools')
      const packages = new Map((tools.packages ?? []).map(p => [p.path, p.bytes]))
      for (const p of ['gcc-12', 'cpp-12', 'g++-12', 'libstdc++-12-dev', 'libc6-dev']) {
        expect({ package: p, bytes: packages.get(p) }).toEqual({ package: p, bytes: dpkg[p] })
      }
      for (const [p, bytes] of packages) {
        expect({ package: p, bytes }).toEqual({ package: p, bytes: dpkg[p] }) // dpkg -L file sizes
        expect(isBuildPackage({ name: p, manager: 'dpkg' })).toBe(true)
      }
      // runtime libraries are never build tools
      for (const p of ['libgcc-s1', 'libstdc++6', 'libc6', 'python3.11'])
        expect(packages.has(p)).toBe(false)
      // cc1 alone is 30+ MB: the compiler's own files are counted
      expect(tools.bytes).toBeGreaterThan(100 * MiB)

      const apt = lineOf('vanilla', 'RUN ', 'apt-get update')
      expect(lists).toMatchObject({ dockerfile: dockerfilePath('vanilla'), dockerfileLine: apt })
      expect(tools).toMatchObject({ dockerfile: dockerfilePath('vanilla'), dockerfileLine: apt })
      expect(pip.dockerfileLine).toBe(lineOf('vanilla', 'RUN ', 'pip install -r'))
      expect(pip.fix).toContain('--no-cache-dir')
      // the layers carry the lines too
      expect(report.image.layers[lists.layer ?? -1].dockerfileLine).toBe(apt)
      // the base image's files (FROM) are not the Dockerfile's to clean
      expect(report.image.baseSource).toBe('from-image')
      expect(report.image.baseLayers).toBe(1)
      expect(hints.every(h => h.id === 'build-tools' || (h.layer ?? 0) >= 1)).toBe(true)
    })

    it('without its Dockerfile: every translation counts in the C locale, none twice', async () => {
      const tag = images.vanilla.tag
      const [{ report }, listing] = await Promise.all([hinted('vanilla', false), docFiles(tag)])
      const hints = report.hints
      measured['vanilla (no Dockerfile)'] = { hints: summary(hints) }
      expect(report.image.baseLayers).toBe(0) // nothing tells base from own: all counts

      // the image sets no LANG and has no compiled locale but C.utf8: no translation is used
      expect(listing.compiled).toEqual(['C.utf8'])
      const locales = hint(hints, 'locales')
      expect(locales.fix).toContain('no translation is in use')
      expect(locales.fix).not.toMatch(/locale you use \(/)

      // build-tools counts the toolchain's own translations (make.mo, binutils' ld.mo and
      // gprof.mo, libdpkg-perl's dpkg-dev.mo; gcc-12's would be in gcc-12-locales, not
      // installed here); locales does not count them again
      const buildOwned = listing.files.filter(f => f.owned && TRANSLATION.test(f.path))
      const names = new Set(buildOwned.map(f => f.path.slice(f.path.lastIndexOf('/') + 1)))
      expect([...names].sort()).toEqual(
        expect.arrayContaining(['dpkg-dev.mo', 'gprof.mo', 'ld.mo', 'make.mo'])
      )
      const translations = listing.files.filter(f => TRANSLATION.test(f.path) && counts(f))
      const expectedLocales = sum(translations.filter(f => !f.owned))
      expect(locales.bytes).toBe(expectedLocales)
      expect(
        hint(hints, 'build-tools').paths.some(p => p.path.startsWith('/usr/share/locale/'))
      ).toBe(true)

      // docs: every documentation file but licences and what the build packages own
      const docs = listing.files.filter(
        f =>
          DOC.test(f.path) && counts(f) && !LICENCE.test(f.path.slice(f.path.lastIndexOf('/') + 1))
      )
      expect(hint(hints, 'docs').bytes).toBe(sum(docs.filter(f => !f.owned)))
      expect(docs.some(f => f.owned)).toBe(true) // e.g. /usr/share/doc/gcc-12/…

      measured['vanilla translations'] = {
        all: sum(translations),
        ownedByBuildPackages: sum(translations.filter(f => f.owned)),
        locales: locales.bytes
      }
    })
  })

  it('nocache loses pip-cache, keeps apt-lists and build-tools', async () => {
    const { report } = await hinted('nocache')
    measured.nocache = summary(report.hints)
    expect(ids(report.hints)).toEqual(['apt-lists', 'build-tools', 'docs'])
  })

  it('cache-mount (pip cache in a BuildKit cache mount) has no pip-cache', async () => {
    const { report } = await hinted('cache-mount')
    measured['cache-mount'] = summary(report.hints)
    expect(ids(report.hints)).toEqual(['apt-lists', 'build-tools', 'docs'])
  })

  it('slim has build-tools only: no apt lists, no pip cache, no docs', async () => {
    const tag = images.slim.tag
    const { report } = await hinted('slim')
    measured.slim = summary(report.hints)
    expect(ids(report.hints)).toEqual(['build-tools'])
    const tools = hint(report.hints, 'build-tools')
    expect(tools.dockerfileLine).toBe(lineOf('slim', 'RUN ', 'apt-get update'))
    const dpkg = await dpkgFileBytes(
      tag,
      (tools.packages ?? []).map(p => p.path)
    )
    for (const p of tools.packages ?? [])
      expect({ [p.path]: p.bytes }).toEqual({ [p.path]: dpkg[p.path] })
  })

  it('multistage has none of the three, and no hint at all', async () => {
    const { report } = await hinted('multistage')
    measured.multistage = summary(report.hints)
    expect(summary(report.hints)).toEqual([])
  })

  it('npm gets npm-cache with the bytes of /root/.npm/_cacache (and _logs)', async () => {
    const tag = images.npm.tag
    const [{ report }, real] = await Promise.all([
      hinted('npm'),
      pathBytes(tag, ['/root/.npm/_cacache', '/root/.npm/_logs'])
    ])
    measured.npm = { hints: summary(report.hints), real }
    const npm = hint(report.hints, 'npm-cache')
    const cacache = npm.paths.find(p => p.path === '/root/.npm/_cacache')
    expect(cacache?.bytes).toBe(real['/root/.npm/_cacache'].bytes)
    expect(npm.bytes).toBe(real['/root/.npm/_cacache'].bytes + real['/root/.npm/_logs'].bytes)
    expect(npm.dockerfileLine).toBe(lineOf('npm', 'RUN ', 'npm install'))
    // The Node runtime copied in is the host's: an official build keeps its symbol table and
    // some DWARF, which unstripped-binaries counts as readelf lists them (a distribution's
    // stripped node has none: then npm-cache is the only hint).
    const symbolBytes = strippableBytes(nodeRuntime().node)
    if (symbolBytes < 100_000) {
      expect(ids(report.hints)).toEqual(['npm-cache'])
      return
    }
    expect(ids(report.hints)).toEqual(['npm-cache', 'unstripped-binaries'])
    const symbols = hint(report.hints, 'unstripped-binaries')
    expect(symbols.paths.map(p => p.path)).toEqual(['/usr/local/bin/node'])
    expect(symbols.bytes).toBe(symbolBytes)
  })

  it('deleted-later gets deleted-later for the 20 MiB file, on the rm line', async () => {
    const { report } = await hinted('deleted-later')
    measured['deleted-later'] = summary(report.hints)
    expect(ids(report.hints)).toEqual(['deleted-later'])
    const h = hint(report.hints, 'deleted-later')
    expect(h.bytes).toBeGreaterThanOrEqual(20 * MiB)
    expect(h.dockerfileLine).toBe(lineOf('deleted-later', 'RUN ', 'rm /big.bin'))
    expect(h.fix).toContain('dd if=/dev/urandom')
  })

  it.each(['static', 'slim-runtime'] as const)('%s, a clean image, gets no hint', async name => {
    const { report } = await hinted(name)
    measured[name] = summary(report.hints)
    expect(summary(report.hints)).toEqual([])
    // nor without the Dockerfile, where every layer counts as the image's own
    const bare = await hinted(name, false)
    expect(summary(bare.report.hints)).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// The documentation and translation files of an image, and which the build packages own

interface ListedFile {
  path: string
  size: number
  links: number
  /** Listed by `dpkg -L` of a build package (isBuildPackage). */
  owned: boolean
}

const TRANSLATION = /^\/usr\/share\/locale(?:-langpack)?\/(?!C\/|POSIX\/)[^/]+\/./
const DOC = /^\/(?:usr\/|usr\/local\/)share\/(?:doc|man|info|gtk-doc|help|javadoc)\//
// docs/hints.md: licence files stay (copyright, LICENSE*, COPYING*, NOTICE*, AUTHORS*)
const LICENCE = /^(?:copyright|licen[cs]e|copying|notice|authors?)(?:[.-].*)?$/i

/** A file a path hint can count: it has bytes, and deleting it frees them (one name). */
function counts(f: ListedFile): boolean {
  return f.size > 0 && f.links === 1
}

function sum(files: ListedFile[]): number {
  return files.reduce((s, f) => s + f.size, 0)
}

const LISTING_SCRIPT = `
dpkg-query -W -f '\${Package}\\t\${Status}\\n' | awk -F '\\t' '$2 ~ / installed$/ { print $1 }' > /tmp/pkgs
echo '--packages--'; cat /tmp/pkgs
echo '--compiled--'; ls /usr/lib/locale
echo '--files--'
find /usr/share/locale /usr/share/locale-langpack /usr/share/doc /usr/share/man /usr/share/info \\
  /usr/share/gtk-doc /usr/share/help /usr/share/javadoc /usr/local/share -xdev -type f \\
  -printf '%s\\t%n\\t%p\\n' 2>/dev/null
echo '--owned--'
[ $# -gt 0 ] && dpkg -L "$@" 2>/dev/null
true
`

async function docFiles(image: string): Promise<{ compiled: string[]; files: ListedFile[] }> {
  const section = (out: string, name: string) => {
    const start = out.indexOf(`--${name}--\n`)
    const rest = out.slice(start + name.length + 5)
    const end = rest.indexOf('\n--')
    return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter(l => l !== '')
  }
  const first = await dockerRun(image, ['-c', LISTING_SCRIPT, 'sh'], { entrypoint: '/bin/sh' })
  const build = section(first, 'packages').filter(name => isBuildPackage({ name, manager: 'dpkg' }))
  const out = await dockerRun(image, ['-c', LISTING_SCRIPT, 'sh', ...build], {
    entrypoint: '/bin/sh'
  })
  const owned = new Set(section(out, 'owned'))
  const files = section(out, 'files').map(line => {
    const [size, links, path] = line.split('\t')
    return { path, size: Number(size), links: Number(links), owned: owned.has(path) }
  })
  return { compiled: section(out, 'compiled'), files }
}
