import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { readImageArchiveStream, type ReadOptions } from '../../../src/image/archive/index.js'
import type { ImageData } from '../../../src/image/types.js'
import {
  blobPath,
  buildImage,
  contentHash,
  hexOf,
  layoutEntries,
  ociLayoutFiles,
  packArchive,
  patternBytes,
  sampleImage,
  writeContainerdArchive,
  writeDocker25Archive,
  writeLegacyArchive,
  writeOciArchive,
  writePodmanDockerArchive,
  zstdCompress,
  type BuiltImage,
  type LayerSpec
} from '../../support/image-fixtures.js'

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

function readArchive(data: Buffer, opts: ReadOptions = {}, chunkSize?: number): Promise<ImageData> {
  return readImageArchiveStream(streamOf(data, chunkSize), opts)
}

/** What every layout must agree on for the sample image. */
function expectSample(result: ImageData, image: BuiltImage): void {
  expect(result.id).toBe(image.configDigest)
  expect(result.reference).toBe('example/app:1.0')
  expect(result.platform).toEqual({ os: 'linux', architecture: 'amd64' })
  expect(result.config).toEqual(image.config)
  expect(result.layers.map(l => l.diffId)).toEqual(image.layers.map(l => l.diffId))
  expect(result.layers.map(l => l.read.tarBytes)).toEqual(image.layers.map(l => l.tar.length))
  const [base, top] = result.layers.map(l => l.read.entries)
  expect(base.map(e => [e.path, e.kind, e.size])).toEqual([
    ['etc', 'dir', 0],
    ['etc/os-release', 'file', 8],
    ['bin', 'dir', 0],
    ['bin/sh', 'file', 3000],
    ['bin/ash', 'hardlink', 0],
    ['tmp', 'dir', 0]
  ])
  expect(base[1].hash).toBe(contentHash('ID=test\n'))
  expect(base[4].linkname).toBe('bin/sh')
  expect(top.map(e => [e.path, e.kind, e.size, e.uid])).toEqual([
    ['usr/bin', 'dir', 0, 0],
    ['usr/bin/curl', 'file', 2000, 1000],
    ['etc/os-release', 'whiteout', 0, 0],
    ['tmp', 'opaque', 0, 0]
  ])
}

describe('readImageArchiveStream: layouts', () => {
  it('Docker <= 24 legacy save: manifest.json + <id>/layer.tar', async () => {
    const image = await sampleImage()
    const result = await readArchive(await writeLegacyArchive(image))
    expectSample(result, image)
    expect(result.source).toEqual({
      kind: 'archive',
      layout: 'docker-legacy',
      platforms: ['linux/amd64']
    })
    expect(
      result.layers.map(l => [l.digest, l.mediaType, l.descriptorSize, l.read.compression])
    ).toEqual([
      [undefined, undefined, undefined, 'none'],
      [undefined, undefined, undefined, 'none']
    ])
    expect(result.layers[0].read.blobBytes).toBe(image.layers[0].tar.length)
  })

  it('legacy save where a repeated layer is a symlink to the first copy', async () => {
    const same: LayerSpec = { entries: [{ path: 'same', content: 'x' }] }
    const image = await buildImage({
      layers: [same, { entries: [{ path: 'mid', content: 'm' }] }, same]
    })
    const archive = await writeLegacyArchive(image)
    expect(archive.includes(Buffer.from(`../${hexOf(image.configDigest)}`))).toBe(false)
    const result = await readArchive(archive)
    expect(result.layers.map(l => l.read.entries.map(e => e.path))).toEqual([
      ['same'],
      ['mid'],
      ['same']
    ])
    expect(result.layers[2].read).toBe(result.layers[0].read)
    expect(result.reference).toBeUndefined()
  })

  it.each([
    ['manifest names the root <hex>.tar files', false],
    ['manifest names the <v1id>/layer.tar symlinks', true]
  ])('podman docker-archive: %s', async (_name, layersViaSymlinks) => {
    const same: LayerSpec = { entries: [{ path: 'shared', size: 700 }] }
    const image = await buildImage({
      reference: 'localhost/app:dev',
      layers: [same, { entries: [{ path: 'x', content: 'x' }] }, same]
    })
    const result = await readArchive(await writePodmanDockerArchive(image, { layersViaSymlinks }))
    expect(result.source.layout).toBe('docker-legacy')
    expect(result.reference).toBe('localhost/app:dev')
    expect(result.layers.map(l => l.read.entries.map(e => [e.path, e.size]))).toEqual([
      [['shared', 700]],
      [['x', 1]],
      [['shared', 700]]
    ])
    expect(result.layers.map(l => l.diffId)).toEqual(image.layers.map(l => l.diffId))
  })

  it('Docker 25+ classic store: OCI layout + manifest.json, uncompressed blobs named by DiffID, blobs first', async () => {
    const image = await sampleImage()
    const archive = await writeDocker25Archive(image)
    expect(archive.indexOf('index.json')).toBeGreaterThan(archive.indexOf(image.layers[1].tar))
    const result = await readArchive(archive)
    expectSample(result, image)
    expect(result.source).toEqual({
      kind: 'archive',
      layout: 'docker-oci',
      platforms: ['linux/amd64']
    })
    expect(result.layers.map(l => [l.digest, l.mediaType, l.descriptorSize])).toEqual(
      image.layers.map(l => [l.diffId, 'application/vnd.oci.image.layer.v1.tar', l.tar.length])
    )
  })

  it('containerd store export: gzip and zstd blobs, descriptors from the OCI manifest', async () => {
    const base = await sampleImage()
    const image = await sampleImage({
      layers: [
        { ...firstSpec(base), compression: 'gzip' },
        { ...secondSpec(base), compression: 'zstd' }
      ]
    })
    const result = await readArchive(await writeContainerdArchive(image))
    expectSample(result, image)
    expect(result.source.layout).toBe('docker-oci')
    expect(
      result.layers.map(l => [
        l.digest,
        l.mediaType,
        l.descriptorSize,
        l.read.compression,
        l.read.blobBytes
      ])
    ).toEqual([
      [
        image.layers[0].digest,
        'application/vnd.oci.image.layer.v1.tar+gzip',
        image.layers[0].blob.length,
        'gzip',
        image.layers[0].blob.length
      ],
      [
        image.layers[1].digest,
        'application/vnd.oci.image.layer.v1.tar+zstd',
        image.layers[1].blob.length,
        'zstd',
        image.layers[1].blob.length
      ]
    ])
  })

  it('buildx --output type=oci: no manifest.json, reference from the index annotations', async () => {
    const image = await sampleImage({
      layers: (await sampleImage()).layers.map(l => ({ ...l.spec, compression: 'gzip' as const }))
    })
    const result = await readArchive(await writeOciArchive(image))
    expectSample({ ...result, reference: 'example/app:1.0' }, image)
    expect(result.reference).toBe('docker.io/library/example/app:1.0')
    expect(result.source.layout).toBe('oci')
  })

  it('buildx --output type=docker: Docker media types', async () => {
    const image = await sampleImage({
      dockerMediaTypes: true,
      layers: (await sampleImage()).layers.map(l => ({ ...l.spec, compression: 'gzip' as const }))
    })
    const result = await readArchive(
      await writeContainerdArchive(image, { nestedIndex: true, dockerManifestList: true })
    )
    expect(result.layers.map(l => l.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
      'application/vnd.docker.image.rootfs.diff.tar.gzip'
    ])
    expect(result.id).toBe(image.configDigest)
  })

  it('reads manifests that come before the blobs as well', async () => {
    const image = await sampleImage()
    const entries = layoutEntries(ociLayoutFiles([image], { manifestJson: true }))
    const result = await readArchive(await packArchive(entries.reverse()))
    expectSample(result, image)
  })

  it.each([
    ['gzip', gzipSync],
    ['zstd', zstdCompress]
  ])('reads a whole archive compressed with %s (.tar.gz)', async (_name, compress) => {
    const image = await sampleImage()
    const archive = await writeDocker25Archive(image)
    const progress: number[] = []
    const result = await readArchive(compress(archive), { onProgress: n => progress.push(n) })
    expectSample(result, image)
    expect(progress.at(-1)).toBe(compress(archive).length)
  })

  it('reads an archive fed in tiny chunks', async () => {
    const image = await sampleImage({
      layers: (await sampleImage()).layers.map(l => ({ ...l.spec, compression: 'gzip' as const }))
    })
    expectSample(await readArchive(await writeContainerdArchive(image), {}, 333), image)
  })

  it('streams a 6 MB layer without trouble', async () => {
    const big = patternBytes(6 * 1024 * 1024, 9)
    const image = await buildImage({ layers: [{ entries: [{ path: 'big.bin', content: big }] }] })
    const result = await readArchive(await writeLegacyArchive(image))
    expect(result.layers[0].read.entries[0]).toMatchObject({
      path: 'big.bin',
      size: big.length,
      hash: contentHash(big)
    })
  })
})

function firstSpec(image: BuiltImage): LayerSpec {
  return image.layers[0].spec
}

function secondSpec(image: BuiltImage): LayerSpec {
  return image.layers[1].spec
}

async function platformImages(): Promise<BuiltImage[]> {
  const make = (platform: string, file: string): Promise<BuiltImage> =>
    buildImage({
      platform,
      reference: 'example/multi:1',
      layers: [{ entries: [{ path: file, content: platform }], compression: 'gzip' }]
    })
  return [
    await make('linux/amd64', 'amd64.txt'),
    await make('linux/arm64/v8', 'arm64.txt'),
    await make('linux/arm/v7', 'arm.txt')
  ]
}

describe('readImageArchiveStream: platforms and indexes', () => {
  it('follows a nested index, skips attestation manifests and picks the asked platform', async () => {
    const images = await platformImages()
    const archive = await writeOciArchive(images, { nestedIndex: true, attestation: true })
    const arm = await readArchive(archive, { platform: 'linux/arm64' })
    expect(arm.layers[0].read.entries.map(e => e.path)).toEqual(['arm64.txt'])
    expect(arm.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect(arm.id).toBe(images[1].configDigest)
    expect(arm.source.platforms).toEqual(['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'])
    const v7 = await readArchive(archive, { platform: 'linux/arm' })
    expect(v7.layers[0].read.entries.map(e => e.path)).toEqual(['arm.txt'])
  })

  it('defaults to the host platform when several are present', async () => {
    const images = await platformImages()
    const result = await readArchive(
      await writeOciArchive(images, { nestedIndex: true, attestation: true })
    )
    const expected = { x64: 'amd64.txt', arm64: 'arm64.txt', arm: 'arm.txt' }[process.arch as 'x64']
    expect(result.layers[0].read.entries.map(e => e.path)).toEqual([expected])
  })

  it('says which platforms exist when the asked one is missing', async () => {
    const images = await platformImages()
    const archive = await writeOciArchive(images, { nestedIndex: true, attestation: true })
    await expect(readArchive(archive, { platform: 'linux/s390x' })).rejects.toThrow(
      'image archive: platform linux/s390x is not in this image; it has: linux/amd64, linux/arm64/v8, linux/arm/v7. Ask for one of those (the `platform` input, or --platform)'
    )
  })

  it('uses the only platform present even when it is not the host one, unless another is asked', async () => {
    const [, arm] = await platformImages()
    const archive = await writeOciArchive([arm], { attestation: true })
    const result = await readArchive(archive)
    expect(result.layers[0].read.entries.map(e => e.path)).toEqual(['arm64.txt'])
    await expect(readArchive(archive, { platform: 'linux/amd64' })).rejects.toThrow(
      'platform linux/amd64 is not in this image; it has: linux/arm64/v8.'
    )
  })

  it('containerd export of one platform of a multi-platform image (other blobs skipped)', async () => {
    const images = await platformImages()
    const archive = await writeContainerdArchive(images, {
      nestedIndex: true,
      attestation: true,
      onlyFirstPlatformBlobs: true
    })
    const result = await readArchive(archive)
    expect(result.source.platforms).toEqual(['linux/amd64'])
    expect(result.layers[0].read.entries.map(e => e.path)).toEqual(['amd64.txt'])
    await expect(readArchive(archive, { platform: 'linux/arm64' })).rejects.toThrow(
      'image archive: platform linux/arm64 is listed in the image index, but its manifest is not in the archive (the archive holds: linux/amd64). Export the image again for that platform, e.g. docker save --platform linux/arm64'
    )
  })

  it('names the missing layer blob and says how to export it completely', async () => {
    const image = await sampleImage({
      layers: (await sampleImage()).layers.map(l => ({ ...l.spec, compression: 'gzip' as const }))
    })
    const archive = await writeContainerdArchive(image, { missingBlob: 1 })
    await expect(readArchive(archive)).rejects.toThrow(
      `image archive: layer 2 of 2 (${image.layers[1].digest}) is not in the archive. The image must be exported with all its layers`
    )
  })

  it('picks an image of a multi-image manifest.json by reference', async () => {
    const one = await buildImage({
      reference: 'one:1',
      layers: [{ entries: [{ path: 'one', content: '1' }] }]
    })
    const two = await buildImage({
      reference: 'docker.io/library/two:latest',
      layers: [{ entries: [{ path: 'two', content: '2' }] }]
    })
    const archive = await packArchive([
      { name: `${hexOf(one.configDigest)}.json`, data: one.configBytes },
      { name: `${hexOf(two.configDigest)}.json`, data: two.configBytes },
      { name: 'a/layer.tar', data: one.layers[0].tar },
      { name: 'b/layer.tar', data: two.layers[0].tar },
      {
        name: 'manifest.json',
        data: JSON.stringify([
          {
            Config: `${hexOf(one.configDigest)}.json`,
            RepoTags: ['one:1'],
            Layers: ['a/layer.tar']
          },
          {
            Config: `${hexOf(two.configDigest)}.json`,
            RepoTags: ['two:latest'],
            Layers: ['b/layer.tar']
          }
        ])
      }
    ])
    expect((await readArchive(archive)).reference).toBe('one:1')
    const picked = await readArchive(archive, { reference: 'two' })
    expect([picked.reference, picked.id]).toEqual(['two:latest', two.configDigest])
    await expect(readArchive(archive, { reference: 'three' })).rejects.toThrow(
      'image archive: image three is not in manifest.json; it has: one:1, two:latest. Ask for one of those'
    )
  })
})

describe('readImageArchiveStream: broken archives fail with a clear error', () => {
  it.each([
    ['inside the first header', 300],
    ['inside a later header', 2048 + 100],
    ['inside the data of a layer', -1]
  ])(
    'a legacy archive cut %s',
    async (_where, offset) => {
      const image = await sampleImage()
      const archive = await writeLegacyArchive(image)
      const cut = offset >= 0 ? offset : archive.indexOf(image.layers[0].tar) + 1500
      await expect(readArchive(archive.subarray(0, cut))).rejects.toThrow(
        /^image archive: (the archive ends (at its start|in entry \S+) \(truncated file\? was the save interrupted\?\)|is not a tar archive)/
      )
    },
    5000
  )

  it('an archive cut inside a gzip layer blob', async () => {
    const image = await sampleImage({
      layers: [{ entries: [{ path: 'big', size: 100_000 }], compression: 'gzip' }]
    })
    const archive = await writeContainerdArchive(image)
    const cut = archive.indexOf(image.layers[0].blob) + 5000
    await expect(readArchive(archive.subarray(0, cut))).rejects.toThrow(
      `image archive: the archive ends in entry "${blobPath(image.layers[0].digest).slice(0, 25)}`
    )
  }, 5000)

  it.each([
    ['gzip', gzipSync],
    ['zstd', zstdCompress]
  ])(
    'a %s-compressed archive cut short',
    async (name, compress) => {
      const archive = compress(await writeDocker25Archive(await sampleImage()))
      await expect(readArchive(archive.subarray(0, archive.length - 50))).rejects.toThrow(
        `image archive: cannot decompress it: the ${name} stream ends early (truncated file?)`
      )
    },
    5000
  )

  it('a layer blob that is corrupt inside a complete archive', async () => {
    const image = await sampleImage({
      layers: [{ entries: [{ path: 'big', size: 10_000 }], compression: 'gzip' }]
    })
    const blob = Buffer.from(image.layers[0].blob)
    blob.fill(0, 30, 2000)
    const files = ociLayoutFiles([image], { manifestJson: true })
    files.blobs.set(image.layers[0].digest, blob)
    await expect(readArchive(await packArchive(layoutEntries(files)))).rejects.toThrow(
      `image archive: layer blobs/sha256/${hexOf(image.layers[0].digest).slice(0, 12)}…: the gzip`
    )
  }, 5000)

  it('ignores a broken blob that the image does not use', async () => {
    const image = await sampleImage()
    const files = ociLayoutFiles([image], { manifestJson: true })
    files.blobs.set(
      `sha256:${'e'.repeat(64)}`,
      gzipSync(Buffer.from('not a tar at all '.repeat(100)))
    )
    files.blobs.set(
      `sha256:${'f'.repeat(64)}`,
      Buffer.concat([Buffer.alloc(512), patternBytes(700)])
    )
    expectSample(await readArchive(await packArchive(layoutEntries(files))), image)
  }, 5000)

  it.each([
    [
      'random bytes',
      patternBytes(5000),
      /^image archive: is not a tar archive \(it holds unrecognised binary data\)/
    ],
    ['an empty stream', Buffer.alloc(0), 'image archive: is not a tar archive (it is empty)'],
    ['an empty tar', Buffer.alloc(1024), 'image archive: is an empty tar archive, not an image'],
    ['JSON', Buffer.from('{"a":1}'.padEnd(600)), /^image archive: is not a tar archive/]
  ])(
    '%s is not an image archive',
    async (_name, data, message) => {
      await expect(readArchive(data)).rejects.toThrow(message)
    },
    5000
  )

  it('a tar without manifest.json or index.json', async () => {
    const archive = await packArchive([{ name: 'hello.txt', data: 'hi' }])
    await expect(readArchive(archive)).rejects.toThrow(
      'image archive: is not an image archive: it has neither manifest.json nor index.json (was it made with docker save / skopeo copy / buildx --output type=oci?)'
    )
  }, 5000)

  it.each([
    ['manifest.json', '[{"Config": "x.json",', /^image archive: manifest.json is not valid JSON: /],
    [
      'manifest.json',
      '{"Config": "x.json"}',
      'image archive: manifest.json should be a non-empty list of images, but it is {"Config":"x.json"}'
    ],
    [
      'manifest.json',
      '[]',
      'image archive: manifest.json should be a non-empty list of images, but it is []'
    ],
    [
      'manifest.json',
      '[{"Config": "../../etc/passwd", "Layers": []}]',
      'image archive: manifest.json "Config" is "../../etc/passwd", which points outside the archive; the archive is malformed or unsafe'
    ],
    [
      'manifest.json',
      '[{"Config": "/etc/passwd", "Layers": []}]',
      'manifest.json "Config" is "/etc/passwd", which points outside the archive'
    ],
    [
      'index.json',
      'null',
      'image archive: index.json should be an OCI image index (a JSON object), but it is null'
    ],
    [
      'index.json',
      '{"manifests": [{"digest": "sha256:../../x"}]}',
      'image archive: index.json manifests[0] has digest "sha256:../../x", which is not a valid sha256 or sha512 digest'
    ],
    [
      'index.json',
      '{"manifests": "nope"}',
      'image archive: index.json "manifests" should be a list, but it is "nope"'
    ]
  ])(
    '%s containing %s',
    async (name, text, message) => {
      await expect(readArchive(await packArchive([{ name, data: text }]))).rejects.toThrow(message)
    },
    5000
  )

  it('a layer path with ../ in manifest.json', async () => {
    const image = await sampleImage()
    const archive = await packArchive([
      { name: `${hexOf(image.configDigest)}.json`, data: image.configBytes },
      {
        name: 'manifest.json',
        data: JSON.stringify([
          {
            Config: `${hexOf(image.configDigest)}.json`,
            Layers: ['a/layer.tar', '../../outside.tar']
          }
        ])
      }
    ])
    await expect(readArchive(archive)).rejects.toThrow(
      'image archive: manifest.json "Layers"[1] is "../../outside.tar", which points outside the archive'
    )
  }, 5000)

  it('an image index that lists itself', async () => {
    const image = await sampleImage()
    // A blob cannot contain its own digest, so the cycle is index A -> index B -> index A.
    const { blobs } = ociLayoutFiles([image])
    const digestA = `sha256:${'a'.repeat(64)}`
    const indexB = JSON.stringify({
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: digestA }]
    })
    const digestB = `sha256:${'b'.repeat(64)}`
    const indexA = JSON.stringify({
      manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: digestB }]
    })
    blobs.set(digestA, Buffer.from(indexA)).set(digestB, Buffer.from(indexB))
    const archive = await packArchive([
      ...[...blobs].map(([d, data]) => ({ name: blobPath(d), data })),
      {
        name: 'index.json',
        data: JSON.stringify({
          manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: digestA }]
        })
      }
    ])
    await expect(readArchive(archive)).rejects.toThrow(
      `image archive: blobs/sha256/${'b'.repeat(64)} lists ${digestA}, an image index that contains itself; the archive is malformed`
    )
  }, 5000)

  it('indexes nested more than 8 levels deep', async () => {
    const chain: [string, Buffer][] = []
    let child = `sha256:${'0'.repeat(64)}`
    for (let i = 1; i <= 10; i++) {
      const digest = `sha256:${String(i).padStart(64, '0')}`
      chain.push([
        digest,
        Buffer.from(
          JSON.stringify({
            manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: child }]
          })
        )
      ])
      child = digest
    }
    const archive = await packArchive([
      ...chain.map(([d, data]) => ({ name: blobPath(d), data })),
      {
        name: 'index.json',
        data: JSON.stringify({
          manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: child }]
        })
      }
    ])
    await expect(readArchive(archive)).rejects.toThrow(
      /^image archive: image indexes nest more than 8 levels deep \(at blobs\/sha256\/0+\d+\); the archive is malformed$/
    )
  }, 5000)

  it('a manifest.json larger than maxJsonBytes; large unrelated JSON blobs are fine', async () => {
    const image = await sampleImage()
    const archive = await writeDocker25Archive(image)
    await expect(readArchive(archive, { maxJsonBytes: 100 })).rejects.toThrow(
      /^image archive: manifest.json is \d+ bytes, more than the 100 bytes allowed for a JSON document; raise the limit with --max-json-size \(CLI\) or the max-json-size input$/
    )
    const files = ociLayoutFiles([image], { manifestJson: true })
    const sbom = Buffer.from(JSON.stringify({ sbom: 'x'.repeat(5000) }))
    files.blobs.set(`sha256:${'f'.repeat(64)}`, sbom)
    const result = await readArchive(await packArchive(layoutEntries(files)), {
      maxJsonBytes: 4000
    })
    expect(result.id).toBe(image.configDigest)
  }, 5000)

  it('passes layer limits through and names the layer', async () => {
    const image = await sampleImage()
    await expect(readArchive(await writeDocker25Archive(image), { maxEntries: 3 })).rejects.toThrow(
      `image archive: layer blobs/sha256/${hexOf(image.layers[0].diffId).slice(0, 12)}…: has more than 3 entries, the limit; raise it with --max-entries (CLI) or the max-entries input`
    )
  }, 5000)

  it('uses the label given for messages', async () => {
    await expect(readArchive(Buffer.alloc(0), { label: 'docker save app:1' })).rejects.toThrow(
      'docker save app:1: is not a tar archive'
    )
  }, 5000)
})
