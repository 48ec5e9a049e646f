import { describe, expect, it } from '@jest/globals'
import { detectLayout, resolveImage } from '../../../src/image/archive/resolve.js'
import { choosePlatform, type Candidate } from '../../../src/image/archive/resolve-index.js'
import type { JsonFiles } from '../../../src/image/archive/contents.js'
import { blobPath, MT, sha256 } from '../../support/image-fixtures.js'

/** The resolver's view of an archive, from plain objects (strings are stored as written). */
function files(docs: Record<string, unknown>): JsonFiles {
  const bytes = new Map(
    Object.entries(docs).map(([k, v]) => [
      k,
      Buffer.from(typeof v === 'string' ? v : JSON.stringify(v))
    ])
  )
  return { has: p => bytes.has(p), bytes: p => bytes.get(p) }
}

const hex = (c: string): string => c.repeat(64)
const digest = (c: string): string => `sha256:${hex(c)}`

function config(platform = 'linux/amd64', diffIds = [digest('d')]): Record<string, unknown> {
  const [os, architecture, variant] = platform.split('/')
  return {
    os,
    architecture,
    ...(variant ? { variant } : {}),
    rootfs: { type: 'layers', diff_ids: diffIds }
  }
}

/** Stores a JSON blob under its real digest and returns that digest. */
function blob(docs: Record<string, unknown>, value: unknown): string {
  const text = JSON.stringify(value)
  const d = `sha256:${sha256(text)}`
  docs[blobPath(d)] = text
  return d
}

function manifestFor(
  docs: Record<string, unknown>,
  platform: string,
  layer = digest('1')
): { digest: string; configDigest: string } {
  const configDigest = blob(docs, config(platform))
  const m = blob(docs, {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: configDigest, size: 1 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 123 }]
  })
  return { digest: m, configDigest }
}

const amd64 = { os: 'linux', architecture: 'amd64' }

describe('detectLayout', () => {
  it.each([
    [['manifest.json'], 'docker-legacy'],
    [['manifest.json', 'index.json', 'oci-layout'], 'docker-oci'],
    [['manifest.json', 'oci-layout'], 'docker-oci'],
    [['index.json', 'oci-layout'], 'oci'],
    [['index.json'], 'oci']
  ])('%j -> %s', (names, layout) => {
    expect(detectLayout(files(Object.fromEntries(names.map(n => [n, '{}']))))).toBe(layout)
  })

  it('throws for an archive with neither manifest.json nor index.json', () => {
    expect(() => detectLayout(files({ 'oci-layout': '{}' }))).toThrow('is not an image archive')
  })
})

describe('resolveImage: manifest.json', () => {
  it('pairs Layers with diff_ids and hashes the config for the id', () => {
    const cfg = JSON.stringify(config('linux/arm64', [digest('1'), digest('2')]))
    const plan = resolveImage(
      files({
        'manifest.json': [
          {
            Config: 'cfg.json',
            RepoTags: ['app:1', 'app:latest'],
            Layers: ['./a/layer.tar', 'b/layer.tar']
          }
        ],
        'cfg.json': cfg
      })
    )
    expect(plan).toEqual({
      layout: 'docker-legacy',
      id: `sha256:${sha256(cfg)}`,
      reference: 'app:1',
      platform: { os: 'linux', architecture: 'arm64' },
      platforms: ['linux/arm64'],
      config: JSON.parse(cfg),
      layers: [
        { path: 'a/layer.tar', diffId: digest('1') },
        { path: 'b/layer.tar', diffId: digest('2') }
      ]
    })
  })

  it('takes digests from blobs/ paths (Docker 25+)', () => {
    const plan = resolveImage(
      files({
        'manifest.json': [
          { Config: `blobs/sha256/${hex('c')}`, Layers: [`blobs/sha256/${hex('d')}`] }
        ],
        [`blobs/sha256/${hex('c')}`]: config(),
        'oci-layout': '{}'
      })
    )
    expect(plan.layout).toBe('docker-oci')
    expect(plan.layers).toEqual([
      { path: `blobs/sha256/${hex('d')}`, diffId: digest('d'), digest: digest('d') }
    ])
    expect(plan.reference).toBeUndefined()
  })

  it.each([
    [
      { 'manifest.json': [{ Config: 'x.json', Layers: [] }] },
      'the image config x.json named in manifest.json is not in the archive (looked for x.json)'
    ],
    [
      { 'manifest.json': [{ Config: 'x.json', Layers: ['l.tar'] }], 'x.json': { rootfs: {} } },
      'x.json is not an image config: it has no rootfs.diff_ids list (found {})'
    ],
    [
      { 'manifest.json': [{ Config: 'x.json', Layers: [] }], 'x.json': '[1]' },
      'x.json should be an image config (a JSON object), but it is [1]'
    ],
    [
      { 'manifest.json': [{ Config: 'x.json', Layers: ['a', 'b'] }], 'x.json': config() },
      'the image config lists 1 layers (rootfs.diff_ids) but manifest.json lists 2; the archive is inconsistent'
    ],
    [
      { 'manifest.json': [{ Config: 7, Layers: [] }] },
      'manifest.json "Config" should be a path inside the archive, but it is 7'
    ],
    [
      { 'manifest.json': [{ Config: 'x.json' }] },
      'manifest.json [0] "Layers" should be a list, but it is missing'
    ],
    [
      { 'manifest.json': ['x'] },
      'manifest.json [0] should be an object with Config and Layers, but it is "x"'
    ]
  ])('rejects %j', (docs, message) => {
    expect(() => resolveImage(files(docs))).toThrow(message)
  })

  it('falls back to index.json for a platform manifest.json does not describe', () => {
    const docs: Record<string, unknown> = {}
    const amd = manifestFor(docs, 'linux/amd64', digest('a'))
    const arm = manifestFor(docs, 'linux/arm64', digest('b'))
    docs['manifest.json'] = [
      { Config: blobPath(amd.configDigest), Layers: [blobPath(digest('a'))] }
    ]
    docs['index.json'] = {
      manifests: [
        { mediaType: MT.ociManifest, digest: amd.digest, platform: amd64 },
        {
          mediaType: MT.ociManifest,
          digest: arm.digest,
          platform: { os: 'linux', architecture: 'arm64' }
        }
      ]
    }
    const own = resolveImage(files(docs))
    expect(own.layers.map(l => [l.digest, l.mediaType, l.descriptorSize])).toEqual([
      [digest('a'), 'application/vnd.oci.image.layer.v1.tar+gzip', 123]
    ])
    expect(own.platforms).toEqual(['linux/amd64', 'linux/arm64'])
    const other = resolveImage(files(docs), { platform: 'linux/arm64' })
    expect(other.layers.map(l => l.digest)).toEqual([digest('b')])
    expect(other.platform).toEqual({ os: 'linux', architecture: 'arm64' })
  })

  it('says which platform a single-platform manifest.json has', () => {
    const docs = {
      'manifest.json': [{ Config: 'c.json', Layers: ['l'] }],
      'c.json': config('linux/amd64')
    }
    expect(() => resolveImage(files(docs), { platform: 'linux/riscv64' })).toThrow(
      'platform linux/riscv64 is not in this image; it has: linux/amd64. Ask for one of those (the `platform` input, or --platform)'
    )
    expect(() => resolveImage(files(docs), { platform: 'amd64' })).toThrow(
      'platform "amd64" is not valid: use os/arch[/variant], e.g. linux/amd64, linux/arm64 or linux/arm/v7'
    )
  })
})

describe('resolveImage: index.json', () => {
  it('reads the platform from the config when descriptors carry none (Docker 25 index)', () => {
    const docs: Record<string, unknown> = {}
    const m = manifestFor(docs, 'linux/arm/v7')
    docs['index.json'] = {
      manifests: [
        {
          mediaType: MT.ociManifest,
          digest: m.digest,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' }
        }
      ]
    }
    const plan = resolveImage(files(docs), { host: amd64 })
    expect(plan.platform).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' })
    expect(plan.platforms).toEqual(['linux/arm/v7'])
    expect(plan.reference).toBe('v1')
    expect(plan.id).toBe(m.configDigest)
  })

  it('finds manifests by their shape when descriptors have no media type', () => {
    const docs: Record<string, unknown> = {}
    const m = manifestFor(docs, 'linux/amd64')
    const nested = blob(docs, { manifests: [{ digest: m.digest }] })
    docs['index.json'] = { manifests: [{ digest: nested }] }
    expect(resolveImage(files(docs)).id).toBe(m.configDigest)
  })

  it('skips artifact manifests (signatures, SBOMs) and attestations', () => {
    const docs: Record<string, unknown> = {}
    const m = manifestFor(docs, 'linux/amd64')
    const sig = blob(docs, {
      schemaVersion: 2,
      config: {
        mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
        digest: digest('e')
      },
      layers: []
    })
    docs['index.json'] = {
      manifests: [
        { mediaType: MT.ociManifest, digest: sig },
        {
          mediaType: MT.ociManifest,
          digest: digest('9'),
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
        },
        { mediaType: MT.ociManifest, digest: m.digest }
      ]
    }
    const plan = resolveImage(files(docs))
    expect(plan.id).toBe(m.configDigest)
    expect(plan.platforms).toEqual(['linux/amd64'])
  })

  it('picks an image by reference from index.json annotations', () => {
    const docs: Record<string, unknown> = {}
    const a = manifestFor(docs, 'linux/amd64', digest('a'))
    const b = manifestFor(docs, 'linux/amd64', digest('b'))
    docs['index.json'] = {
      manifests: [
        {
          mediaType: MT.ociManifest,
          digest: a.digest,
          annotations: { 'io.containerd.image.name': 'docker.io/library/a:1' }
        },
        {
          mediaType: MT.ociManifest,
          digest: b.digest,
          annotations: { 'io.containerd.image.name': 'ghcr.io/o/b:2' }
        }
      ]
    }
    expect(resolveImage(files(docs), { reference: 'a:1' }).reference).toBe('docker.io/library/a:1')
    expect(resolveImage(files(docs), { reference: 'ghcr.io/o/b:2' }).id).toBe(b.configDigest)
    expect(() => resolveImage(files(docs), { reference: 'c' })).toThrow(
      'image c is not in index.json; it has: docker.io/library/a:1, ghcr.io/o/b:2. Ask for one of those'
    )
  })

  it.each([
    [{ manifests: null }, 'index.json lists no image manifest'],
    [
      { manifests: [{ mediaType: MT.ociManifest, digest: digest('5') }] },
      'index.json lists 1 image manifest(s), but none of them is in the archive'
    ]
  ])('%j', (index, message) => {
    expect(() => resolveImage(files({ 'index.json': index }))).toThrow(message)
  })

  it('reports a missing config blob', () => {
    const docs: Record<string, unknown> = {}
    const m = manifestFor(docs, 'linux/amd64')
    delete docs[blobPath(m.configDigest)]
    docs['index.json'] = {
      manifests: [{ mediaType: MT.ociManifest, digest: m.digest, platform: amd64 }]
    }
    expect(() => resolveImage(files(docs))).toThrow(
      `the image config ${m.configDigest} is not in the archive (looked for ${blobPath(m.configDigest)})`
    )
  })

  it('reports a corrupt manifest blob with its path', () => {
    const docs: Record<string, unknown> = { [blobPath(digest('7'))]: '{"layers": [' }
    docs['index.json'] = {
      manifests: [{ mediaType: MT.ociManifest, digest: digest('7'), platform: amd64 }]
    }
    expect(() => resolveImage(files(docs))).toThrow(
      new RegExp(`^${blobPath(digest('7'))} is not valid JSON: `)
    )
  })
})

describe('choosePlatform', () => {
  const c = (platform: string, present = true): Candidate => {
    const [os, architecture, variant] = platform.split('/')
    return {
      descriptor: { digest: platform },
      path: platform,
      present,
      platform: { os, architecture, ...(variant ? { variant } : {}) }
    }
  }
  const all = [c('linux/amd64'), c('linux/arm64/v8'), c('linux/s390x', false)]

  it('picks the host platform by default, the asked one otherwise', () => {
    expect(choosePlatform(all, undefined, { os: 'linux', architecture: 'arm64' }).path).toBe(
      'linux/arm64/v8'
    )
    expect(
      choosePlatform(
        all,
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' }
      ).path
    ).toBe('linux/amd64')
  })

  it('asks for --platform when several exist and none is the host', () => {
    expect(() => choosePlatform(all, undefined, { os: 'linux', architecture: 'riscv64' })).toThrow(
      "this image has several platforms (linux/amd64, linux/arm64/v8) and none is this machine's (linux/riscv64); pass --platform with one of them"
    )
  })
})
