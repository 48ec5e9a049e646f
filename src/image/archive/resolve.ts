// From an archive's JSON documents to an ImagePlan: which config, which layers in which order.
// Pure: no I/O, so every layout and every malformed input is tested without writing files.

import type { ArchiveLayout } from '../types.js'
import type { JsonFiles } from './contents.js'
import type { ImagePlan } from './plan.js'
import { listSome } from './paths.js'
import { formatPlatform, hostPlatform, parsePlatform, platformMatches } from './platform.js'
import { resolveDockerManifest } from './resolve-docker.js'
import { resolveIndex } from './resolve-index.js'
import type { Platform } from '../types.js'

export interface ResolveOptions {
  /** `os/arch[/variant]`; default: the only platform, else the host's. */
  platform?: string
  reference?: string
  /** For tests; defaults to the machine running this. */
  host?: Platform
}

export const NOT_AN_IMAGE =
  'is not an image archive: it has neither manifest.json nor index.json ' +
  '(was it made with docker save / skopeo copy / buildx --output type=oci?)'

export function detectLayout(files: JsonFiles): ArchiveLayout {
  const hasIndex = files.has('index.json') || files.has('oci-layout')
  if (files.has('manifest.json')) return hasIndex ? 'docker-oci' : 'docker-legacy'
  if (files.has('index.json')) return 'oci'
  throw new Error(NOT_AN_IMAGE)
}

/** Prefers manifest.json (what `docker load` would use); index.json otherwise or for another platform. */
export function resolveImage(files: JsonFiles, opts: ResolveOptions = {}): ImagePlan {
  const layout = detectLayout(files)
  const want = opts.platform === undefined ? undefined : parsePlatform(opts.platform)
  const indexOpts = {
    ...(want ? { platform: want } : {}),
    reference: opts.reference,
    host: opts.host ?? hostPlatform()
  }
  if (!files.has('manifest.json')) return resolveIndex(files, layout, indexOpts)
  const plan = resolveDockerManifest(files, layout, opts.reference)
  if (!want || platformMatches(want, plan.platform)) return plan
  // manifest.json describes one platform; a multi-platform export may hold the asked one in index.json
  if (files.has('index.json')) return resolveIndex(files, layout, indexOpts)
  throw new Error(
    `platform ${formatPlatform(want)} is not in this image; it has: ${listSome(plan.platforms)}. Ask for one of those (the \`platform\` input, or --platform)`
  )
}
