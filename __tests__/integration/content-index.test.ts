// The content index on images the real engine built (issue 14's "Done means"): package bytes
// EQUAL to the sizes of the files each package lists, computed independently inside the
// running image (dpkg -L + stat for Debian packages installed from Debian's mirror, Python's
// csv + os.lstat for dist-info RECORDs, find + stat for node_modules); the seed story's diff
// names the toolchain packages, never lists a path both images hold at the same size, and
// its listed changes explain at least 90 % of the delta.

import { relative } from 'node:path'
import { beforeAll, expect, it } from '@jest/globals'
import type { Analysis } from '../../src/analysis/analyze.js'
import { wantsContent } from '../../src/analysis/hints/index.js'
import type { PackageInfo } from '../../src/analysis/report.js'
import { compareReports } from '../../src/diff/compare.js'
import { readImage } from '../../src/image/source.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { analyse } from '../../src/measure.js'
import {
  buildSeedImages,
  FIXTURES,
  REPO_ROOT,
  type BuiltFixture,
  type FixtureName
} from '../support/debian-base.js'
import { describeEngine, dockerRun } from '../support/engine.js'

let images: Record<FixtureName, BuiltFixture>
const analyses = new Map<FixtureName, Promise<Analysis>>()

function measured(name: FixtureName): Promise<Analysis> {
  let p = analyses.get(name)
  if (!p) {
    p = readImage(images[name].tag, {
      estimateCompressed: false,
      maxEntries: DEFAULT_LIMITS.maxEntries,
      maxPathLength: DEFAULT_LIMITS.maxPathLength,
      maxJsonBytes: DEFAULT_LIMITS.maxJsonBytes,
      wantContent: wantsContent
    }).then(image =>
      analyse(image, {
        estimateCompressed: false,
        limits: DEFAULT_LIMITS,
        dockerfile: {
          path: relative(REPO_ROOT, FIXTURES[name].dockerfile),
          file: FIXTURES[name].dockerfile
        }
      })
    )
    analyses.set(name, p)
  }
  return p
}

function packagesOf(a: Analysis, ecosystem: PackageInfo['ecosystem']): Map<string, PackageInfo> {
  const content = a.report.content
  if (!content) throw new Error('the report has no content index')
  return new Map(content.packages.filter(p => p.ecosystem === ecosystem).map(p => [p.name, p]))
}

// Σ sizes of the regular files a package lists (each inode once; /lib paths reach /usr/lib
// through the usr-merge symlink, symlinks themselves weigh nothing).
const DPKG_BYTES = `
for p in "$@"; do
  dpkg-query -L "$p" | while IFS= read -r f; do
    if [ -f "$f" ] && [ ! -L "$f" ]; then stat -L -c '%d:%i %s' "$f"; fi
  done | sort -u | awk -v p="$p" '{ s += $2 } END { print p, s + 0 }'
done`

const RECORD_BYTES = `
import csv, glob, os, sys
for rec in sorted(glob.glob(sys.argv[1] + '/*.dist-info/RECORD')):
    site = os.path.dirname(os.path.dirname(rec))
    name = os.path.basename(os.path.dirname(rec))[: -len('.dist-info')].rsplit('-', 1)[0]
    seen, total = set(), 0
    with open(rec, newline='') as f:
        for row in csv.reader(f):
            if not row:
                continue
            path = os.path.normpath(os.path.join(site, row[0]))
            if os.path.isfile(path) and not os.path.islink(path):
                st = os.lstat(path)
                if (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    total += st.st_size
    print(name, total)
`

// Every regular file below each package directory, nested node_modules excluded.
const NPM_BYTES = `
for d in "$@"; do
  find "$d" -path "$d/node_modules" -prune -o -type f -print | while IFS= read -r f; do
    stat -c '%d:%i %s' "$f"
  done | sort -u | awk -v d="$d" '{ s += $2 } END { print d, s + 0 }'
done`

function table(out: string): Map<string, number> {
  const m = new Map<string, number>()
  for (const line of out.split('\n')) {
    const r = /^(\S+) (\d+)$/.exec(line.trim())
    if (r) m.set(r[1], Number(r[2]))
  }
  return m
}

describeEngine('the content index on images the real engine built', () => {
  beforeAll(async () => {
    images = await buildSeedImages({
      only: ['vanilla', 'multistage', 'npm'],
      log: line => process.stderr.write(`fixtures: ${line}\n`)
    })
  }, 20 * 60_000)

  it('dpkg: package bytes equal the files dpkg lists, measured in the running image', async () => {
    const a = await measured('vanilla')
    const dpkg = packagesOf(a, 'dpkg')
    const names = ['gcc-12', 'g++-12', 'cpp-12', 'libpython3.11-dev', 'libc6', 'python3.11-minimal']
    const truth = table(
      await dockerRun(images.vanilla.tag, ['-c', DPKG_BYTES, 'sh', ...names], {
        entrypoint: '/bin/sh',
        user: '0:0'
      })
    )
    for (const name of names) {
      expect({ name, bytes: dpkg.get(name)?.bytes }).toEqual({ name, bytes: truth.get(name) })
      expect(truth.get(name)).toBeGreaterThan(0)
    }
  }, 600_000)

  it('python: dist-info bytes equal the files each RECORD lists', async () => {
    const a = await measured('vanilla')
    const python = packagesOf(a, 'python')
    const site = '/opt/venv/lib/python3.11/site-packages'
    const truth = table(
      await dockerRun(images.vanilla.tag, ['-c', RECORD_BYTES, site], {
        entrypoint: '/usr/bin/python3',
        user: '0:0'
      })
    )
    expect(truth.size).toBeGreaterThanOrEqual(4) // pip, setuptools and the app's packages
    for (const [name, bytes] of truth) {
      expect({ name, bytes: python.get(name)?.bytes }).toEqual({ name, bytes })
    }
  }, 600_000)

  it('npm: package bytes equal the files below each package directory', async () => {
    const a = await measured('npm')
    const npm = packagesOf(a, 'npm')
    expect(npm.size).toBeGreaterThan(0)
    // The app's own dependencies (not npm's bundled ones under /usr/local/lib)
    const out = await dockerRun(
      images.npm.tag,
      [
        '-c',
        `cd /app/node_modules && for d in * @*/*; do if [ -f "$d/package.json" ]; then echo "$d"; fi; done`
      ],
      { entrypoint: '/bin/sh', user: '0:0' }
    )
    const appDirs = out.split('\n').filter(l => l.trim() !== '' && !l.startsWith('@*'))
    expect(appDirs.length).toBeGreaterThan(0)
    const truth = table(
      await dockerRun(
        images.npm.tag,
        ['-c', NPM_BYTES, 'sh', ...appDirs.map(d => `/app/node_modules/${d}`)],
        { entrypoint: '/bin/sh', user: '0:0' }
      )
    )
    // The fixture's registry packages sit flat in /app/node_modules: directory = name.
    for (const d of appDirs) {
      expect({ d, bytes: npm.get(d)?.bytes }).toEqual({
        d,
        bytes: truth.get(`/app/node_modules/${d}`)
      })
    }
  }, 600_000)

  it('the seed story: the diff names the toolchain, lists no same-size path, explains ≥ 90 %', async () => {
    const [before, after] = await Promise.all([measured('multistage'), measured('vanilla')])
    const c = compareReports(before.report, after.report)
    expect(c.content).toBeDefined()
    const added = new Map(
      (c.content?.packages ?? []).filter(p => p.change === 'added').map(p => [p.name, p])
    )
    const dpkg = packagesOf(after, 'dpkg')
    for (const name of ['gcc-12', 'g++-12', 'cpp-12', 'libpython3.11-dev']) {
      expect(added.get(name)?.delta).toBe(dpkg.get(name)?.bytes)
    }
    expect(c.leads?.explainedAll).toBeGreaterThanOrEqual(0.9)
    // Every file reported as changed really differs in size (or exists on one side only),
    // as stat sees it in both running images.
    const files = (c.content?.files ?? []).map(f => f.path)
    expect(files.length).toBeGreaterThan(0)
    const script = `for f in "$@"; do if [ -f "$f" ]; then echo "$f $(stat -c %s "$f")"; else echo "$f -"; fi; done`
    const [b, a] = await Promise.all(
      [images.multistage.tag, images.vanilla.tag].map(tag =>
        dockerRun(tag, ['-c', script, 'sh', ...files], { entrypoint: '/bin/sh', user: '0:0' })
      )
    )
    const sizes = (out: string) =>
      new Map(
        out
          .trim()
          .split('\n')
          .map(l => l.split(' ') as [string, string])
      )
    const sb = sizes(b)
    const sa = sizes(a)
    for (const f of files) {
      expect({ f, same: sb.get(f) === sa.get(f) }).toEqual({ f, same: false })
    }
    // Python and libcrypto are in both at the same size: never listed.
    expect(files).not.toContain('/usr/bin/python3.11')
  }, 900_000)
})
