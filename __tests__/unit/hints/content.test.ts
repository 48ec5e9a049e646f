import { describe, expect, it } from '@jest/globals'
import {
  CONTENT_BUDGET,
  CONTENT_FILE_CAP,
  CONTENT_TOTAL_CAP,
  ContentCollector,
  liveContent,
  wantsContent
} from '../../../src/analysis/hints/content.js'
import { stackLayers } from '../../../src/analysis/stack.js'
import { layer } from '../../support/layers.js'

const bytes = (s: string) => Buffer.from(s)

describe('wantsContent', () => {
  it.each([
    ['var/lib/dpkg/status', true],
    ['var/lib/dpkg/status-old', false],
    ['var/lib/dpkg/status.d/libssl3', true],
    ['var/lib/dpkg/status.d/libssl3.md5sums', true],
    ['var/lib/dpkg/info/gcc-12.list', true],
    ['var/lib/dpkg/info/libc6:amd64.list', true],
    ['var/lib/dpkg/info/gcc-12.md5sums', false],
    ['lib/apk/db/installed', true],
    ['usr/lib/apk/db/installed', true],
    ['etc/apk/world', true],
    ['/var/lib/dpkg/status', false],
    ['var/lib/rpm/rpmdb.sqlite', true],
    ['usr/lib/sysimage/rpm/rpmdb.sqlite', true],
    ['var/lib/rpm/Packages', false],
    ['usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD', true],
    ['usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', false],
    ['usr/lib/python3/dist-packages/x-1.0.egg-info/installed-files.txt', true],
    ['app/node_modules/left-pad/package.json', true],
    ['app/node_modules/@types/node/package.json', true],
    ['app/node_modules/a/node_modules/b/package.json', true],
    ['app/node_modules/a/lib/package.json', false],
    ['app/package.json', true],
    ['app/package-lock.json', true],
    ['app/node_modules/.package-lock.json', true],
    ['srv/yarn.lock', true],
    ['pnpm-lock.yaml', true],
    ['app/node_modules/a/package-lock.json', false],
    ['app/var/lib/dpkg/status', false]
  ])('%s → %s', (path, wanted) => {
    expect(wantsContent(path as string, 1000)).toBe(wanted)
  })

  it('refuses files above the per-file cap', () => {
    expect(wantsContent('var/lib/dpkg/status', CONTENT_FILE_CAP)).toBe(true)
    expect(wantsContent('var/lib/dpkg/status', CONTENT_FILE_CAP + 1)).toBe(false)
    expect(CONTENT_TOTAL_CAP).toBe(56 * 2 ** 20)
  })
})

describe('ContentCollector', () => {
  it('keeps only the topmost version of a path and frees the lower one', () => {
    const c = new ContentCollector()
    expect(c.wants(0, 'var/lib/dpkg/status', 3)).toBe(true)
    c.add(0, 'var/lib/dpkg/status', bytes('old'))
    expect(c.wants(2, 'var/lib/dpkg/status', 3)).toBe(true)
    c.add(2, 'var/lib/dpkg/status', bytes('new'))
    // A lower layer read late (parallel readers) does not replace a higher one.
    expect(c.wants(1, 'var/lib/dpkg/status', 3)).toBe(false)
    const contents = c.contents()
    expect(contents.get(0)).toBeUndefined()
    expect(Buffer.from(contents.get(2)?.get('var/lib/dpkg/status') ?? []).toString()).toBe('new')
  })

  it('refuses paths it does not want and entries beyond the class budget', () => {
    const c = new ContentCollector()
    expect(c.wants(0, 'etc/passwd', 10)).toBe(false)
    const half = CONTENT_BUDGET['file-list'] / 2
    expect(c.wants(0, 'var/lib/dpkg/info/a.list', half)).toBe(true)
    expect(c.wants(0, 'var/lib/dpkg/info/b.list', half)).toBe(true)
    expect(c.wants(0, 'var/lib/dpkg/info/c.list', 1)).toBe(false)
    // Databases have their own budget: lists never starve the status file.
    expect(c.wants(0, 'var/lib/dpkg/status', 1_000_000)).toBe(true)
  })

  it('takes the last entry of a path within one layer, as the tar reader does', () => {
    const c = new ContentCollector()
    expect(c.wants(1, 'etc/apk/world', 1)).toBe(true)
    c.add(1, 'etc/apk/world', bytes('a'))
    expect(c.wants(1, 'etc/apk/world', 1)).toBe(true)
    c.add(1, 'etc/apk/world', bytes('b'))
    expect(Buffer.from(c.contents().get(1)?.get('etc/apk/world') ?? []).toString()).toBe('b')
  })

  it('ignores data for an entry it did not reserve', () => {
    const c = new ContentCollector()
    c.add(0, 'var/lib/dpkg/status', bytes('x'))
    expect(c.contents().size).toBe(0)
  })
})

describe('liveContent', () => {
  it('reads the version in the layer the final filesystem shows', () => {
    const stack = stackLayers([
      layer({ path: 'var/lib/dpkg/status', size: 3, content: 'one' }),
      layer({ path: 'var/lib/dpkg/status', size: 3, content: 'two' }),
      layer(
        { path: 'lib/apk/db/installed', size: 1 },
        { path: 'lib/apk/db/installed', kind: 'whiteout' }
      )
    ])
    const contents = new Map([
      [0, new Map([['var/lib/dpkg/status', bytes('one')]])],
      [1, new Map([['var/lib/dpkg/status', bytes('two')]])]
    ])
    expect(
      Buffer.from(liveContent(contents, stack.live, 'var/lib/dpkg/status') ?? []).toString()
    ).toBe('two')
    expect(liveContent(contents, stack.live, 'lib/apk/db/installed')).toBeUndefined()
    expect(liveContent(undefined, stack.live, 'var/lib/dpkg/status')).toBeUndefined()
  })
})
