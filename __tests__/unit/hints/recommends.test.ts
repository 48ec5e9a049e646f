// The recommends hint: the Depends closure rules on tables, then whole in-memory images whose
// bytes are the file sizes written into them.

import { describe, expect, it } from '@jest/globals'
import { detectHints } from '../../../src/analysis/hints/index.js'
import {
  dependencyClosure,
  parseExtendedStates,
  parseRelations,
  parseStatusRelations,
  recommendsFix,
  type DpkgRelations
} from '../../../src/analysis/hints/recommends.js'
import { build, ids, only, type FileSpec } from './helpers.js'

const rel = (
  name: string,
  depends: string[][] = [],
  extra: Partial<DpkgRelations> = {}
): DpkgRelations => ({ name, essential: false, depends, provides: [], ...extra })

describe('parseRelations', () => {
  it.each([
    ['libc6 (>= 2.34)', [['libc6']]],
    ['python3:any (>= 3.11~), libssl3 | libssl1.1', [['python3'], ['libssl3', 'libssl1.1']]],
    ['foo [amd64] <!nocheck>, Bar:native', [['foo'], ['bar']]],
    ['', []],
    [' , a ,', [['a']]]
  ])('%j', (field, expected) => {
    expect(parseRelations(field)).toEqual(expected)
  })
})

describe('parseStatusRelations and parseExtendedStates', () => {
  it('reads installed stanzas with wrapped Depends, Pre-Depends, Provides, Essential, Priority', () => {
    const status = [
      'Package: dash\nEssential: yes\nStatus: install ok installed\nPriority: required\nPre-Depends: libc6 (>= 2.34)',
      'Package: app\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nDepends: a,\n b | c (>= 1)\nProvides: www-browser (= 1)',
      'Package: gone\nStatus: deinstall ok config-files\nDepends: x'
    ].join('\n\n')
    expect(parseStatusRelations(status)).toEqual([
      {
        name: 'dash',
        essential: true,
        priority: 'required',
        depends: [['libc6']],
        provides: []
      },
      {
        name: 'app',
        arch: 'amd64',
        essential: false,
        priority: 'optional',
        depends: [['a'], ['b', 'c']],
        provides: ['www-browser']
      }
    ])
  })

  it('marks only Auto-Installed: 1, by name and name:arch', () => {
    const states =
      'Package: a\nArchitecture: amd64\nAuto-Installed: 1\n\nPackage: b\nArchitecture: amd64\nAuto-Installed: 0\n'
    expect([...parseExtendedStates(states)].sort()).toEqual(['a', 'a:amd64'])
  })
})

describe('dependencyClosure', () => {
  const auto = new Set(['lib', 'rec', 'rec-dep', 'alt1', 'alt2', 'prov', 'ess', 'imp'])
  const packages = [
    rel('app', [['lib'], ['alt1', 'alt2'], ['virtual']]),
    rel('lib'),
    rel('alt1'),
    rel('alt2'),
    rel('prov', [], { provides: ['virtual'] }),
    rel('rec', [['rec-dep']]),
    rel('rec-dep'),
    rel('ess', [], { essential: true }),
    rel('imp', [], { priority: 'important' })
  ]
  it('keeps manual packages, their Depends, every installed alternative and provider', () => {
    const closure = dependencyClosure({ packages, auto, pinned: new Set() })
    expect([...closure].sort()).toEqual(['alt1', 'alt2', 'app', 'ess', 'imp', 'lib', 'prov'])
  })
  it('keeps the base image packages (pinned) and what they depend on', () => {
    const closure = dependencyClosure({ packages, auto, pinned: new Set(['rec']) })
    expect(closure.has('rec')).toBe(true)
    expect(closure.has('rec-dep')).toBe(true)
  })
  it('a name:arch mark counts', () => {
    const c = dependencyClosure({
      packages: [rel('x', [], { arch: 'amd64' })],
      auto: new Set(['x:amd64']),
      pinned: new Set()
    })
    expect(c.size).toBe(0)
  })
})

// ---------------------------------------------------------------- whole images

const BASE_STATUS = 'Package: base-files\nStatus: install ok installed\nPriority: required\n'
const stanza = (name: string, depends?: string) =>
  `Package: ${name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 1\n` +
  (depends ? `Depends: ${depends}\n` : '')

function imageWith(opts: { run: string; states?: boolean; base?: boolean }): {
  files: FileSpec[]
  recBytes: number
} {
  const pkgs: [string, string | undefined, FileSpec[]][] = [
    ['tool', 'libtool1 (>= 1), libfoo | libbar', [{ path: 'usr/bin/tool', size: 400_000 }]],
    ['libtool1', undefined, [{ path: 'usr/lib/libtool1.so.1', size: 300_000 }]],
    ['libbar', undefined, [{ path: 'usr/lib/libbar.so', size: 50_000 }]],
    ['xauth', 'libx11', [{ path: 'usr/bin/xauth', size: 60_000 }]],
    [
      'libx11',
      undefined,
      [
        { path: 'usr/lib/libX11.so.6', size: 1_400_000 },
        { path: 'usr/share/X11/locale/a', size: 900_000 }
      ]
    ]
  ]
  const status = [BASE_STATUS, ...pkgs.map(([n, d]) => stanza(n, d))].join('\n')
  const files: FileSpec[] = [{ path: 'var/lib/dpkg/status', text: status }]
  for (const [name, , owned] of pkgs) {
    files.push({
      path: `var/lib/dpkg/info/${name}.list`,
      text: ['/.', ...owned.map(f => `/${f.path}`)].join('\n') + '\n'
    })
    files.push(...owned)
  }
  if (opts.states !== false) {
    files.push({
      path: 'var/lib/apt/extended_states',
      text: ['libtool1', 'libbar', 'xauth', 'libx11']
        .map(n => `Package: ${n}\nArchitecture: amd64\nAuto-Installed: 1\n`)
        .join('\n')
    })
  }
  const info = (n: string) =>
    files.find(f => f.path === `var/lib/dpkg/info/${n}.list`)?.text?.length ?? 0
  return { files, recBytes: 60_000 + 1_400_000 + 900_000 + info('xauth') + info('libx11') }
}

describe('detectHints: recommends', () => {
  const RUN = 'RUN /bin/sh -c apt-get update && apt-get install -y tool'
  it('counts the packages outside the closure, exactly, on the RUN that installed them', () => {
    const { files, recBytes } = imageWith({ run: RUN })
    const { analysis, contents } = build(
      [
        { by: 'ADD rootfs.tar /', files: [{ path: 'etc/debian_version', size: 10 }] },
        { by: RUN, files }
      ],
      { base: 1 }
    )
    const h = only(detectHints(analysis, { contents }), 'recommends')
    expect(h.bytes).toBe(recBytes)
    expect(h.layer).toBe(1)
    expect(h.packages?.map(p => p.path)).toEqual(['libx11', 'xauth'])
    expect(h.fix).toContain('`--no-install-recommends`')
    expect(h.fix).toContain('2 packages')
    expect(h.fix).toContain('name it in the install explicitly')
    // the X locale files are the recommends hint's, not counted again as locales
    const all = detectHints(analysis, { contents })
    expect(all.filter(x => x.paths.some(p => p.path.startsWith('/usr/share/X11')))).toHaveLength(1)
  })

  it('gives each install its own hint, on its own RUN, every byte counted once', () => {
    const { files, recBytes } = imageWith({ run: RUN })
    const RUN2 = 'RUN /bin/sh -c apt-get install -y viewer'
    const status =
      (files.find(f => f.path === 'var/lib/dpkg/status')?.text ?? '') +
      '\n' +
      stanza('viewer', 'libview') +
      '\n' +
      stanza('libview') +
      '\n' +
      stanza('fonts-extra')
    const states =
      (files.find(f => f.path === 'var/lib/apt/extended_states')?.text ?? '') +
      '\n' +
      ['libview', 'fonts-extra']
        .map(n => `Package: ${n}\nArchitecture: amd64\nAuto-Installed: 1\n`)
        .join('\n')
    const second: FileSpec[] = [
      { path: 'var/lib/dpkg/status', text: status },
      { path: 'var/lib/apt/extended_states', text: states },
      { path: 'var/lib/dpkg/info/viewer.list', text: '/.\n/usr/bin/viewer\n' },
      { path: 'usr/bin/viewer', size: 100_000 },
      { path: 'var/lib/dpkg/info/libview.list', text: '/.\n/usr/lib/libview.so\n' },
      { path: 'usr/lib/libview.so', size: 200_000 },
      { path: 'var/lib/dpkg/info/fonts-extra.list', text: '/.\n/usr/share/fonts/extra.ttf\n' },
      { path: 'usr/share/fonts/extra.ttf', size: 3_000_000 }
    ]
    const { analysis, contents } = build(
      [
        { by: 'ADD rootfs.tar /', files: [{ path: 'etc/debian_version', size: 10 }] },
        { by: RUN, files },
        { by: RUN2, files: second }
      ],
      { base: 1 }
    )
    const hints = detectHints(analysis, { contents })
      .filter(h => h.id === 'recommends')
      .sort((a, b) => (a.layer ?? 0) - (b.layer ?? 0))
    expect(hints.map(h => [h.layer, h.packages?.map(p => p.path)])).toEqual([
      [1, ['libx11', 'xauth']],
      [2, ['fonts-extra']]
    ])
    expect(hints[0].bytes).toBe(recBytes)
    expect(hints[1].bytes).toBe(3_000_000 + '/.\n/usr/share/fonts/extra.ttf\n'.length)
    expect(hints[0].fix).toContain('`RUN apt-get update && apt-get install -y tool`')
    expect(hints[1].fix).toContain('`RUN apt-get install -y viewer`')
  })

  it('says nothing without extended_states (every package looks manual)', () => {
    const { files } = imageWith({ run: RUN, states: false })
    const { analysis, contents } = build([{ by: RUN, files }], { base: 0 })
    expect(ids(detectHints(analysis, { contents }))).not.toContain('recommends')
  })

  it('packages of the base image are never named', () => {
    const { files } = imageWith({ run: RUN })
    const { analysis, contents } = build([{ by: RUN, files }], { base: 1 })
    expect(ids(detectHints(analysis, { contents }))).not.toContain('recommends')
  })
})

describe('recommendsFix', () => {
  const pkgs = [
    { path: 'a', bytes: 3_000_000 },
    { path: 'b', bytes: 2_000_000 },
    { path: 'c', bytes: 1_000_000 },
    { path: 'd', bytes: 500_000 }
  ]
  it('adds --no-install-recommends to the install that lacks it', () => {
    const fix = recommendsFix('RUN apt-get install -y x', pkgs, 6_500_000)
    expect(fix).toBe(
      'add `--no-install-recommends` to `apt-get install` in `RUN apt-get install -y x`: it leaves out 4 packages, 6.50 MB: a (3.00 MB), b (2.00 MB), c (1.00 MB), …; if the application uses one of them, name it in the install explicitly (the image alone cannot tell)'
    )
  })
  it('with --no-install-recommends already there: autoremove the orphans', () => {
    const fix = recommendsFix('RUN apt-get install -y --no-install-recommends x', pkgs, 6_500_000)
    expect(fix).toContain('apt-get autoremove -y --purge')
    expect(fix).not.toContain('add `--no-install-recommends`')
  })
})
