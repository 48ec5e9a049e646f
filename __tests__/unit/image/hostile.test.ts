// Regressions found by the fuzz harness (scripts/fuzz, docs/reliability.md): each input once
// crashed, hung, read outside its directory or produced an unclear message.

import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readOciLayoutDir } from '../../../src/image/archive/index.js'
import { tidyConfig } from '../../../src/image/archive/config.js'
import { listSome } from '../../../src/image/archive/paths.js'
import { oneLine, position, quoteName } from '../../../src/image/layer/errors.js'
import { toLayerEntry } from '../../../src/image/layer/entry.js'
import { blobPath, sampleImage, tempDir, writeOciDir } from '../../support/image-fixtures.js'

describe('messages built from archive names', () => {
  it('quotes a name, escapes control characters and cuts a long one', () => {
    expect(quoteName('usr/bin/x')).toBe('"usr/bin/x"')
    expect(quoteName('a\nb')).toBe('"a\\nb"')
    const long = quoteName('deep/'.repeat(1000))
    expect(long.length).toBeLessThan(130)
    expect(long).toMatch(/…"$/)
    expect(position('deep/'.repeat(1000), 3).length).toBeLessThan(150)
  })

  it('makes any message one bounded line', () => {
    expect(oneLine('manifest.json is not valid JSON: "// hi\n[{"')).toBe(
      'manifest.json is not valid JSON: "// hi [{"'
    )
    expect(oneLine('x'.repeat(5000)).length).toBe(1001)
    expect(oneLine('a\u0000\u001b[31mb')).toBe('a [31mb')
  })

  it('lists at most ten items of a list from the archive', () => {
    const tags = Array.from({ length: 1000 }, (_, i) => `x/y:${i}`)
    expect(listSome(tags)).toBe(`${tags.slice(0, 10).join(', ')} and 990 more`)
    expect(listSome(['a', 'b'])).toBe('a, b')
  })
})

describe('tar headers with garbage', () => {
  it('reads garbled numeric fields as 0, never NaN', () => {
    const result = toLayerEntry({ name: 'a', type: 'file', size: 1, uid: NaN, gid: -1, mode: NaN })
    expect(result).toEqual({ entry: expect.objectContaining({ uid: 0, gid: 0, mode: 0 }) })
  })

  it('does not take `.wh..` or `.wh...` for a whiteout of the parent', () => {
    for (const name of ['etc/.wh..', 'etc/.wh...']) {
      const result = toLayerEntry({ name, type: 'file', size: 0 })
      expect(result).toEqual({ entry: expect.objectContaining({ kind: 'other', path: name }) })
    }
    expect(toLayerEntry({ name: 'etc/.wh.passwd', type: 'file' })).toEqual({
      entry: expect.objectContaining({ kind: 'whiteout', path: 'etc/passwd' })
    })
  })
})

describe('image configs with the wrong types', () => {
  it('drops fields of the wrong type instead of passing them on', () => {
    const config = tidyConfig({
      os: 'linux',
      architecture: 7,
      config: { Env: ['A=1', 3, null], Cmd: 'sh', User: {} },
      rootfs: { type: 'layers', diff_ids: [] },
      history: [{ created_by: { constructor: 'x' }, empty_layer: 'yes' }, 'row', { comment: 'c' }]
    })
    expect(config).toEqual({
      os: 'linux',
      config: { Env: ['A=1'] },
      rootfs: { type: 'layers', diff_ids: [] },
      history: [{}, {}, { comment: 'c' }]
    })
  })
})

describe('OCI layout directories with hostile files', () => {
  it('refuses a blob that links outside the layout', async () => {
    const image = await sampleImage()
    const dir = writeOciDir(image, tempDir())
    const blob = blobPath(image.layers[0].digest)
    rmSync(join(dir, blob))
    symlinkSync('/dev/zero', join(dir, blob))
    await expect(readOciLayoutDir(dir)).rejects.toThrow(
      `OCI layout ${dir}: ${blob} is a symlink to /dev/zero, outside the layout: refusing to read it`
    )
  })

  it('refuses index.json linked to a file outside the layout', async () => {
    const dir = writeOciDir(await sampleImage(), tempDir())
    const outside = join(tempDir(), 'secret.json')
    writeFileSync(outside, '{"manifests": []}')
    rmSync(join(dir, 'index.json'))
    symlinkSync(outside, join(dir, 'index.json'))
    await expect(readOciLayoutDir(dir)).rejects.toThrow(
      /index\.json is a symlink to .*, outside the layout/
    )
  })

  it('refuses a FIFO blob instead of blocking on it forever', async () => {
    const image = await sampleImage()
    const dir = writeOciDir(image, tempDir())
    const blob = blobPath(image.layers[1].digest)
    rmSync(join(dir, blob))
    execFileSync('mkfifo', [join(dir, blob)])
    await expect(readOciLayoutDir(dir)).rejects.toThrow(
      `${blob} is a FIFO, socket or device, not a regular file: refusing to read it`
    )
  })

  it('follows a symlink that stays inside the layout', async () => {
    const image = await sampleImage()
    const dir = writeOciDir(image, tempDir())
    const blob = blobPath(image.layers[0].digest)
    const copy = join(dir, 'blobs', 'copy')
    execFileSync('cp', [join(dir, blob), copy])
    rmSync(join(dir, blob))
    symlinkSync('../copy', join(dir, blob))
    const result = await readOciLayoutDir(dir)
    expect(result.layers).toHaveLength(image.layers.length)
  })
})

describe('a source that is a path to nothing', () => {
  it('says the file does not exist instead of asking the engine for an image of that name', async () => {
    const { readImage, looksLikePath } = await import('../../../src/image/source.js')
    await expect(readImage('/nonexistent/app.tar', {})).rejects.toThrow(
      '/nonexistent/app.tar does not exist (an image archive or OCI layout directory was expected there)'
    )
    expect(looksLikePath('./image.tar.gz')).toBe(true)
    expect(looksLikePath('build/app.tar')).toBe(true)
    expect(looksLikePath('myapp:latest')).toBe(false)
    expect(looksLikePath('ghcr.io/acme/app:1.2')).toBe(false)
    expect(looksLikePath('sha256:0123')).toBe(false)
  })
})

describe('a JSON document nested 100 000 deep', () => {
  it('is one clear error, not a stack overflow', async () => {
    const dir = writeOciDir(await sampleImage(), tempDir())
    writeFileSync(join(dir, 'index.json'), '['.repeat(100_000) + ']'.repeat(100_000))
    const err = await readOciLayoutDir(dir).then(
      () => undefined,
      (e: Error) => e
    )
    expect(err?.message).toMatch(new RegExp(`^OCI layout ${dir}: `))
    expect(err?.message).not.toMatch(/call stack/)
    expect((err?.cause as Error | undefined)?.name).not.toBe('RangeError')
  })
})

describe('a layer whose decompressor finishes while the archive still feeds it', () => {
  // From the fuzzer (tar-of-tars + a size past the end): a gzip layer entry that runs on into
  // the rest of the archive. zlib stops at the end of the gzip member; the writer it had told
  // to wait was never released, so the read hung with its source paused.
  it('settles when fed in small chunks', async () => {
    const { readImageArchiveStream } = await import('../../../src/image/archive/index.js')
    const { Readable } = await import('node:stream')
    const { readFileSync } = await import('node:fs')
    const archive = readFileSync('__tests__/fixtures/fuzz/tar-of-tars-size-past-end.tar')
    let at = 0
    const stream = new Readable({
      read() {
        if (at >= archive.length) return void this.push(null)
        this.push(archive.subarray(at, at + 512))
        at += 512
      }
    })
    const settled = await Promise.race([
      readImageArchiveStream(stream).then(
        () => 'resolved',
        (e: Error) => e.message
      ),
      new Promise(resolve => setTimeout(() => resolve('pending after 5 s'), 5_000))
    ])
    expect(settled).toMatch(
      /^image archive: the archive ends in entry "blobs\/sha256\/662bc62a5593…"/
    )
  }, 20_000)
})
