// Manifest handling against an in-process fake registry (node:http on 127.0.0.1): the media
// types a registry may answer, and the bad answers each turned into one clear error.

import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { inspectRegistryImage } from '../../../../src/image/registry/inspect.js'

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`
const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o))

const config = json({
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: [sha('tar')] },
  history: [{ created_by: 'COPY app /app' }]
})
const layer = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: sha('blob'),
  size: 1234
}
const manifest = (configMediaType = 'application/vnd.oci.image.config.v1+json'): Buffer =>
  json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: configMediaType, digest: sha(config), size: config.length },
    layers: [layer]
  })

/** tag -> [content type, body] */
const manifests = new Map<string, [string, Buffer]>()
const blobs = new Map<string, Buffer>([[sha(config), config]])
let server: Server
let host: string

beforeAll(async () => {
  const good = manifest()
  manifests.set('good', ['application/vnd.oci.image.manifest.v1+json', good])
  manifests.set(sha(good), ['application/vnd.oci.image.manifest.v1+json', good])
  manifests.set('schema1', [
    'application/vnd.docker.distribution.manifest.v1+prettyjws',
    json({ schemaVersion: 1, fsLayers: [] })
  ])
  manifests.set('helm', [
    'application/vnd.oci.image.manifest.v1+json',
    manifest('application/vnd.cncf.helm.config.v1+json')
  ])
  const onlyAttestations = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha(good),
        size: good.length,
        platform: { os: 'unknown', architecture: 'unknown' }
      }
    ]
  })
  manifests.set('attestations', ['application/vnd.oci.image.index.v1+json', onlyAttestations])
  const lying = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha('something else'),
        size: 10,
        platform: { os: 'linux', architecture: 'amd64' }
      }
    ]
  })
  manifests.set('lying', ['application/vnd.oci.image.index.v1+json', lying])
  manifests.set(sha('something else'), ['application/vnd.oci.image.manifest.v1+json', good])
  server = createServer((req, res) => {
    const url = req.url ?? ''
    if (url === '/v2/') return void res.writeHead(200).end('{}')
    const m = /^\/v2\/app\/(manifests|blobs)\/(.+)$/.exec(url)
    const found =
      m &&
      (m[1] === 'manifests'
        ? manifests.get(m[2])
        : (['application/octet-stream', blobs.get(m[2])] as const))
    if (!found || !found[1])
      return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
    res.writeHead(200, { 'Content-Type': found[0] }).end(found[1])
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  host = `127.0.0.1:${(server.address() as { port: number }).port}`
})

afterAll(() => {
  server.close()
})

describe('inspectRegistryImage against a fake registry', () => {
  it('reads an OCI manifest and its config: sizes and history, no layer', async () => {
    const got = await inspectRegistryImage(`docker://${host}/app:good`)
    expect(got.platforms).toEqual(['linux/amd64'])
    expect(got.manifests[0].layers).toEqual([layer])
    expect(got.digest).toBe(sha(manifest()))
  })

  it.each([
    ['schema1', /is a Docker schema 1 manifest, which carries no sizes/],
    [
      'helm',
      /is not a container image \(its config is application\/vnd\.cncf\.helm\.config\.v1\+json\)/
    ],
    ['attestations', /lists no image manifest|lists no runnable image/],
    ['lying', /manifest sha256:[0-9a-f]{64} does not match its digest/],
    ['missing', /manifest missing was not found on 127\.0\.0\.1:\d+ \(HTTP 404 MANIFEST_UNKNOWN\)/]
  ])('%s: one clear error naming the reference', async (tag, why) => {
    const err = await inspectRegistryImage(`docker://${host}/app:${tag}`).catch((e: Error) => e)
    expect(String(err)).toMatch(why)
    expect(String(err)).toContain(`docker://${host}/app:${tag}`)
  })

  it('refuses plain HTTP to a host that is not loopback unless named insecure', async () => {
    const err = await inspectRegistryImage('docker://registry.invalid:1/app:x').catch(
      (e: Error) => e
    )
    expect(String(err)).toMatch(/cannot reach https:\/\/registry\.invalid:1/)
    expect(String(err)).toContain('insecure-registries')
  })
})
