// The Docker engine adapter: inspect an image and stream `docker save` into the archive
// reader (one pass, no temp copy). Every call goes through src/exec.ts.

import { execCommand, lastLines, spawnStream } from '../exec.js'
import { UsageError } from '../errors.js'
import { readImageArchiveStream, type ReadOptions } from './archive/index.js'
import type { ImageData } from './types.js'

export interface EngineImage {
  id: string
  repoTags: string[]
  size: number
  os: string
  architecture: string
  variant?: string
}

interface InspectJson {
  Id: string
  RepoTags?: string[] | null
  Size?: number
  Os?: string
  Architecture?: string
  Variant?: string
}

/** `docker image inspect`; a missing image is a UsageError that says what to do. */
export async function inspectImage(ref: string): Promise<EngineImage> {
  const r = await execCommand('docker', ['image', 'inspect', '--format', '{{json .}}', ref])
  if (r.code !== 0) {
    const why = lastLines(r.stderr, 1)
    if (/no such (image|object)/i.test(why)) {
      throw new UsageError(
        `image "${ref}" is not in the local Docker engine. Build or pull it first, or pass an archive (docker save -o image.tar ${ref})`
      )
    }
    throw new Error(
      `docker image inspect ${ref} failed: ${why}. Is the Docker engine running (docker info)?`
    )
  }
  const j = JSON.parse(r.stdout) as InspectJson
  return {
    id: j.Id,
    repoTags: j.RepoTags ?? [],
    size: j.Size ?? 0,
    os: j.Os ?? 'linux',
    architecture: j.Architecture ?? '',
    ...(j.Variant ? { variant: j.Variant } : {})
  }
}

/** Reads an image from the engine: `docker save` streamed straight into the parser. */
export async function readEngineImage(ref: string, opts: ReadOptions): Promise<ImageData> {
  const info = await inspectImage(ref)
  // Save by the name the user gave, so the archive's RepoTags name it; ids work too.
  const save = spawnStream(`docker save ${ref}`, 'docker', ['save', ref])
  const reading = readImageArchiveStream(save.stdout, {
    ...opts,
    reference: info.repoTags.includes(ref) ? ref : opts.reference
  })
  // If the engine fails mid-stream, its error says more than the truncated tar does.
  const [saved, read] = await Promise.allSettled([save.done, reading])
  if (read.status === 'rejected') save.kill()
  if (saved.status === 'rejected') throw saved.reason
  if (read.status === 'rejected') throw read.reason
  const image = read.value
  return {
    ...image,
    id: info.id,
    reference: image.reference ?? (info.repoTags[0] || ref),
    source: { ...image.source, kind: 'engine' }
  }
}

/**
 * How many bottom layers come from `from` (the Dockerfile's FROM image), when that image is
 * in the engine and its DiffIDs are a prefix of ours; undefined otherwise (never an error).
 */
export async function baseLayersFromImage(
  from: string,
  diffIds: string[]
): Promise<number | undefined> {
  const r = await execCommand('docker', [
    'image',
    'inspect',
    '--format',
    '{{json .RootFS.Layers}}',
    from
  ])
  if (r.code !== 0) return undefined
  let layers: unknown
  try {
    layers = JSON.parse(r.stdout)
  } catch {
    return undefined
  }
  if (!Array.isArray(layers) || layers.length > diffIds.length) return undefined
  return layers.every((d, i) => d === diffIds[i]) ? layers.length : undefined
}
