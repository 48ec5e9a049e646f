// Sizes on every engine and image store (issue 16): Docker 20.10 and 26 on the classic store,
// Docker 26 on the containerd image store. On each, one small image (FROM scratch + busybox:
// ~400 symlinks, a hard link, a deleted file) is built with buildx when a plugin is found,
// else BuildKit, and:
// - the report read from the engine equals the report read from its `docker save` archive,
//   and every layer's bytes equal the file bytes of the saved layer tars (read with
//   tar-stream and node:zlib, not with our reader);
// - classic store: the total equals `docker image inspect .Size` within 0.01 %, each layer
//   equals its `docker history` row, and the report has no storedBytes;
// - containerd store: the report carries both sizes: totalBytes (unpacked, as above) and
//   storedBytes = `docker image inspect .Size`, which lies between the packed layer blobs and
//   all blobs of the saved archive;
// - the image moved to every other engine that answers (`docker save` | `docker load`) gets
//   the same total and layers there;
// - containerd store with buildx: the provenance attestation buildx puts in the index is
//   skipped, and `--output type=oci,dest=…` / `type=docker,dest=…` archives read directly give
//   the same report (the classic store's docker driver refuses those exporters).
// The measured numbers go to stderr (they feed docs/report-schema.md's table).

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Report } from '../../src/analysis/report.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { measure } from '../../src/measure.js'
import {
  buildx,
  buildxEnv,
  busyboxContext,
  describeEngine,
  docker,
  dockerBuild,
  engine,
  historySizes,
  imageStore,
  inspectImage,
  inspectSize,
  otherEngines,
  removeImages,
  run,
  savedLayerFacts,
  tarMemberSizes,
  type ImageStore
} from '../support/engine.js'

const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /data && head -c 700000 /dev/urandom > /data/a.bin && ln /data/a.bin /data/hard.bin
RUN head -c 300000 /dev/zero > /data/zeros.bin && rm /data/hard.bin
RUN ln -s /data/zeros.bin /zeros
`

const store: ImageStore = engine.available ? await imageStore() : 'classic'
const builder = buildx.available ? 'buildx' : 'buildkit'
const tag = `isg-test/engines:${randomBytes(6).toString('hex')}`
const measured: Record<string, unknown> = {
  engine: `${engine.serverVersion ?? '?'} (${store} store)`,
  builder
}
let work: string
let saved: string
let fromEngine: Report

async function read(source: string, host?: string): Promise<Report> {
  const before = process.env.DOCKER_HOST
  if (host) process.env.DOCKER_HOST = host
  try {
    return (await measure(source, { estimateCompressed: false, limits: DEFAULT_LIMITS })).report
  } finally {
    if (before === undefined) delete process.env.DOCKER_HOST
    else process.env.DOCKER_HOST = before
  }
}

/** What must be the same whichever way the image was read. */
function sizes(r: Report) {
  return {
    platform: r.image.platform,
    totalBytes: r.image.totalBytes,
    tarBytes: r.image.tarBytes,
    fileCount: r.image.fileCount,
    layers: r.image.layers.map(l => ({ diffId: l.diffId, bytes: l.bytes, files: l.files })),
    reclaimable: r.waste.reclaimableBytes
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

describeEngine(`sizes on this engine's image store (${store})`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'isg-engines-'))
    busyboxContext(work)
    writeFileSync(join(work, 'Dockerfile'), DOCKERFILE)
    await dockerBuild({ context: work, tag, builder })
    saved = join(work, 'saved.tar')
    await docker(['save', '-o', saved, tag])
    fromEngine = await read(tag)
  }, 10 * 60_000)

  afterAll(async () => {
    await removeImages([tag])
    if (work) rmSync(work, { recursive: true, force: true })
    process.stderr.write(`\nengine size measurements: ${JSON.stringify(measured)}\n`)
  })

  it('the engine read equals the docker save archive read, and the saved layer tars', async () => {
    const fromArchive = await read(saved)
    expect(sizes(fromEngine)).toEqual(sizes(fromArchive))
    expect(fromEngine.image.layers).toHaveLength(5)
    const facts = await savedLayerFacts(tag)
    expect(fromEngine.image.layers.map(l => l.bytes)).toEqual(facts.map(f => f.fileBytes))
    // the Dockerfile's bytes: busybox, 700000 (the hard link once), 300000 (hard.bin's rm
    // hides nothing: a.bin keeps the data), a symlink (0)
    const busybox = fromEngine.image.layers[0].bytes
    expect(fromEngine.image.layers.slice(1).map(l => l.bytes)).toEqual([0, 700000, 300000, 0])
    expect(fromEngine.image.totalBytes).toBe(busybox + 1_000_000)
    measured.totalBytes = fromEngine.image.totalBytes
    measured.tarBytes = fromEngine.image.tarBytes
  })

  if (store === 'classic') {
    it('classic store: the total equals docker image inspect .Size (0.01 %), layers equal docker history', async () => {
      const size = await inspectSize(tag)
      measured.inspectSize = size
      expect(Math.abs(fromEngine.image.totalBytes - size)).toBeLessThanOrEqual(size * 0.0001)
      const history = await historySizes(tag)
      measured.historySizes = history.map(h => h.size)
      expect(fromEngine.image.history).toHaveLength(history.length)
      for (const l of fromEngine.image.layers) {
        expect({ layer: l.index, bytes: history[l.historyIndex ?? -1]?.size }).toEqual({
          layer: l.index,
          bytes: l.bytes
        })
      }
      expect(fromEngine.image.storedBytes).toBeUndefined()
    })
  } else {
    it('containerd store: the report carries the unpacked total and the stored size', async () => {
      const size = await inspectSize(tag)
      const history = await historySizes(tag)
      measured.inspectSize = size
      measured.historySizes = history.map(h => h.size)
      expect(fromEngine.image.storedBytes).toBe(size)
      // the packed content: at least the layer blobs as stored, at most every saved blob
      const packed = sum(fromEngine.image.layers.map(l => l.compressedBytes ?? NaN))
      const blobs = sum(
        [...(await tarMemberSizes(saved))]
          .filter(([name]) => name.startsWith('blobs/sha256/'))
          .map(([, n]) => n)
      )
      measured.packedLayerBlobs = packed
      measured.savedBlobs = blobs
      expect(size).toBeGreaterThanOrEqual(packed)
      expect(size).toBeLessThanOrEqual(blobs)
      // built layers are stored gzipped: busybox and /dev/zero shrink, the random bytes not
      expect(fromEngine.image.layers.every(l => l.compression === 'gzip')).toBe(true)
      expect(size).toBeLessThan(fromEngine.image.totalBytes)
      // docker history there is not the file bytes (snapshot usage): why we never use it
      expect(history.map(h => h.size)).not.toEqual(
        fromEngine.image.history.map(h =>
          h.layerIndex === undefined ? 0 : fromEngine.image.layers[h.layerIndex].bytes
        )
      )
      // read from the archive, there is no engine to ask: no stored size
      expect((await read(saved)).image.storedBytes).toBeUndefined()
    })
  }

  it('moved to every other engine (docker save | docker load): the same total there', async () => {
    const others = await otherEngines()
    if (others.length === 0) {
      process.stderr.write('moving images between engines: no other engine answers\n')
    }
    const moved: Record<string, unknown> = {}
    const symlinkTargetBytes = sum((await savedLayerFacts(tag)).map(f => f.symlinkTargetBytes))
    for (const host of others) {
      const env = { ...process.env, DOCKER_HOST: host }
      const r = await run('docker', ['load', '-i', saved], { env, timeoutMs: 300_000 })
      expect({ host, code: r.code, stderr: r.stderr }).toEqual({ host, code: 0, stderr: '' })
      try {
        const there = await read(tag, host)
        expect({ host, ...sizes(there) }).toEqual({ host, ...sizes(fromEngine) })
        const theirStore = await imageStore(host)
        const size = Number(
          (await docker(['image', 'inspect', '--format', '{{.Size}}', tag], { env })).trim()
        )
        const version = (
          await docker(['version', '--format', '{{.Server.Version}}'], { env })
        ).trim()
        if (theirStore === 'containerd') expect(there.image.storedBytes).toBe(size)
        else {
          // A classic store sizes a loaded layer it did not have by walking its directory,
          // where a symlink's st_size is its target's length (measured: 20.10 and 26 alike);
          // layers it had already keep the size from their tar. So .Size lies between the
          // tars' file bytes and that plus every symlink target.
          expect(there.image.storedBytes).toBeUndefined()
          expect(size).toBeGreaterThanOrEqual(there.image.totalBytes)
          expect(size).toBeLessThanOrEqual(there.image.totalBytes + symlinkTargetBytes)
        }
        moved[host] = {
          engine: `${version} (${theirStore} store)`,
          totalBytes: there.image.totalBytes,
          inspectSize: size
        }
      } finally {
        await run('docker', ['image', 'rm', '--force', tag], { env, timeoutMs: 120_000 })
      }
    }
    measured.moved = moved
    expect(Object.keys(moved)).toEqual(others)
  })

  if (store === 'containerd' && buildx.available) {
    describe('buildx on the containerd store', () => {
      it('the provenance attestation in the index is skipped: the image manifest is read', async () => {
        const members = await tarMemberSizes(saved)
        const index = await blobJson(saved, 'index.json')
        // docker save: index.json → the image's index → its manifests (image + attestation)
        const inner = (index.manifests as Descriptor[])[0]
        expect(inner.mediaType).toBe('application/vnd.oci.image.index.v1+json')
        const manifests = (await blobJson(saved, blobPath(inner))).manifests as Descriptor[]
        const attestation = manifests.filter(
          m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
        )
        expect(attestation).toHaveLength(1)
        expect(members.has(blobPath(attestation[0]))).toBe(true)
        const image = manifests.filter(m => m.platform?.os === 'linux')
        expect(image).toHaveLength(1)
        // the report's image is that manifest's: its config is the image config
        const config = (await blobJson(saved, blobPath(image[0]))).config as Descriptor
        expect((await inspectImage(tag)).Id).toBe(inner.digest)
        expect(fromEngine.image.platform).toBe('linux/amd64')
        expect(fromEngine.image.layers.map(l => l.digest)).toEqual(
          ((await blobJson(saved, blobPath(image[0]))).layers as Descriptor[]).map(l => l.digest)
        )
        expect(config.digest).toMatch(/^sha256:/)
      })

      it.each(['oci', 'docker'])(
        'buildx --output type=%s,dest=… : the archive read directly gives the same sizes',
        async type => {
          const dest = join(work, `out-${type}.tar`)
          const r = await run(
            'docker',
            ['buildx', 'build', '--network=host', '--output', `type=${type},dest=${dest}`, work],
            { env: buildxEnv(), timeoutMs: 300_000 }
          )
          expect({ code: r.code, out: r.code ? r.stderr : '' }).toEqual({ code: 0, out: '' })
          const report = await read(dest)
          expect(report.image.source).toMatchObject({
            kind: 'archive',
            layout: type === 'oci' ? 'oci' : 'docker-oci'
          })
          expect(sizes(report)).toEqual(sizes(fromEngine))
        }
      )
    })
  }
})

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  annotations?: Record<string, string>
  platform?: { os: string; architecture: string }
}

function blobPath(d: Descriptor): string {
  return `blobs/sha256/${d.digest.replace(/^sha256:/, '')}`
}

/** One JSON member of a tar archive (tar xOf). */
async function blobJson(archive: string, member: string): Promise<Record<string, unknown>> {
  const r = await run('tar', ['-xOf', archive, member])
  if (r.code !== 0) throw new Error(`tar -xOf ${archive} ${member}: ${r.stderr}`)
  return JSON.parse(r.stdout) as Record<string, unknown>
}
