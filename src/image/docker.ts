// The Docker engine adapter: inspect an image and stream its `docker save` tar into the archive
// reader (one pass, no temp copy). With a unix-socket engine both go straight to the Engine API
// (engine-api.ts); otherwise through the docker CLI, via src/exec.ts.

import { execCommand, lastLines, spawnStream } from '../exec.js'
import { UsageError } from '../errors.js'
import { readImageArchiveStream, type ReadOptions } from './archive/index.js'
import { engineSocket, inspectViaApi, saveViaApi, type EngineSave } from './engine-api.js'
import { readableSource } from './layer/streams.js'
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
export async function inspectImage(ref: string, socket = engineSocket()): Promise<EngineImage> {
  const j = (socket ? await inspectApi(socket, ref) : await inspectCli(ref)) as InspectJson
  return {
    id: j.Id,
    repoTags: j.RepoTags ?? [],
    size: j.Size ?? 0,
    os: j.Os ?? 'linux',
    architecture: j.Architecture ?? '',
    ...(j.Variant ? { variant: j.Variant } : {})
  }
}

async function inspectCli(ref: string): Promise<unknown> {
  const r = await execCommand('docker', ['image', 'inspect', '--format', '{{json .}}', ref])
  if (r.code !== 0) throw inspectError(ref, lastLines(r.stderr, 1))
  return JSON.parse(r.stdout)
}

async function inspectApi(socket: string, ref: string): Promise<unknown> {
  try {
    return await inspectViaApi(socket, ref)
  } catch (err) {
    throw inspectError(ref, (err as Error).message)
  }
}

function inspectError(ref: string, why: string): Error {
  if (/no such (image|object)/i.test(why)) {
    return new UsageError(
      `image "${ref}" is not in the local Docker engine. Build or pull it first, or pass an archive (docker save -o image.tar ${ref})`
    )
  }
  // The engine's own text may already end in a question (`Is the docker daemon running?`).
  const said = why.trim()
  const stop = /[.?!]$/.test(said) ? '' : '.'
  const ask = /daemon running\?/i.test(said) ? '' : ' Is the Docker engine running (docker info)?'
  return new Error(`docker image inspect ${ref} failed: ${said}${stop}${ask}`)
}

/** The `docker save` tar: from the Engine API when it is a unix socket, else from the CLI. */
function openSave(ref: string, socket: string | undefined): EngineSave {
  const what = `docker save ${ref}`
  if (socket) return saveViaApi(socket, ref, what)
  const cli = spawnStream(what, 'docker', ['save', ref])
  return { source: readableSource(cli.stdout), done: cli.done, kill: cli.kill }
}

/** Reads an image from the engine: its `docker save` tar streamed straight into the parser. */
export async function readEngineImage(ref: string, opts: ReadOptions): Promise<ImageData> {
  const socket = engineSocket() // reads the CLI's config: once per image
  const info = await inspectImage(ref, socket)
  // Save by the name the user gave, so the archive's RepoTags name it; ids work too.
  const save = openSave(ref, socket)
  const reading = readImageArchiveStream(save.source, {
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
    // The containerd image store names an image by its manifest (or index) digest, the classic
    // store by its config digest; there `.Size` is the packed content, not the unpacked bytes.
    ...(containerdStore(info, image) ? { storedBytes: info.size } : {}),
    id: info.id,
    reference: image.reference ?? (info.repoTags[0] || ref),
    source: { ...image.source, kind: 'engine' }
  }
}

/** True when the engine keeps the image in the containerd image store (see readEngineImage). */
export function containerdStore(info: EngineImage, read: ImageData): boolean {
  return info.id !== read.id
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
