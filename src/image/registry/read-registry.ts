// `docker://…`: an image read from a registry without pulling it. The full read streams each
// layer blob once through the same layer reader as archives (no temporary file), its digest
// checked as it streams; the fast read stops at manifests and configs.

import { readLayerFrom } from '../layer/read-layer.js'
import type { ImageData, LayerRead } from '../types.js'
import { assembleImage } from '../archive/assemble.js'
import { DEFAULT_MAX_JSON_BYTES, layerOptions, type ReadOptions } from '../archive/options.js'
import { layerRefs, type ImagePlan } from '../archive/plan.js'
import { RegistryClient, type RegistryOptions } from './client.js'
import { parseRegistryReference } from './reference.js'
import { resolveRegistryImage, type RegistryManifest } from './resolve.js'
import { verifiedSource } from './verified-source.js'

export interface RegistryReadOptions extends ReadOptions {
  registry?: RegistryOptions
}

/** Layers downloaded at once: zlib inflates on the thread pool, so two layers use two cores. */
const LAYER_CONCURRENCY = 2
/** After a failed layer read, at most this much more is downloaded to tell corrupt bytes apart. */
const VERIFY_AFTER_FAILURE_BYTES = 256 * 1024 * 1024

/** Every platform asked for (`platform: all` gives them all), each read in full. */
export async function readRegistryImages(
  source: string,
  opts: RegistryReadOptions = {}
): Promise<ImageData[]> {
  const client = new RegistryClient(parseRegistryReference(source), opts.registry)
  const resolved = await resolveRegistryImage(
    client,
    opts.platform,
    opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES
  )
  const images: ImageData[] = []
  for (const m of resolved.manifests) {
    const plan = planOf(client, m, resolved.platforms)
    const reads = await readLayers(client, plan, opts)
    images.push(
      assembleImage(plan, ref => reads.get(ref.path)!, { kind: 'registry', path: client.label })
    )
  }
  return images
}

/** One platform (the asked one, the only one, else the host's), read in full. */
export async function readRegistryImage(
  source: string,
  opts: RegistryReadOptions = {}
): Promise<ImageData> {
  if (opts.platform === 'all')
    throw new Error('platform "all" gives several images: use readRegistryImages')
  const [image] = await readRegistryImages(source, opts)
  return image
}

function planOf(client: RegistryClient, m: RegistryManifest, platforms: string[]): ImagePlan {
  const refs = layerRefs(
    m.config,
    m.layers.map(descriptor => ({ path: descriptor.digest, descriptor })),
    `${client.label} manifest ${m.manifestDigest}`
  )
  return {
    layout: 'oci',
    id: m.id,
    reference: client.ref.text,
    platform: m.platform,
    platforms,
    config: m.config,
    layers: refs
  }
}

async function readLayers(
  client: RegistryClient,
  plan: ImagePlan,
  opts: ReadOptions
): Promise<Map<string, LayerRead>> {
  const refs = [...new Map(plan.layers.map(l => [l.path, l])).values()]
  const total = refs.reduce((sum, r) => sum + (r.descriptorSize ?? 0), 0)
  let done = 0
  const reads = new Map<string, LayerRead>()
  let cursor = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (cursor < refs.length && !failed) {
      const ref = refs[cursor++]
      const what = `layer ${ref.path}`
      let seen = 0
      try {
        const answer = await client.openBlob(ref.path, what)
        const source = verifiedSource(
          answer.body,
          ref.path,
          ref.descriptorSize,
          `${client.label}: ${what}`
        )
        const options = {
          ...layerOptions(opts),
          name: `${client.label} ${what}`,
          ownedChunks: true,
          onProgress: (bytes: number) => {
            done += bytes - seen
            seen = bytes
            opts.onProgress?.(done, total)
          }
        }
        const read = await readLayerFrom(source, options).catch(async (err: unknown) => {
          // Bytes that are not the blob explain a broken tar better than the tar error does.
          throw (await source.digestError(VERIFY_AFTER_FAILURE_BYTES)) ?? err
        })
        reads.set(ref.path, read)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(LAYER_CONCURRENCY, refs.length) }, worker))
  return reads
}
