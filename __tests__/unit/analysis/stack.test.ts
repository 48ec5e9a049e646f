import { describe, expect, it } from '@jest/globals'
import { stackLayers } from '../../../src/analysis/stack.js'
import type { WasteItem } from '../../../src/analysis/report.js'
import { layer } from '../../support/layers.js'

const MB = 1_000_000

function byKind(waste: WasteItem[], kind: WasteItem['kind']): WasteItem[] {
  return waste.filter(w => w.kind === kind)
}

describe('stackLayers: deletions', () => {
  it('counts a file deleted by a whiteout in a later layer, once', () => {
    const { live, waste } = stackLayers([
      layer({ path: 'big', size: 3 * MB }, { path: 'keep', size: 10 }),
      layer({ path: 'big', kind: 'whiteout' })
    ])
    expect(live.has('big')).toBe(false)
    expect(live.has('keep')).toBe(true)
    expect(waste).toEqual([
      { kind: 'deleted', path: 'big', bytes: 3 * MB, layer: 0, hiddenBy: 1, files: 1 }
    ])
  })

  it('counts every lower child of a directory removed by one .wh.<dir>, per origin layer', () => {
    const { live, waste } = stackLayers([
      layer({ path: 'var/lib/apt/lists', kind: 'dir' }, { path: 'var/lib/apt/lists/a', size: 100 }),
      layer(
        { path: 'var/lib/apt/lists/b', size: 200 },
        { path: 'var/lib/apt/lists/sub/c', size: 300 }
      ),
      layer({ path: 'var/lib/apt/lists', kind: 'whiteout' })
    ])
    expect([...live.keys()].filter(p => p.startsWith('var/lib/apt/lists'))).toEqual([])
    expect(waste.sort((a, b) => a.layer - b.layer)).toEqual([
      { kind: 'deleted', path: 'var/lib/apt/lists', bytes: 100, layer: 0, hiddenBy: 2, files: 1 },
      { kind: 'deleted', path: 'var/lib/apt/lists', bytes: 500, layer: 1, hiddenBy: 2, files: 2 }
    ])
  })

  it('hides all lower children of an opaque directory but keeps the layer own entries', () => {
    const { live, waste } = stackLayers([
      layer(
        { path: 'app', kind: 'dir' },
        { path: 'app/old', size: 1000 },
        { path: 'app/x/y', size: 24 }
      ),
      layer(
        { path: 'app', kind: 'opaque' },
        { path: 'app', kind: 'dir' },
        { path: 'app/new', size: 5 }
      )
    ])
    expect(live.has('app/old')).toBe(false)
    expect(live.has('app/x/y')).toBe(false)
    expect(live.has('app/new')).toBe(true)
    expect(waste).toEqual([
      { kind: 'deleted', path: 'app', bytes: 1024, layer: 0, hiddenBy: 1, files: 2 }
    ])
  })

  it('applies whiteouts to lower layers only', () => {
    // A layer holding both `.wh.f` and `f` re-creates f; only the lower f is hidden.
    const { live, waste } = stackLayers([
      layer({ path: 'f', size: 10 }),
      layer({ path: 'f', kind: 'whiteout' }, { path: 'f', size: 7 })
    ])
    expect(live.get('f')?.layer).toBe(1)
    expect(waste).toEqual([
      { kind: 'deleted', path: 'f', bytes: 10, layer: 0, hiddenBy: 1, files: 1 }
    ])
  })

  it('counts a directory replaced by a file as deleted children', () => {
    const { waste } = stackLayers([
      layer({ path: 'd', kind: 'dir' }, { path: 'd/a', size: 40 }),
      layer({ path: 'd', size: 1 })
    ])
    expect(waste).toEqual([
      { kind: 'deleted', path: 'd', bytes: 40, layer: 0, hiddenBy: 1, files: 1 }
    ])
  })

  it('does nothing for a whiteout of a path that does not exist', () => {
    expect(
      stackLayers([layer({ path: 'a', size: 1 }), layer({ path: 'zz', kind: 'whiteout' })]).waste
    ).toEqual([])
  })
})

describe('stackLayers: rewrites', () => {
  it('calls a changed file overwritten and counts the hidden version only', () => {
    const { waste, live } = stackLayers([
      layer({ path: 'etc/conf', size: 2000, content: 'v1' }),
      layer({ path: 'etc/conf', size: 5000, content: 'v2' })
    ])
    expect(live.get('etc/conf')?.entry.size).toBe(5000)
    expect(waste).toEqual([
      { kind: 'overwritten', path: 'etc/conf', bytes: 2000, layer: 0, hiddenBy: 1, files: 1 }
    ])
  })

  it('calls the same content with a new owner or mode a metadata rewrite', () => {
    const { waste } = stackLayers([
      layer({ path: 'app/a', size: 900, content: 'A' }, { path: 'app/b', size: 100, content: 'B' }),
      layer(
        { path: 'app/a', size: 900, content: 'A', uid: 1000 },
        { path: 'app/b', size: 100, content: 'B', mode: 0o755 }
      )
    ])
    expect(byKind(waste, 'metadata-rewrite').map(w => [w.path, w.bytes])).toEqual([
      ['app/a', 900],
      ['app/b', 100]
    ])
    expect(byKind(waste, 'overwritten')).toEqual([])
  })

  it('never counts the visible copy as waste (dive#684)', () => {
    const { waste } = stackLayers([
      layer({ path: 'node_modules/x', size: 970 }),
      layer({ path: 'node_modules/x', size: 970, uid: 1 })
    ])
    expect(waste.reduce((n, w) => n + w.bytes, 0)).toBe(970)
  })
})

describe('stackLayers: hard links', () => {
  it('keeps bytes live while a hard link of the same layer still shows them', () => {
    const { waste } = stackLayers([
      layer(
        { path: 'usr/bin/perl', size: 4000 },
        { path: 'usr/bin/perl5', kind: 'hardlink', linkname: 'usr/bin/perl' }
      ),
      layer({ path: 'usr/bin/perl', kind: 'whiteout' })
    ])
    expect(waste).toEqual([])
  })

  it('counts the bytes once when every name of the inode is hidden', () => {
    const { waste } = stackLayers([
      layer(
        { path: 'd', kind: 'dir' },
        { path: 'd/a', size: 4000 },
        { path: 'd/b', kind: 'hardlink', linkname: 'd/a' }
      ),
      layer({ path: 'd', kind: 'whiteout' })
    ])
    expect(waste).toEqual([
      { kind: 'deleted', path: 'd', bytes: 4000, layer: 0, hiddenBy: 1, files: 1 }
    ])
  })

  it('does not count hard links as duplicates', () => {
    const { waste } = stackLayers([
      layer(
        { path: 'a', size: 50, content: 'same' },
        { path: 'b', kind: 'hardlink', linkname: 'a' }
      )
    ])
    expect(waste).toEqual([])
  })
})

describe('stackLayers: duplicates', () => {
  it('counts identical content at several live paths as copies − 1', () => {
    const { waste } = stackLayers([
      layer({ path: 'opt/a.bin', size: 1000, content: 'X' }),
      layer(
        { path: 'srv/a.bin', size: 1000, content: 'X' },
        { path: 'srv/b.bin', size: 1000, content: 'X' }
      )
    ])
    expect(byKind(waste, 'duplicate')).toEqual([
      {
        kind: 'duplicate',
        path: 'opt/a.bin',
        bytes: 2000,
        layer: 1,
        files: 3,
        otherPaths: ['srv/a.bin', 'srv/b.bin']
      }
    ])
  })

  it('ignores empty files', () => {
    const { waste } = stackLayers([
      layer({ path: 'a', size: 0, content: '' }, { path: 'b', size: 0, content: '' })
    ])
    expect(waste).toEqual([])
  })
})
