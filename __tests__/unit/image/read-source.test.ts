import { describe, expect, it } from '@jest/globals'
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import {
  readImageArchiveFile,
  readImageSource,
  readOciLayoutDir
} from '../../../src/image/archive/index.js'
import {
  blobPath,
  buildImage,
  sampleImage,
  tempDir,
  writeContainerdArchive,
  writeLegacyArchive,
  writeOciDir,
  writeTemp,
  type BuiltImage
} from '../../support/image-fixtures.js'

async function gzipLayers(): Promise<BuiltImage> {
  const base = await sampleImage()
  return sampleImage({
    layers: base.layers.map(l => ({ ...l.spec, compression: 'gzip' as const }))
  })
}

describe('readImageArchiveFile', () => {
  it('reads a file and reports progress against its size', async () => {
    const image = await sampleImage()
    const path = writeTemp(await writeLegacyArchive(image), 'image.tar')
    const progress: [number, number | undefined][] = []
    const result = await readImageArchiveFile(path, {
      onProgress: (n, total) => progress.push([n, total])
    })
    expect(result.id).toBe(image.configDigest)
    expect(result.source).toEqual({
      kind: 'archive',
      layout: 'docker-legacy',
      path,
      platforms: ['linux/amd64']
    })
    const size = statSync(path).size
    expect(progress.at(-1)).toEqual([size, size])
  })

  it('reads a .tar.gz', async () => {
    const image = await gzipLayers()
    const path = writeTemp(gzipSync(await writeContainerdArchive(image)), 'image.tar.gz')
    const result = await readImageArchiveFile(path)
    expect(result.layers.map(l => [l.read.compression, l.digest])).toEqual(
      image.layers.map(l => ['gzip', l.digest])
    )
  })

  it('names the file in errors', async () => {
    const path = writeTemp(Buffer.from('not an archive at all'), 'notes.txt')
    await expect(readImageArchiveFile(path)).rejects.toThrow(
      `image archive ${path}: is not a tar archive (it looks like text)`
    )
    await expect(readImageArchiveFile('/nonexistent/x.tar')).rejects.toThrow(
      'image archive /nonexistent/x.tar: no such file'
    )
  })

  it('names the file when it is cut short', async () => {
    const archive = await writeLegacyArchive(await sampleImage())
    const path = writeTemp(archive.subarray(0, archive.length - 3000), 'cut.tar')
    await expect(readImageArchiveFile(path)).rejects.toThrow(
      `image archive ${path}: the archive ends in entry`
    )
  }, 5000)
})

describe('readOciLayoutDir', () => {
  it('reads only the layers of the chosen platform, in order', async () => {
    const make = (platform: string, n: number): Promise<BuiltImage> =>
      buildImage({
        platform,
        reference: 'example/dir:1',
        layers: [1, 2, 3].map(i => ({
          entries: [{ path: `${platform}/${i}`, size: n * i }],
          compression: 'gzip' as const
        }))
      })
    const images = [await make('linux/amd64', 100), await make('linux/arm64', 200)]
    const dir = writeOciDir(images, tempDir(), { nestedIndex: true, attestation: true })
    const progress: [number, number | undefined][] = []
    const result = await readOciLayoutDir(dir, {
      platform: 'linux/arm64',
      onProgress: (n, t) => progress.push([n, t])
    })
    expect(result.layers.map(l => l.read.entries[0].path)).toEqual([
      'linux/arm64/1',
      'linux/arm64/2',
      'linux/arm64/3'
    ])
    expect(result.layers.map(l => l.digest)).toEqual(images[1].layers.map(l => l.digest))
    expect(result.source).toEqual({
      kind: 'oci-dir',
      layout: 'oci',
      path: dir,
      platforms: ['linux/amd64', 'linux/arm64']
    })
    const total = images[1].layers.reduce((n, l) => n + l.blob.length, 0)
    expect(progress.at(-1)).toEqual([total, total])
  })

  it('names a missing layer blob', async () => {
    const image = await gzipLayers()
    const dir = writeOciDir(image, tempDir())
    rmSync(join(dir, blobPath(image.layers[0].digest)))
    await expect(readOciLayoutDir(dir)).rejects.toThrow(
      `OCI layout ${dir}: layer 1 of 2 (${image.layers[0].digest}) is not in the archive. The image must be exported with all its layers`
    )
  })

  it('reports a corrupt index.json with the directory', async () => {
    const dir = writeOciDir(await sampleImage(), tempDir())
    writeFileSync(join(dir, 'index.json'), '{"manifests": [')
    await expect(readOciLayoutDir(dir)).rejects.toThrow(
      new RegExp(`^OCI layout ${dir}: index.json is not valid JSON: `)
    )
  })

  it('reports a directory without index.json', async () => {
    const dir = tempDir()
    await expect(readOciLayoutDir(dir)).rejects.toThrow(
      `OCI layout ${dir}: is not an image archive: it has neither manifest.json nor index.json`
    )
  })
})

describe('readImageSource', () => {
  it('dispatches oci:<dir>, layout directories and files', async () => {
    const image = await gzipLayers()
    const dir = writeOciDir(image, tempDir())
    const file = writeTemp(await writeLegacyArchive(image), 'image.tar')
    expect((await readImageSource(`oci:${dir}`)).source.kind).toBe('oci-dir')
    expect((await readImageSource(dir)).source.kind).toBe('oci-dir')
    expect((await readImageSource(file)).source).toMatchObject({ kind: 'archive', path: file })
    expect((await readImageSource(`docker-archive:${file}`)).id).toBe(image.configDigest)
  })

  it('takes the reference from oci:<dir>:<ref>', async () => {
    const a = await buildImage({
      reference: 'a:1',
      layers: [{ entries: [{ path: 'a', content: 'a' }] }]
    })
    const b = await buildImage({
      reference: 'b:2',
      layers: [{ entries: [{ path: 'b', content: 'b' }] }]
    })
    const dir = tempDir()
    writeOciDir(a, join(dir, 'a'))
    writeOciDir(b, join(dir, 'b'))
    // merge b's blobs and index entry into a's layout
    const merged = join(dir, 'merged')
    writeOciDir([a], merged)
    writeOciDir([b], join(dir, 'tmp'))
    const fs = await import('node:fs')
    for (const name of fs.readdirSync(join(dir, 'tmp', 'blobs', 'sha256'))) {
      fs.copyFileSync(
        join(dir, 'tmp', 'blobs', 'sha256', name),
        join(merged, 'blobs', 'sha256', name)
      )
    }
    const indexA = JSON.parse(fs.readFileSync(join(merged, 'index.json'), 'utf8'))
    const indexB = JSON.parse(fs.readFileSync(join(dir, 'tmp', 'index.json'), 'utf8'))
    indexA.manifests.push(...indexB.manifests)
    writeFileSync(join(merged, 'index.json'), JSON.stringify(indexA))
    const result = await readImageSource(`oci:${merged}:2`)
    expect(result.id).toBe(b.configDigest)
    expect(result.reference).toBe('docker.io/library/b:2')
  })

  it('says what it expected for anything else', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'plain'))
    await expect(readImageSource(join(dir, 'plain'))).rejects.toThrow(
      `${join(dir, 'plain')} is a directory but not an OCI image layout (it has no oci-layout or index.json file)`
    )
    await expect(readImageSource(join(dir, 'missing.tar'))).rejects.toThrow(
      `${join(dir, 'missing.tar')} is neither an image archive file nor an OCI layout directory (no such file or directory). Pass a file made by docker save / podman save / skopeo copy, or oci:<dir>`
    )
  })
})
