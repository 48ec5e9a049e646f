// index.json -> (nested image indexes) -> the manifest for one platform -> config and layers.

import type { ArchiveLayout, Descriptor, Platform } from '../types.js'
import { isObject, parseJson, parseObject, type JsonFiles } from './contents.js'
import { digestPath, listSome } from './paths.js'
import {
  arrayField,
  configPlatform,
  imageId,
  layerRefs,
  parseConfig,
  parseDescriptor,
  platformOf,
  requireBytes,
  type ImagePlan
} from './plan.js'
import { formatPlatform, isAttestation, platformMatches } from './platform.js'
import { referenceMatches } from './reference.js'

export const MAX_INDEX_DEPTH = 8

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'
])
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
])
const CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json'
])

/** An image manifest found while walking the indexes. */
export interface Candidate {
  descriptor: Descriptor
  path: string
  /** The manifest blob is in the archive (containerd may export only some platforms). */
  present: boolean
  platform?: Platform
  /** The image name from the top-level index.json descriptor's annotations. */
  name?: string
}

export interface IndexOptions {
  platform?: Platform
  reference?: string
  host: Platform
}

export function resolveIndex(
  files: JsonFiles,
  layout: ArchiveLayout,
  opts: IndexOptions
): ImagePlan {
  const tops = topDescriptors(files)
  const candidates = collectManifests(files, selectByReference(tops, opts.reference))
  const chosen = choosePlatform(candidates, opts.platform, opts.host)
  return planFromManifest(files, chosen, layout, presentPlatforms(candidates))
}

export function topDescriptors(files: JsonFiles): Descriptor[] {
  const index = parseObject(
    requireBytes(files, 'index.json', 'index.json'),
    'index.json',
    'an OCI image index'
  )
  return arrayField(index, 'manifests', 'index.json').map((d, i) =>
    parseDescriptor(d, `index.json manifests[${i}]`)
  )
}

function namesOf(d: Descriptor): string[] {
  const a = d.annotations ?? {}
  return [a['io.containerd.image.name'], a['org.opencontainers.image.ref.name']].filter(
    (n): n is string => !!n
  )
}

/** With a reference asked for, keep the index.json entries that carry that name. */
export function selectByReference(tops: Descriptor[], reference: string | undefined): Descriptor[] {
  if (!reference) return tops
  const matching = tops.filter(d => namesOf(d).some(n => referenceMatches(reference, n)))
  if (matching.length > 0) return matching
  const names = [...new Set(tops.flatMap(d => namesOf(d).slice(0, 1)))]
  // Unnamed entries, or one image under several names: the reference cannot pick wrongly.
  if (names.length === 0 || new Set(tops.map(d => d.digest)).size <= 1) return tops
  throw new Error(
    `image ${reference} is not in index.json; it has: ${listSome(names)}. Ask for one of those`
  )
}

/** Walks nested indexes depth-first, collecting runnable image manifests (attestations skipped). */
export function collectManifests(files: JsonFiles, tops: Descriptor[]): Candidate[] {
  const found: Candidate[] = []
  const seen = new Set<string>()
  const visit = (list: Descriptor[], from: string, ancestors: string[], name?: string): void => {
    if (ancestors.length > MAX_INDEX_DEPTH) {
      throw new Error(
        `image indexes nest more than ${MAX_INDEX_DEPTH} levels deep (at ${from}); the archive is malformed`
      )
    }
    for (const d of list) {
      if (isAttestation(d)) continue
      const here = name ?? namesOf(d)[0]
      const kind = kindOf(files, d)
      if (kind === 'index' && ancestors.includes(d.digest)) {
        throw new Error(
          `${from} lists ${d.digest}, an image index that contains itself; the archive is malformed`
        )
      }
      if (kind === 'other' || seen.has(d.digest)) continue
      seen.add(d.digest)
      if (kind === 'index')
        visit(childDescriptors(files, d), digestPath(d.digest), [...ancestors, d.digest], here)
      else found.push(candidate(files, d, here))
    }
  }
  visit(tops, 'index.json', [])
  return found
}

type Kind = 'index' | 'manifest' | 'other'

// The media type says what a descriptor points at; without one, the blob's shape does.
function kindOf(files: JsonFiles, d: Descriptor): Kind {
  if (d.mediaType && INDEX_TYPES.has(d.mediaType)) return 'index'
  const json = peekJson(files, digestPath(d.digest))
  if (d.mediaType && MANIFEST_TYPES.has(d.mediaType)) return isArtifact(json) ? 'other' : 'manifest'
  if (d.mediaType || !isObject(json)) return 'other'
  if (Array.isArray(json.manifests)) return 'index'
  return Array.isArray(json.layers) && !isArtifact(json) ? 'manifest' : 'other'
}

/** A manifest whose config is not an image config (signatures, SBOMs, helm charts…). */
function isArtifact(json: unknown): boolean {
  if (!isObject(json)) return false
  const config = json.config
  const mediaType = isObject(config) ? config.mediaType : undefined
  return typeof mediaType === 'string' && !CONFIG_TYPES.has(mediaType)
}

// A look that never throws: a broken blob is reported only if the image needs it.
function peekJson(files: JsonFiles, path: string): unknown {
  try {
    const bytes = files.bytes(path)
    return bytes === undefined ? undefined : parseJson(bytes, path)
  } catch {
    return undefined
  }
}

function childDescriptors(files: JsonFiles, d: Descriptor): Descriptor[] {
  const path = digestPath(d.digest)
  const bytes = files.bytes(path)
  if (bytes === undefined) return [] // a nested index left out of the export holds nothing we can use
  const index = parseObject(bytes, path, 'an image index')
  return arrayField(index, 'manifests', path).map((c, i) =>
    parseDescriptor(c, `${path} manifests[${i}]`)
  )
}

function candidate(files: JsonFiles, d: Descriptor, name: string | undefined): Candidate {
  const path = digestPath(d.digest)
  const c: Candidate = { descriptor: d, path, present: files.has(path) }
  const platform = d.platform ?? platformFromBlobs(files, path)
  if (platform) c.platform = platform
  if (name) c.name = name
  return c
}

// Docker 25 writes index.json entries without a platform; the config says which it is.
function platformFromBlobs(files: JsonFiles, manifestPath: string): Platform | undefined {
  const manifest = peekJson(files, manifestPath)
  if (
    !isObject(manifest) ||
    !isObject(manifest.config) ||
    typeof manifest.config.digest !== 'string'
  )
    return undefined
  try {
    const configPath = digestPath(parseDescriptor(manifest.config, manifestPath).digest)
    const bytes = files.bytes(configPath)
    return bytes ? configPlatform(parseConfig(bytes, configPath)) : undefined
  } catch {
    return undefined
  }
}

export function presentPlatforms(candidates: Candidate[]): string[] {
  return [
    ...new Set(
      candidates
        .filter(c => c.present)
        .map(c => (c.platform ? formatPlatform(c.platform) : 'unknown'))
    )
  ]
}

/** Picks the manifest for the asked platform, or the only one, or the host's. */
export function choosePlatform(
  candidates: Candidate[],
  want: Platform | undefined,
  host: Platform
): Candidate {
  const present = candidates.filter(c => c.present)
  const list = listSome(presentPlatforms(candidates))
  if (want) return chooseAsked(candidates, want, list)
  if (present.length === 1) return present[0]
  if (present.length === 0) {
    throw new Error(
      candidates.length === 0
        ? 'index.json lists no image manifest'
        : `index.json lists ${candidates.length} image manifest(s), but none of them is in the archive; export the image again with its manifests`
    )
  }
  const hostMatch = present.find(c => c.platform && platformMatches(host, c.platform))
  if (hostMatch) return hostMatch
  throw new Error(
    `this image has several platforms (${list}) and none is this machine's (${formatPlatform(host)}); pass --platform with one of them`
  )
}

function chooseAsked(candidates: Candidate[], want: Platform, list: string): Candidate {
  const matching = candidates.filter(c => c.platform && platformMatches(want, c.platform))
  const chosen = matching.find(c => c.present)
  if (chosen) return chosen
  const asked = formatPlatform(want)
  if (matching.length > 0) {
    throw new Error(
      `platform ${asked} is listed in the image index, but its manifest is not in the archive (the archive holds: ${list || 'none'}). ` +
        `Export the image again for that platform, e.g. docker save --platform ${asked}`
    )
  }
  throw new Error(
    `platform ${asked} is not in this image; it has: ${list || 'none'}. Ask for one of those (the \`platform\` input, or --platform)`
  )
}

function planFromManifest(
  files: JsonFiles,
  chosen: Candidate,
  layout: ArchiveLayout,
  platforms: string[]
): ImagePlan {
  const manifest = parseObject(
    requireBytes(files, chosen.path, `manifest ${chosen.descriptor.digest}`),
    chosen.path,
    'an image manifest'
  )
  const configDesc = parseDescriptor(manifest.config, `${chosen.path} config`)
  const configPath = digestPath(configDesc.digest)
  const configBytes = requireBytes(files, configPath, `the image config ${configDesc.digest}`)
  const config = parseConfig(configBytes, configPath)
  const layers = arrayField(manifest, 'layers', chosen.path).map((raw, i) => {
    const descriptor = parseDescriptor(raw, `${chosen.path} layers[${i}]`)
    return { path: digestPath(descriptor.digest), descriptor }
  })
  const plan: ImagePlan = {
    layout,
    id: imageId(configBytes),
    platform: platformOf(config, chosen.platform),
    platforms,
    config,
    layers: layerRefs(config, layers, `manifest ${chosen.descriptor.digest}`)
  }
  if (chosen.name) plan.reference = chosen.name
  return plan
}

/** Every image manifest reachable from index.json (for docker-oci descriptor lookups); never throws. */
export function allManifests(files: JsonFiles): Candidate[] {
  try {
    return collectManifests(files, topDescriptors(files))
  } catch {
    return []
  }
}

/** The layer descriptors of the manifest whose config has this digest, if index.json has one. */
export function layerDescriptorsFor(
  files: JsonFiles,
  configDigest: string
): Descriptor[] | undefined {
  for (const c of allManifests(files)) {
    const manifest = peekJson(files, c.path)
    if (
      !isObject(manifest) ||
      !isObject(manifest.config) ||
      manifest.config.digest !== configDigest
    )
      continue
    try {
      return arrayField(manifest, 'layers', c.path).map((raw, i) =>
        parseDescriptor(raw, `${c.path} layers[${i}]`)
      )
    } catch {
      return undefined
    }
  }
  return undefined
}
