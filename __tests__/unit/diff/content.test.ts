import { describe, expect, it } from '@jest/globals'
import { buildContentIndex } from '../../../src/analysis/content-index.js'
import type { LayerContents } from '../../../src/analysis/hints/content.js'
import type { ContentIndex, PackageInfo } from '../../../src/analysis/report.js'
import { stackLayers } from '../../../src/analysis/stack.js'
import { diffContent, leadingChanges, pathChanges } from '../../../src/diff/content.js'
import { layer, type EntrySpec } from '../../support/layers.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

function indexOf(
  layers: EntrySpec[][],
  texts: Record<string, string> = {}
): {
  index: ContentIndex
  total: number
} {
  const kept = new Map<string, Uint8Array>()
  const specs = layers.map(l => [...l])
  for (const [path, text] of Object.entries(texts)) {
    kept.set(path, enc(text))
    specs[specs.length - 1].push({ path, size: enc(text).length, content: text })
  }
  const reads = specs.map(s => layer(...s))
  const contents: LayerContents = new Map([[reads.length - 1, kept]])
  const stack = stackLayers(reads)
  const total = reads.reduce((n, r) => n + r.entries.reduce((m, e) => m + e.size, 0), 0)
  return { index: buildContentIndex(stack.live, contents), total }
}

const status = (pkgs: [string, string][]): string =>
  pkgs.map(([n, v]) => `Package: ${n}\nStatus: install ok installed\nVersion: ${v}\n`).join('\n')

const base: EntrySpec[] = [
  { path: 'usr/bin/python3.11', size: 6_000_000 },
  { path: 'usr/lib/x86_64-linux-gnu/libcrypto.so.3', size: 4_000_000 },
  { path: 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', size: 0 }
]

describe('diffContent', () => {
  const before = indexOf([base, [{ path: 'app/app.py', size: 1000 }]], {
    'var/lib/dpkg/status': status([
      ['python3.11', '3.11.2-6'],
      ['libssl3', '3.0.11-1']
    ]),
    'var/lib/dpkg/info/python3.11.list': '/usr/bin/python3.11\n',
    'var/lib/dpkg/info/libssl3.list': '/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n'
  })
  // The PR restructures layers (app.py moves to the bottom layer, python and libcrypto to a
  // new one), installs gcc-12 and upgrades libssl3 without changing its size.
  const after = indexOf(
    [
      [{ path: 'app/app.py', size: 1000 }],
      [
        ...base.slice(0, 2),
        { path: 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', size: 30_000_000, content: 'cc1' },
        { path: 'usr/bin/gcc-12', size: 1_000_000 }
      ]
    ],
    {
      'var/lib/dpkg/status': status([
        ['python3.11', '3.11.2-6'],
        ['libssl3', '3.0.13-1'],
        ['gcc-12', '12.2.0-14']
      ]),
      'var/lib/dpkg/info/python3.11.list': '/usr/bin/python3.11\n',
      'var/lib/dpkg/info/libssl3.list': '/usr/lib/x86_64-linux-gnu/libcrypto.so.3\n',
      'var/lib/dpkg/info/gcc-12.list': '/usr/bin/gcc-12\n/usr/lib/gcc/x86_64-linux-gnu/12/cc1\n'
    }
  )
  const diff = diffContent(before.index, after.index, { before: before.total, after: after.total })

  it('names packages added and upgraded with exact byte deltas', () => {
    expect(diff.packages.map(p => [p.name, p.change, p.delta])).toEqual([
      ['gcc-12', 'added', 31_000_000],
      ['libssl3', 'upgraded', 0]
    ])
    expect(diff.packages[1]).toMatchObject({ versionBefore: '3.0.11-1', versionAfter: '3.0.13-1' })
  })

  it('never reports a path both images hold at the same size, wherever its layer', () => {
    const paths = [...diff.files, ...diff.dirs].map(c => c.path)
    expect(paths).not.toContain('/usr/bin/python3.11')
    expect(paths).not.toContain('/usr/lib/x86_64-linux-gnu/libcrypto.so.3')
    expect(paths).not.toContain('/app/app.py')
    expect(diff.files.find(f => f.path === '/usr/lib/gcc/x86_64-linux-gnu/12/cc1')).toMatchObject({
      change: 'added',
      after: 30_000_000
    })
  })

  it('shows the most specific directory that carries a change', () => {
    // The baseline had it below its cut (64 KiB): grew from at most that.
    expect(diff.dirs[0]).toMatchObject({
      path: '/usr/lib/gcc/x86_64-linux-gnu/12',
      change: 'grew',
      beforeAtMost: before.index.dirCut,
      after: 30_000_000,
      delta: 30_000_000 - before.index.dirCut
    })
    expect(diff.dirs.map(d => d.path)).not.toContain('/usr/lib/gcc')
  })

  it('explains the whole delta with packages, unowned groups and hidden bytes', () => {
    const totalDelta = after.total - before.total
    const leads = leadingChanges(diff, totalDelta)
    expect(leads.rows[0]).toMatchObject({ kind: 'package', delta: 31_000_000 })
    expect(leads.rows.reduce((n, r) => n + r.delta, 0)).toBe(totalDelta)
    expect(leads.explained).toBe(1)
  })

  it('does not compare packages of an ecosystem only one side read', () => {
    const pkg: PackageInfo = { ecosystem: 'npm', name: 'x', layer: 0, bytes: 10, files: 1 }
    const a = { ...after.index, ecosystems: [...after.index.ecosystems, 'npm' as const] }
    a.packages = [...a.packages, pkg]
    const d = diffContent(before.index, a, { before: 0, after: 0 })
    expect(d.packages.map(p => p.name)).not.toContain('x')
    expect(d.ecosystemsOneSide).toEqual(['npm'])
    expect(d.unowned.find(u => u.path.includes('npm'))).toMatchObject({ delta: 10 })
  })
})

describe('pathChanges with bounded lists', () => {
  it('skips a path absent on one side when it is not above that side’s cut', () => {
    const b = [{ path: '/big', bytes: 500 }]
    const a = [
      { path: '/big', bytes: 500 },
      { path: '/mid', bytes: 100 }
    ]
    // /mid may have been in the baseline at 100 bytes, below its cut of 100: no claim.
    expect(pathChanges(b, 100, a, 0)).toEqual([])
    // Above the cut: it grew, from at most the cut.
    expect(pathChanges(b, 50, a, 0)).toEqual([
      { path: '/mid', change: 'grew', beforeAtMost: 50, after: 100, delta: 50 }
    ])
    // Nothing left out of the baseline: it is new.
    expect(pathChanges(b, 0, a, 0)).toEqual([
      { path: '/mid', change: 'added', after: 100, delta: 100 }
    ])
  })
})
