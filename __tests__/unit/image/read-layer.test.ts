import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import {
  LayerParser,
  readLayer,
  type ReadLayerOptions
} from '../../../src/image/layer/read-layer.js'
import { feed } from '../../../src/image/layer/streams.js'
import type { LayerEntry, LayerRead } from '../../../src/image/types.js'
import {
  buildLayer,
  contentHash,
  gnuLongLinkEntry,
  gnuLongNameEntry,
  layerTar,
  packTar,
  patternBytes,
  paxGlobalHeader,
  paxRecords,
  rawEntry,
  zstdCompress,
  type LayerSpec
} from '../../support/image-fixtures.js'

/** A stream that hands out `data` in chunks of `chunkSize` bytes. */
function streamOf(data: Buffer, chunkSize = 64 * 1024): Readable {
  let at = 0
  return new Readable({
    read() {
      if (at >= data.length) return void this.push(null)
      this.push(data.subarray(at, at + chunkSize))
      at += chunkSize
    }
  })
}

function read(
  data: Buffer,
  opts: ReadLayerOptions & { chunkSize?: number } = {}
): Promise<LayerRead> {
  return readLayer(streamOf(data, opts.chunkSize), { name: 'blobs/sha256/test', ...opts })
}

const base: LayerSpec['entries'] = [
  { path: 'etc', type: 'dir' },
  { path: 'etc/hostname', content: 'box\n', mode: 0o600, uid: 1000, gid: 100 },
  { path: 'bin/sh', size: 70_000, mode: 0o755 },
  { path: 'bin/ash', type: 'link', linkname: 'bin/sh' },
  { path: 'bin/dash', type: 'symlink', linkname: '../bin/sh' },
  { path: 'empty', content: '' },
  { path: 'dev/fifo', type: 'fifo' }
]

const expectedBase: LayerEntry[] = [
  { path: 'etc', kind: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0 },
  {
    path: 'etc/hostname',
    kind: 'file',
    size: 4,
    mode: 0o600,
    uid: 1000,
    gid: 100,
    hash: contentHash('box\n')
  },
  {
    path: 'bin/sh',
    kind: 'file',
    size: 70_000,
    mode: 0o755,
    uid: 0,
    gid: 0,
    hash: contentHash(patternBytes(70_000, 6))
  },
  { path: 'bin/ash', kind: 'hardlink', size: 0, mode: 0o644, uid: 0, gid: 0, linkname: 'bin/sh' },
  {
    path: 'bin/dash',
    kind: 'symlink',
    size: 0,
    mode: 0o644,
    uid: 0,
    gid: 0,
    linkname: '../bin/sh'
  },
  { path: 'empty', kind: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, hash: contentHash('') },
  { path: 'dev/fifo', kind: 'other', size: 0, mode: 0o644, uid: 0, gid: 0 }
]

describe('readLayer: compression', () => {
  it.each([
    ['plain tar', { compression: 'none' }],
    ['gzip', { compression: 'gzip' }],
    ['gzip, 4 members (eStargz style)', { compression: 'gzip', parts: 4 }],
    ['zstd', { compression: 'zstd' }],
    [
      'zstd, 3 frames + skippable frames (zstd:chunked style)',
      { compression: 'zstd', parts: 3, skippableFrames: true }
    ]
  ] as [string, Partial<LayerSpec>][])('%s', async (_name, spec) => {
    const layer = await buildLayer({ entries: base, ...spec })
    const result = await read(layer.blob)
    expect(result.entries).toEqual(expectedBase)
    expect(result.compression).toBe(spec.compression)
    expect(result.tarBytes).toBe(layer.tar.length)
    expect(result.blobBytes).toBe(layer.blob.length)
    expect(result.skippedEntries).toBeUndefined()
  })

  it.each([1, 7, 511, 513])('reads the same entries when chunks are %i bytes', async size => {
    for (const compression of ['none', 'gzip', 'zstd'] as const) {
      const layer = await buildLayer({ entries: base.slice(0, 2), compression, parts: 2 })
      const result = await read(layer.blob, { chunkSize: size })
      expect(result.entries).toEqual(expectedBase.slice(0, 2))
      expect(result.tarBytes).toBe(layer.tar.length)
    }
  })

  it('reads an empty layer (only the end-of-archive blocks) and a tiny gzip whiteout layer', async () => {
    expect(await read(Buffer.alloc(1024))).toEqual({
      entries: [],
      tarBytes: 1024,
      blobBytes: 1024,
      compression: 'none'
    })
    // dive 0.12 failed on gzip layers under 1 KiB
    const tiny = await buildLayer({
      entries: [{ path: 'a/b', type: 'whiteout' }],
      compression: 'gzip'
    })
    expect(tiny.blob.length).toBeLessThan(1024)
    const result = await read(tiny.blob)
    expect(result.entries).toEqual([
      { path: 'a/b', kind: 'whiteout', size: 0, mode: 0o644, uid: 0, gid: 0 }
    ])
    expect(result.blobBytes).toBe(tiny.blob.length)
  })

  it('estimates the gzip size of an uncompressed layer when asked', async () => {
    const layer = await buildLayer({ entries: [{ path: 'a', content: 'x'.repeat(100_000) }] })
    const result = await read(layer.blob, { estimateCompressed: true })
    const expected = gzipSync(layer.tar).length
    expect(result.estimatedGzipBytes).toBeGreaterThan(expected * 0.9)
    expect(result.estimatedGzipBytes).toBeLessThan(expected * 1.1)
    expect((await read(layer.blob)).estimatedGzipBytes).toBeUndefined()
  })
})

describe('readLayer: entries', () => {
  it('recognises whiteouts and opaque markers', async () => {
    const layer = await buildLayer({
      entries: [
        { path: 'a/b', type: 'whiteout' },
        { path: 'top', type: 'whiteout' },
        { path: 'var/cache', type: 'opaque' },
        { path: '', type: 'opaque' },
        { path: 'x/.wh..wh.plnk', content: '' }
      ]
    })
    const result = await read(layer.blob)
    expect(result.entries.map(e => [e.kind, e.path, e.size])).toEqual([
      ['whiteout', 'a/b', 0],
      ['whiteout', 'top', 0],
      ['opaque', 'var/cache', 0],
      ['opaque', '', 0],
      ['other', 'x/.wh..wh.plnk', 0]
    ])
    expect(result.entries.every(e => e.hash === undefined)).toBe(true)
  })

  it('normalises paths and hard-link targets, and skips names that escape the root', async () => {
    const warnings: string[] = []
    const layer = await buildLayer({
      entries: [
        { path: './', type: 'dir' },
        { path: './usr//lib/', type: 'dir' },
        { path: '/abs/file', content: 'a' },
        { path: './usr/./lib/x', content: 'b' },
        { path: 'usr/lib/y', type: 'link', linkname: './usr/lib//x' },
        { path: '../evil', content: 'c' },
        { path: 'a/../../evil2', content: 'd' },
        { path: 'z', type: 'link', linkname: '../../etc/passwd' },
        { path: 'after', content: 'e' }
      ]
    })
    const result = await read(layer.blob, { onWarning: w => warnings.push(w) })
    expect(result.entries.map(e => [e.path, e.kind, e.linkname])).toEqual([
      ['', 'dir', undefined],
      ['usr/lib', 'dir', undefined],
      ['abs/file', 'file', undefined],
      ['usr/lib/x', 'file', undefined],
      ['usr/lib/y', 'hardlink', 'usr/lib/x'],
      ['after', 'file', undefined]
    ])
    expect(result.skippedEntries).toBe(3)
    expect(warnings).toEqual([
      'layer blobs/sha256/test: skipped entry "../evil" points outside the layer root',
      'layer blobs/sha256/test: skipped entry "a/../../evil2" points outside the layer root',
      'layer blobs/sha256/test: skipped hard link "z" points outside the layer root ("../../etc/passwd")'
    ])
  })

  it('reads PAX long names and long link targets (> 100 characters)', async () => {
    const long = `opt/${'very-long-directory-name/'.repeat(8)}file.txt`
    const target = `/${'t'.repeat(150)}`
    const layer = await buildLayer({
      entries: [
        { path: long, content: 'long' },
        { path: 'l', type: 'symlink', linkname: target },
        { path: `${long}.hard`, type: 'link', linkname: long }
      ]
    })
    expect(layer.tar.includes(Buffer.from('path='))).toBe(true) // tar-stream wrote PAX records
    const result = await read(layer.blob)
    expect(long.length).toBeGreaterThan(200)
    expect(result.entries.map(e => [e.path, e.kind, e.linkname, e.hash])).toEqual([
      [long, 'file', undefined, contentHash('long')],
      ['l', 'symlink', target, undefined],
      [`${long}.hard`, 'hardlink', long, undefined]
    ])
  })

  it('reads GNU long names (typeflag L) and long link targets (typeflag K)', async () => {
    const long = `usr/share/${'gnu-long-name-'.repeat(12)}end`
    const target = `../${'x'.repeat(140)}`
    const tarBytes = await layerTar([
      { path: 'before', content: '1' },
      gnuLongNameEntry(long, Buffer.from('gnu')),
      gnuLongLinkEntry('link', target),
      { path: 'after', content: '2' }
    ])
    const result = await read(tarBytes)
    expect(result.entries.map(e => [e.path, e.kind, e.size, e.linkname, e.hash])).toEqual([
      ['before', 'file', 1, undefined, contentHash('1')],
      [long, 'file', 3, undefined, contentHash('gnu')],
      ['link', 'symlink', 0, target, undefined],
      ['after', 'file', 1, undefined, contentHash('2')]
    ])
    expect(result.tarBytes).toBe(tarBytes.length)
  })

  it('does not stop at a PAX global header (dive aborts the layer there)', async () => {
    const tarBytes = await layerTar([
      paxGlobalHeader({ comment: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed' }),
      { path: 'a', content: 'A' },
      { path: 'b', type: 'dir' }
    ])
    const result = await read(gzipSync(tarBytes))
    expect(result.entries.map(e => [e.path, e.kind])).toEqual([
      ['a', 'file'],
      ['b', 'dir']
    ])
  })

  it('takes uid and gid from PAX records when the header fields cannot hold them', async () => {
    const pax = rawEntry(
      { name: 'PaxHeaders/big', typeflag: 'x' },
      paxRecords({ uid: '3000000000', gid: '2000000000' })
    )
    const tarBytes = await layerTar([pax, { path: 'big', content: 'x' }])
    const [entry] = (await read(tarBytes)).entries
    expect([entry.uid, entry.gid]).toEqual([3_000_000_000, 2_000_000_000])
  })

  it('streams a 6 MB file through the hash, reporting progress', async () => {
    const big = patternBytes(6 * 1024 * 1024, 42)
    const layer = await buildLayer({
      entries: [{ path: 'big.bin', content: big }],
      compression: 'gzip'
    })
    const progress: number[] = []
    const result = await read(layer.blob, { onProgress: n => progress.push(n) })
    expect(result.entries[0]).toMatchObject({
      path: 'big.bin',
      size: big.length,
      hash: contentHash(big)
    })
    expect(result.tarBytes).toBe(big.length + 512 + 1024)
    expect(progress.length).toBeGreaterThan(10)
    expect(progress.at(-1)).toBe(layer.blob.length)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('holds back a fast producer instead of buffering the layer (backpressure)', async () => {
    const big = patternBytes(12 * 1024 * 1024, 7)
    const layer = await buildLayer({
      entries: [{ path: 'big.bin', content: big }],
      compression: 'gzip'
    })
    const parser = new LayerParser({})
    let maxQueued = 0
    const source = streamOf(layer.blob, 256 * 1024)
    source.on('data', () => (maxQueued = Math.max(maxQueued, parser.input.writableLength)))
    feed(source, parser.input)
    const result = await parser.result
    expect(result.entries[0].hash).toBe(contentHash(big))
    expect(maxQueued).toBeLessThanOrEqual(1024 * 1024)
  })
})

describe('readLayer: broken input fails with a clear error', () => {
  const ERR = /^layer blobs\/sha256\/test: /

  async function sample(): Promise<Buffer> {
    return packTar([
      { path: 'one', size: 2000 },
      { path: 'two', size: 3000 }
    ])
  }

  it.each([
    [
      'inside the second header',
      2560 + 100,
      /ends in the middle of an entry, after entry "one" \(entry 1\) \(truncated archive\?\)/
    ],
    [
      'inside file data',
      512 + 1000,
      /ends in the middle of an entry, after entry "one" \(entry 1\)/
    ],
    ['inside data, on a block boundary', 512 + 1024, /ends in the middle of an entry/],
    ['right after the first header', 512, /ends in the middle of an entry/]
  ])(
    'plain tar cut %s',
    async (_where, cut, message) => {
      const tarBytes = await sample()
      await expect(read(tarBytes.subarray(0, cut))).rejects.toThrow(message)
      await expect(read(tarBytes.subarray(0, cut))).rejects.toThrow(ERR)
    },
    5000
  )

  it('a tar cut between entries reads, with a warning about the missing end marker', async () => {
    const warnings: string[] = []
    const tarBytes = await sample()
    const result = await read(tarBytes.subarray(0, 2560), { onWarning: w => warnings.push(w) })
    expect(result.entries.map(e => e.path)).toEqual(['one'])
    expect(warnings).toEqual([
      'layer blobs/sha256/test: the tar stream has no end-of-archive marker; the blob may be truncated'
    ])
  }, 5000)

  it.each([100, 1000, -30, -4])(
    'gzip cut at %i',
    async cut => {
      const blob = gzipSync(await sample())
      await expect(read(blob.subarray(0, cut))).rejects.toThrow(
        /^layer blobs\/sha256\/test: (the gzip stream ends early \(truncated blob\?\)|the tar stream ends)/
      )
    },
    5000
  )

  it.each([20, 1500, -10, -1])(
    'zstd cut at %i',
    async cut => {
      const blob = zstdCompress(await sample())
      await expect(read(blob.subarray(0, cut))).rejects.toThrow(
        'layer blobs/sha256/test: the zstd stream ends early (truncated blob?)'
      )
    },
    5000
  )

  it('corrupt gzip data', async () => {
    const blob = gzipSync(await sample())
    blob.fill(0xff, 20, 200)
    await expect(read(blob)).rejects.toThrow(
      /^layer blobs\/sha256\/test: the gzip (data is corrupt|stream ends early)/
    )
  }, 5000)

  it('corrupt zstd data', async () => {
    const blob = zstdCompress(await sample())
    blob.fill(0xff, 10, 200)
    // libzstd notices; fzstd (Node < 22.15) may decode garbage, which the tar parser then rejects
    await expect(read(blob)).rejects.toThrow(
      /^layer blobs\/sha256\/test: (the zstd (data is corrupt|stream|frame|block)|the tar data is corrupt)/
    )
  }, 5000)

  it('a header with a bad checksum', async () => {
    const tarBytes = await sample()
    tarBytes[2560 + 10] ^= 0x55 // inside the name of the second header
    await expect(read(tarBytes)).rejects.toThrow(
      'layer blobs/sha256/test: the tar data is corrupt: a header after entry "one" (entry 1) is not a valid tar header (damaged or truncated archive?)'
    )
  }, 5000)

  it.each([
    ['JSON', Buffer.from('{"schemaVersion":2}'), 'it looks like JSON'],
    ['empty', Buffer.alloc(0), 'it is empty'],
    ['random bytes', patternBytes(4096), 'it holds unrecognised binary data']
  ])(
    '%s is not a layer',
    async (_name, data, why) => {
      await expect(read(data)).rejects.toThrow(
        `layer blobs/sha256/test: is not a tar, gzip or zstd stream (${why}`
      )
    },
    5000
  )

  it('names the source error when the stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('EIO: i/o error'))
      }
    })
    await expect(readLayer(failing, { name: 'x.tar' })).rejects.toThrow(
      'layer x.tar: cannot read the blob: EIO: i/o error'
    )
  }, 5000)
})

describe('readLayer: limits', () => {
  it('stops at maxEntries and says how to raise it', async () => {
    const tarBytes = await packTar([{ path: 'a' }, { path: 'b' }, { path: 'c' }])
    await expect(read(tarBytes, { maxEntries: 2 })).rejects.toThrow(
      'layer blobs/sha256/test: has more than 2 entries, the limit; raise it with --max-entries (CLI) or the max-entries input'
    )
    expect((await read(tarBytes, { maxEntries: 3 })).entries).toHaveLength(3)
  }, 5000)

  it('stops at maxPathLength and says how to raise it', async () => {
    const tarBytes = await packTar([{ path: 'short' }, { path: 'a/much/longer/path' }])
    await expect(read(tarBytes, { maxPathLength: 10 })).rejects.toThrow(
      /^layer blobs\/sha256\/test: has an entry path of 18 characters \("a\/much\/longer\/path…"\), over the limit of 10; raise it with --max-path-length \(CLI\) or the max-path-length input$/
    )
  }, 5000)
})
