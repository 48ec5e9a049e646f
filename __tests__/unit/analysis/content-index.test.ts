import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { buildContentIndex, INDEX_BOUNDS } from '../../../src/analysis/content-index.js'
import { MAX_LIST_LINES, resolveRelative } from '../../../src/analysis/ecosystems.js'
import { wantsContent, type LayerContents } from '../../../src/analysis/hints/content.js'
import type { ContentIndex } from '../../../src/analysis/report.js'
import { stackLayers } from '../../../src/analysis/stack.js'
import { readLayer } from '../../../src/image/layer/read-layer.js'
import { layerTar } from '../../support/image-fixtures.js'
import { layer, type EntrySpec } from '../../support/layers.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Layers of files; `texts` are database files (content kept, size = byte length). */
function build(
  layers: { files: EntrySpec[]; texts?: Record<string, string> }[],
  drop: string[] = []
): ContentIndex {
  const contents = new Map<number, Map<string, Uint8Array>>()
  const reads = layers.map((l, i) => {
    const specs = [...l.files]
    const kept = new Map<string, Uint8Array>()
    for (const [path, text] of Object.entries(l.texts ?? {})) {
      const data = enc(text)
      specs.push({ path, size: data.length })
      if (!drop.includes(path)) kept.set(path, data)
    }
    contents.set(i, kept)
    return layer(...specs)
  })
  const stack = stackLayers(reads)
  return buildContentIndex(stack.live, contents as LayerContents)
}

const pkg = (idx: ContentIndex, name: string) => idx.packages.find(p => p.name === name)

function partition(idx: ContentIndex): number {
  return (
    idx.packages.reduce((n, p) => n + p.bytes, 0) +
    idx.unowned.reduce((n, g) => n + g.bytes, 0) +
    (idx.omitted?.bytes ?? 0)
  )
}

const STATUS = [
  'Package: gcc-12',
  'Status: install ok installed',
  'Installed-Size: 99999',
  'Architecture: amd64',
  'Version: 12.2.0-14',
  '',
  'Package: libc6',
  'Status: install ok installed',
  'Architecture: amd64',
  'Version: 2.36-9',
  '',
  'Package: gone',
  'Status: deinstall ok config-files',
  'Version: 1',
  ''
].join('\n')

describe('buildContentIndex: dpkg', () => {
  it('counts the live files each package lists, exactly, with usr-merge and the last layer', () => {
    const idx = build([
      {
        files: [
          { path: 'usr/bin/gcc-12', size: 1000 },
          { path: 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', size: 30000 },
          { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 2000 },
          { path: 'etc/hostname', size: 7 }
        ],
        texts: {
          'var/lib/dpkg/status': STATUS,
          // gcc lists a directory, a usr-merge path and a file that is gone
          'var/lib/dpkg/info/gcc-12.list':
            '/.\n/usr\n/usr/bin/gcc-12\n/usr/lib/gcc/x86_64-linux-gnu/12/cc1\n/usr/share/doc/gcc-12/gone\n',
          'var/lib/dpkg/info/libc6:amd64.list': '/lib/x86_64-linux-gnu/libc.so.6\n'
        }
      },
      // a later layer rewrites cc1: the package's layer is the last that changed it
      { files: [{ path: 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', size: 31000, content: 'v2' }] }
    ])
    expect(idx.ecosystems).toEqual(['dpkg'])
    expect(pkg(idx, 'gcc-12')).toEqual({
      ecosystem: 'dpkg',
      name: 'gcc-12',
      version: '12.2.0-14',
      layer: 1,
      bytes: 1000 + 31000,
      files: 2
    })
    expect(pkg(idx, 'libc6')).toMatchObject({ bytes: 2000, files: 1, layer: 0 })
    expect(pkg(idx, 'gone')).toBeUndefined()
    expect(partition(idx)).toBe(idx.liveBytes)
    expect(idx.unowned.find(g => g.path === '/etc')).toEqual({ path: '/etc', bytes: 7, files: 1 })
  })

  it('ignores list paths that climb out, with a warning', () => {
    const idx = build([
      {
        files: [{ path: 'etc/passwd', size: 100 }],
        texts: {
          'var/lib/dpkg/status': 'Package: evil\nStatus: install ok installed\n',
          'var/lib/dpkg/info/evil.list': '/../../etc/passwd\n../etc/passwd\n'
        }
      }
    ])
    expect(pkg(idx, 'evil')).toMatchObject({ bytes: 0, files: 0 })
    expect(idx.warnings.join('\n')).toMatch(/climb out/)
    expect(partition(idx)).toBe(idx.liveBytes)
  })

  it('warns when the status database was too large to read, and goes on without dpkg', () => {
    const idx = build(
      [{ files: [{ path: 'usr/bin/x', size: 5 }], texts: { 'var/lib/dpkg/status': STATUS } }],
      ['var/lib/dpkg/status']
    )
    expect(idx.packages).toEqual([])
    expect(idx.ecosystems).toEqual([])
    expect(idx.warnings.join('\n')).toMatch(/dpkg: \/var\/lib\/dpkg\/status .* not read/)
  })
})

describe('buildContentIndex: apk, rpm', () => {
  it('reads apk file lists', () => {
    const idx = build([
      {
        files: [
          { path: 'usr/bin/gcc', size: 500 },
          { path: 'usr/libexec/gcc/x86_64-alpine-linux-musl/12/cc1', size: 9000 }
        ],
        texts: {
          'lib/apk/db/installed':
            'P:gcc\nV:12.2.1-r10\nI:123456\nF:usr/bin\nR:gcc\nF:usr/libexec/gcc/x86_64-alpine-linux-musl/12\nR:cc1\n\n'
        }
      }
    ])
    expect(pkg(idx, 'gcc')).toMatchObject({
      ecosystem: 'apk',
      version: '12.2.1-r10',
      bytes: 9500,
      files: 2
    })
  })

  it('names rpm databases it cannot read instead of failing', () => {
    const idx = build([
      {
        files: [
          { path: 'var/lib/rpm/rpmdb.sqlite', size: 100 },
          { path: 'usr/lib/sysimage/rpm/Packages', size: 100 }
        ]
      }
    ])
    expect(idx.warnings.join('\n')).toMatch(
      /rpm: \/var\/lib\/rpm\/rpmdb\.sqlite \(100 bytes\) was not read/
    )
    expect(idx.warnings.join('\n')).toMatch(/BerkeleyDB/)
  })
})

describe('buildContentIndex: python, npm, gem', () => {
  it('reads dist-info RECORD (relative to site-packages, scripts via ../../bin) and egg-info', () => {
    const site = 'usr/local/lib/python3.11/site-packages'
    const idx = build([
      {
        files: [
          { path: `${site}/numpy/__init__.py`, size: 300 },
          { path: `${site}/numpy/core/_multiarray.so`, size: 70000 },
          { path: 'usr/local/bin/f2py', size: 200 },
          { path: `${site}/legacy/__init__.py`, size: 40 }
        ],
        texts: {
          [`${site}/numpy-1.26.4.dist-info/RECORD`]: [
            'numpy/__init__.py,sha256=abc,300',
            '"numpy/core/_multiarray.so",sha256=def,70000',
            '../../../bin/f2py,sha256=x,200',
            '../../../../../../../etc/shadow,,',
            'numpy-1.26.4.dist-info/RECORD,,',
            ''
          ].join('\r\n'),
          [`${site}/legacy-0.1-py3.11.egg-info/installed-files.txt`]: '../legacy/__init__.py\n'
        }
      }
    ])
    const recordBytes = enc(
      [
        'numpy/__init__.py,sha256=abc,300',
        '"numpy/core/_multiarray.so",sha256=def,70000',
        '../../../bin/f2py,sha256=x,200',
        '../../../../../../../etc/shadow,,',
        'numpy-1.26.4.dist-info/RECORD,,',
        ''
      ].join('\r\n')
    ).length
    expect(pkg(idx, 'numpy')).toMatchObject({
      ecosystem: 'python',
      version: '1.26.4',
      bytes: 300 + 70000 + 200 + recordBytes,
      files: 4
    })
    const eggList = enc('../legacy/__init__.py\n').length
    expect(pkg(idx, 'legacy')).toMatchObject({ version: '0.1', bytes: 40 + eggList, files: 2 })
    expect(partition(idx)).toBe(idx.liveBytes)
  })

  it('leaves out a RECORD longer than the line cap, with a warning', () => {
    const site = 'usr/lib/python3/dist-packages'
    const idx = build([
      {
        files: [],
        texts: { [`${site}/big-1.0.dist-info/RECORD`]: 'a,,\n'.repeat(MAX_LIST_LINES + 1) }
      }
    ])
    expect(pkg(idx, 'big')).toBeUndefined()
    expect(idx.warnings.join('\n')).toMatch(/lines, over the/)
  })

  it('gives npm packages their directory (nested and scoped), not their nested node_modules', () => {
    const nm = 'app/node_modules'
    const json = (name: string, version: string) => JSON.stringify({ name, version })
    const idx = build([
      {
        files: [
          { path: `${nm}/express/index.js`, size: 100 },
          { path: `${nm}/express/lib/router.js`, size: 900 },
          { path: `${nm}/express/node_modules/debug/src/index.js`, size: 50 },
          { path: `${nm}/@types/node/index.d.ts`, size: 4000 },
          { path: `${nm}/broken/index.js`, size: 3 },
          { path: 'app/server.js', size: 10 }
        ],
        texts: {
          [`${nm}/express/package.json`]: json('express', '4.19.2'),
          [`${nm}/express/node_modules/debug/package.json`]: json('debug', '2.6.9'),
          [`${nm}/@types/node/package.json`]: json('@types/node', '20.1.0'),
          [`${nm}/broken/package.json`]: '{ not json'
        }
      }
    ])
    const sizeOf = (name: string, v: string) => enc(json(name, v)).length
    expect(pkg(idx, 'express')).toMatchObject({
      version: '4.19.2',
      bytes: 100 + 900 + sizeOf('express', '4.19.2'),
      files: 3
    })
    expect(pkg(idx, 'debug')).toMatchObject({ bytes: 50 + sizeOf('debug', '2.6.9'), files: 2 })
    expect(pkg(idx, '@types/node')).toMatchObject({ bytes: 4000 + sizeOf('@types/node', '20.1.0') })
    expect(pkg(idx, 'broken')).toBeUndefined()
    expect(idx.warnings.join('\n')).toMatch(/npm: 1 package\.json .* not valid JSON/)
    expect(partition(idx)).toBe(idx.liveBytes)
  })

  it('gives gems their gems/, doc/ and extensions/ directories', () => {
    const home = 'usr/local/bundle'
    const idx = build([
      {
        files: [
          { path: `${home}/specifications/nokogiri-1.16.0-x86_64-linux.gemspec`, size: 10 },
          { path: `${home}/gems/nokogiri-1.16.0-x86_64-linux/lib/nokogiri.rb`, size: 300 },
          { path: `${home}/gems/nokogiri-1.16.0-x86_64-linux/lib/gems/x.rb`, size: 5 },
          {
            path: `${home}/extensions/x86_64-linux/3.2.0/nokogiri-1.16.0-x86_64-linux/gem.build_complete`,
            size: 1
          },
          { path: `${home}/cache/nokogiri-1.16.0-x86_64-linux.gem`, size: 5000 }
        ]
      }
    ])
    expect(pkg(idx, 'nokogiri')).toMatchObject({
      ecosystem: 'gem',
      version: '1.16.0-x86_64-linux',
      bytes: 10 + 300 + 5 + 1,
      files: 4
    })
    expect(idx.unowned.find(g => g.path === '/usr/local')?.bytes).toBe(5000)
  })
})

describe('buildContentIndex: directory tree and files', () => {
  it('keeps every directory above the cut, with exact totals, and the largest files', () => {
    const big = INDEX_BOUNDS.dirMinBytes
    const idx = build([
      {
        files: [
          { path: 'usr/lib/a.so', size: big * 3 },
          { path: 'usr/lib/b.so', size: big },
          { path: 'usr/share/tiny', size: 10 },
          { path: 'app/app.py', size: 20 }
        ]
      }
    ])
    expect(idx.dirCut).toBe(big - 1)
    expect(idx.dirs).toEqual([
      { path: '/', bytes: big * 4 + 30, files: 4 },
      { path: '/usr', bytes: big * 4 + 10, files: 3 },
      { path: '/usr/lib', bytes: big * 4, files: 2 }
    ])
    expect(idx.files.map(f => f.path)).toEqual([
      '/usr/lib/a.so',
      '/usr/lib/b.so',
      '/app/app.py',
      '/usr/share/tiny'
    ])
    expect(idx.fileCut).toBe(0)
  })

  it('bounds the largest files and says under which size it stopped', () => {
    const files = Array.from({ length: INDEX_BOUNDS.files + 5 }, (_, i) => ({
      path: `f/${i}`,
      size: i + 1
    }))
    const idx = build([{ files }])
    expect(idx.files).toHaveLength(INDEX_BOUNDS.files)
    expect(idx.files[0].bytes).toBe(INDEX_BOUNDS.files + 5)
    expect(idx.fileCut).toBe(5)
  })
})

describe('resolveRelative', () => {
  it.each([
    ['a/b', '../c', 'a/c'],
    ['a', '../../etc', undefined],
    ['', 'x/./y', 'x/y'],
    ['a', '', 'a']
  ])('%s + %s → %s', (base, rel, want) => {
    expect(resolveRelative(base, rel)).toBe(want)
  })
})

describe('hostile databases through the real layer reader', () => {
  it('a 100 MB status and a RECORD of a million lines: warnings, the rest indexed', async () => {
    const site = 'usr/lib/python3/dist-packages'
    const tar = await layerTar([
      { path: 'var/lib/dpkg/status', size: 100 * 2 ** 20 },
      { path: `${site}/huge-1.0.dist-info/RECORD`, content: 'x,,\n'.repeat(1_000_000) },
      { path: `${site}/ok-2.0.dist-info/RECORD`, content: 'ok/__init__.py,,\n' },
      { path: `${site}/ok/__init__.py`, size: 321 },
      { path: 'app/node_modules/bad/package.json', content: 'not json' },
      { path: 'app/node_modules/bad/index.js', size: 5 }
    ])
    const read = await readLayer(Readable.from([tar]), { wantContent: wantsContent })
    const stack = stackLayers([read])
    const contents: LayerContents = new Map([[0, read.contents ?? new Map()]])
    const idx = buildContentIndex(stack.live, contents)
    const w = idx.warnings.join('\n')
    expect(w).toMatch(/dpkg: \/var\/lib\/dpkg\/status \(104857600 bytes\) was not read/)
    expect(w).toMatch(/huge-1\.0\.dist-info\/RECORD has 1000001 lines, over the 200000 read/)
    expect(w).toMatch(/npm: 1 package\.json/)
    expect(idx.ecosystems).toEqual(['python'])
    expect(idx.packages.map(p => [p.name, p.bytes])).toEqual([['ok', 321]])
    expect(partition(idx)).toBe(idx.liveBytes)
  }, 60_000)
})
