// `oci:<dir>`: an OCI image layout on disk. The JSON documents are loaded first (following
// descriptors from index.json), the plan is resolved, then only the layer blobs it names are read.

import { readFile, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import { fileSource } from '../layer/file-source.js'
import { readLayerFrom } from '../layer/read-layer.js'
import type { ImageData, LayerRead } from '../types.js'
import { assembleImage, missingLayerError } from './assemble.js'
import { emptyContents, isObject, jsonFiles, parseJson, type ArchiveContents } from './contents.js'
import { DEFAULT_MAX_JSON_BYTES, layerOptions, withContext, type ReadOptions } from './options.js'
import { checkDigest, digestPath, manifestPath } from './paths.js'
import type { ImagePlan } from './plan.js'
import { resolveImage } from './resolve.js'

/** Loading stops after this many JSON documents: a layout that links to more is not an image. */
const MAX_JSON_DOCUMENTS = 10_000
/** Layers read at once: zlib inflates on the thread pool, so two layers use two cores. */
const LAYER_CONCURRENCY = 2

export function readOciLayoutDir(dir: string, opts: ReadOptions = {}): Promise<ImageData> {
  const maxJsonBytes = opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES
  return withContext(opts.label ?? `OCI layout ${dir}`, async () => {
    // The layout's real path, once: every file read must resolve inside it.
    const layout: Layout = { dir, root: realpath(dir).catch(() => dir) }
    const contents = await loadJsonDocuments(layout, maxJsonBytes)
    const plan = resolveImage(jsonFiles(contents, maxJsonBytes), {
      ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
      ...(opts.reference !== undefined ? { reference: opts.reference } : {})
    })
    const reads = await readLayerFiles(layout, plan, opts)
    return assembleImage(plan, ref => reads.get(ref.path)!, { kind: 'oci-dir', path: dir })
  })
}

/** index.json, manifest.json and every index, manifest and config blob they lead to. */
async function loadJsonDocuments(layout: Layout, maxJsonBytes: number): Promise<ArchiveContents> {
  const contents = emptyContents()
  const queue = ['index.json', 'manifest.json', 'oci-layout']
  for (let n = 0; n < queue.length && n < MAX_JSON_DOCUMENTS; n++) {
    const path = queue[n]
    if (contents.files.has(path)) continue
    const bytes = await loadJson(layout, path, maxJsonBytes, contents)
    if (bytes) queue.push(...referencedPaths(path, bytes))
  }
  return contents
}

async function loadJson(
  layout: Layout,
  path: string,
  maxJsonBytes: number,
  contents: ArchiveContents
): Promise<Buffer | undefined> {
  const blob = await layoutFile(layout, path)
  if (blob === undefined) return undefined
  const { file, size } = blob
  if (size > maxJsonBytes) {
    contents.files.set(path, { kind: 'too-large', size })
    return undefined
  }
  const bytes = await readFile(file)
  contents.files.set(path, { kind: 'json', bytes })
  return bytes
}

// Descriptors of indexes (`manifests`) and manifests (`config`), and manifest.json's Config
// paths. Layers are not followed: they are read after resolution. Bad input is skipped here
// and reported by the resolver if the image needs it.
function referencedPaths(path: string, bytes: Buffer): string[] {
  let json: unknown
  try {
    json = parseJson(bytes, path)
  } catch {
    return []
  }
  if (path === 'manifest.json' && Array.isArray(json))
    return json.flatMap(e => safe(() => manifestPath(isObject(e) ? e.Config : undefined, path)))
  if (!isObject(json)) return []
  const descriptors = [...(Array.isArray(json.manifests) ? json.manifests : []), json.config]
  return descriptors.flatMap(d =>
    safe(() => digestPath(checkDigest(isObject(d) ? d.digest : undefined, path)))
  )
}

function safe(get: () => string): string[] {
  try {
    return [get()]
  } catch {
    return []
  }
}

async function readLayerFiles(
  layout: Layout,
  plan: ImagePlan,
  opts: ReadOptions
): Promise<Map<string, LayerRead>> {
  const paths = [...new Set(plan.layers.map(l => l.path))]
  const files = await Promise.all(paths.map(path => layerFile(layout, path, plan)))
  const sizes = files.map(f => f.size)
  const progress = progressTracker(
    sizes.reduce((a, b) => a + b, 0),
    opts.onProgress
  )
  const reads = new Map<string, LayerRead>()
  let cursor = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (cursor < paths.length && !failed) {
      const n = cursor++
      const path = paths[n]
      const options = { ...layerOptions(opts), name: path, onProgress: progress() }
      try {
        reads.set(path, await readLayerFrom(fileSource(files[n].file), options))
      } catch (err) {
        failed = true
        throw err
      }
    }
  }
  await Promise.all(Array.from({ length: LAYER_CONCURRENCY }, worker))
  return reads
}

async function layerFile(layout: Layout, path: string, plan: ImagePlan): Promise<LayoutFile> {
  const blob = await layoutFile(layout, path)
  if (blob !== undefined) return blob
  const i = plan.layers.findIndex(l => l.path === path)
  throw missingLayerError(plan.layers[i], i, plan.layers.length)
}

interface Layout {
  dir: string
  /** realpath(dir), resolved once per read. */
  root: Promise<string>
}

interface LayoutFile {
  /** The real path, symlinks resolved. */
  file: string
  size: number
}

/**
 * A file of the layout that is safe to read: undefined when it is absent. A blob may be a
 * symlink (some stores deduplicate that way), but only to a file inside the layout; a FIFO
 * would block the reader forever and a device (`/dev/zero`) never ends, so both are refused.
 */
async function layoutFile(layout: Layout, path: string): Promise<LayoutFile | undefined> {
  let file: string
  try {
    file = await realpath(join(layout.dir, path))
  } catch {
    return undefined
  }
  const inside = relative(await layout.root, file)
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new Error(`${path} is a symlink to ${file}, outside the layout: refusing to read it`)
  }
  const info = await stat(file)
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a directory' : 'a FIFO, socket or device'
    throw new Error(`${path} is ${what}, not a regular file: refusing to read it`)
  }
  return { file, size: info.size }
}

/** Turns per-layer byte counts into one running total across layers read in parallel. */
function progressTracker(
  total: number,
  report: ReadOptions['onProgress']
): () => (bytes: number) => void {
  let done = 0
  return () => {
    let seen = 0
    return bytes => {
      done += bytes - seen
      seen = bytes
      report?.(done, total)
    }
  }
}
