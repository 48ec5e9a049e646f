// The action as shipped (dist/index.js) on a docker:// image: it reads the layers on its layer
// threads (dist/layer-thread/index.js, beside it). Truth: the sizes of the files the image was
// made of, and the manifest as the registry serves it.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { run } from '../support/engine.js'
import { buildImage, writeOciDir } from '../support/image-fixtures.js'
import { requireRegistry, startRegistry, type TestRegistry } from '../support/registry.js'
import { inWorld, pullRequestEvent, tempDir } from './support/world.js'

const describeRegistry = requireRegistry() ? describe : describe.skip

const APP_BYTES = 700_000
const CONF = 'listen 8080\n'.repeat(2000)

describeRegistry('the action on a docker:// image', () => {
  let registry: TestRegistry
  let ref: string

  beforeAll(async () => {
    registry = await startRegistry('none')
    const image = await buildImage({
      layers: [
        { compression: 'gzip', entries: [{ path: 'bin/app', size: APP_BYTES, seed: 5 }] },
        { compression: 'gzip', entries: [{ path: 'etc/app.conf', content: CONF }] }
      ]
    })
    const dir = writeOciDir(image, tempDir('isg-e2e-oci-'))
    ref = `${registry.host}/isg/e2e:v1`
    const r = await run('skopeo', [
      'copy',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${dir}`,
      `docker://${ref}`
    ])
    if (r.code !== 0) throw new Error(`skopeo copy failed: ${r.stderr}`)
  }, 120_000)

  afterAll(async () => {
    await registry?.stop()
  })

  it('reads every layer (on its layer threads) and reports the bytes of the files and the manifest', async () => {
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/isg/e2e/manifests/v1`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' }
      })
    ).json()) as { layers: { digest: string; size: number }[] }
    const before = registry.blobGets().length
    await inWorld(async w => {
      const pr = w.repo.addPullRequest({ user: 'alice' })
      const r = await w.run(pullRequestEvent(pr), {
        workspace: tempDir(),
        inputs: { image: `docker://${ref}` }
      })
      expect(r.errors).toEqual([])
      expect(r.code).toBe(0)
      expect(r.outputs['size-bytes']).toBe(String(APP_BYTES + CONF.length))
      expect(r.outputs['compressed-bytes']).toBe(
        String(manifest.layers.reduce((sum, l) => sum + l.size, 0))
      )
    })
    const layers = new Set(manifest.layers.map(l => l.digest))
    const got = registry.blobGets().slice(before)
    expect(got.filter(d => layers.has(d)).sort()).toEqual([...layers].sort())
  })
})
