// `docker://…`: an image read from a registry without pulling it. The full read streams each
// layer blob once through the same layer reader as archives (no temporary file), its digest
// checked as it streams; the fast read stops at manifests and configs.

import type { ImageData, LayerRead } from '../types.js'
import { assembleImage } from '../archive/assemble.js'
import { DEFAULT_MAX_JSON_BYTES, layerOptions, type ReadOptions } from '../archive/options.js'
import { layerRefs, type ImagePlan } from '../archive/plan.js'
import { RegistryClient, type RegistryOptions } from './client.js'
import { parseRegistryReference } from './reference.js'
import { resolveRegistryImage, type RegistryManifest } from './resolve.js'
import { readBlobLayer, type BlobJob } from './blob-layer.js'
import { layerThreads, type LayerThread } from './threads.js'

export interface RegistryReadOptions extends ReadOptions {
  registry?: RegistryOptions
}

/** Layers downloaded at once, each on its own layer thread when the entry point has them. */
const LAYER_CONCURRENCY = 2

/** Every platform asked for (`platform: all` gives them all), each read in full. */
export async function readRegistryImages(
  source: string,
  opts: RegistryReadOptions = {}
): Promise<ImageData[]> {
  const client = new RegistryClient(parseRegistryReference(source), opts.registry)
  // started first: a thread loads its bundle while the manifests download
  const threads = layerThreads(LAYER_CONCURRENCY, opts.wantContent)
  try {
    const resolved = await resolveRegistryImage(
      client,
      opts.platform,
      opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES
    )
    const images: ImageData[] = []
    for (const m of resolved.manifests) {
      const plan = planOf(client, m, resolved.platforms)
      const reads = await readLayers(client, plan, opts, threads)
      images.push(
        assembleImage(plan, ref => reads.get(ref.path)!, { kind: 'registry', path: client.label })
      )
    }
    return images
  } finally {
    await Promise.all((threads ?? []).map(t => t.close()))
  }
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
  opts: ReadOptions,
  threads: LayerThread[] | undefined
): Promise<Map<string, LayerRead>> {
  const refs = [...new Map(plan.layers.map(l => [l.path, l])).values()]
  const total = refs.reduce((sum, r) => sum + (r.descriptorSize ?? 0), 0)
  let done = 0
  const reads = new Map<string, LayerRead>()
  let cursor = 0
  let failed = false
  const session = threads ? await client.session() : undefined
  const options = layerOptions(opts)
  const { onWarning, wantContent, ...crossing } = options
  const lane = async (thread: LayerThread | undefined): Promise<void> => {
    while (cursor < refs.length && !failed) {
      const ref = refs[cursor++]
      const job: BlobJob = { digest: ref.path, size: ref.descriptorSize }
      let seen = 0
      const onProgress = (bytes: number): void => {
        done += bytes - seen
        seen = bytes
        opts.onProgress?.(done, total)
      }
      const name = `${client.label} layer ${ref.path}`
      try {
        const read = thread
          ? await thread.read(
              session!,
              job,
              { ...crossing, name, ...(wantContent ? { wantContent: true } : {}) },
              { onProgress, ...(onWarning ? { onWarning } : {}) }
            )
          : await readBlobLayer(client, job, { ...options, name, onProgress })
        reads.set(ref.path, read)
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  const lanes = Math.min(LAYER_CONCURRENCY, refs.length)
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(threads?.[i])))
  return reads
}
