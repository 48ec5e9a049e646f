// From a reference to the manifests of the platforms asked for: the tag's manifest, and when it
// is an index, the image manifests it lists (attestations and artifacts skipped, nested indexes
// followed), then each chosen manifest and its config. JSON only: no layer byte is read here.

import type { Descriptor, ImageConfigJson, Platform } from '../types.js'
import { parseObject } from '../archive/contents.js'
import { listSome } from '../archive/paths.js'
import { arrayField, imageId, parseConfig, parseDescriptor, platformOf } from '../archive/plan.js'
import { choosePlatform, MAX_INDEX_DEPTH, type Candidate } from '../archive/resolve-index.js'
import {
  formatPlatform,
  hostPlatform,
  isAttestation,
  parsePlatform,
  platformMatches
} from '../archive/platform.js'
import type { RegistryClient } from './client.js'
import { manifestTarget } from './reference.js'
import { checkBlobDigest } from './verified-source.js'

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
const ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ')
const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_LIST])
const MANIFEST_TYPES = new Set([OCI_MANIFEST, DOCKER_MANIFEST])
const CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json'
])

/** One platform's image as the registry describes it. */
export interface RegistryManifest {
  manifestDigest: string
  platform: Platform
  /** `sha256:` of the config blob. */
  id: string
  config: ImageConfigJson
  configSize: number
  layers: Descriptor[]
}

export interface ResolvedRegistryImage {
  /** Digest of what the tag points at (index or manifest). */
  digest: string
  /** Runnable platforms the reference offers. */
  platforms: string[]
  manifests: RegistryManifest[]
}

interface Fetched {
  digest: string
  mediaType: string
  json: Record<string, unknown>
}

/**
 * `platform`: one `os/arch[/variant]`, `all`, or undefined (the only one, else the host's).
 */
export async function resolveRegistryImage(
  client: RegistryClient,
  platform: string | undefined,
  maxJsonBytes: number
): Promise<ResolvedRegistryImage> {
  const want = platform === undefined || platform === 'all' ? undefined : parsePlatform(platform)
  const top = await fetchManifest(
    client,
    manifestTarget(client.ref),
    client.ref.digest,
    maxJsonBytes
  )
  if (!INDEX_TYPES.has(top.mediaType)) {
    const manifest = await readImageManifest(client, top, undefined, maxJsonBytes)
    const only = formatPlatform(manifest.platform)
    if (want && !platformMatches(want, manifest.platform)) {
      throw new Error(
        `${client.label}: platform ${formatPlatform(want)} is not in this image; it has: ${only}. Ask for one of those (the \`platform\` input, or --platform)`
      )
    }
    return { digest: top.digest, platforms: [only], manifests: [manifest] }
  }
  const candidates = await collect(client, top, 0, maxJsonBytes)
  const platforms = [
    ...new Set(candidates.map(c => (c.platform ? formatPlatform(c.platform) : 'unknown')))
  ]
  let chosen: Candidate[]
  if (platform === 'all') chosen = candidates
  else {
    try {
      chosen = [choosePlatform(candidates, want, hostPlatform())]
    } catch (err) {
      throw new Error(
        `${client.label}: ${(err as Error).message.replace('index.json', 'the image index')}`
      )
    }
  }
  if (chosen.length === 0)
    throw new Error(
      `${client.label}: the image index lists no runnable image (only ${listSome(platforms) || 'attestations or artifacts'})`
    )
  const manifests: RegistryManifest[] = []
  for (const c of chosen) {
    const fetched = await fetchManifest(
      client,
      c.descriptor.digest,
      c.descriptor.digest,
      maxJsonBytes
    )
    manifests.push(await readImageManifest(client, fetched, c.platform, maxJsonBytes))
  }
  return { digest: top.digest, platforms, manifests }
}

async function fetchManifest(
  client: RegistryClient,
  target: string,
  digest: string | undefined,
  maxJsonBytes: number
): Promise<Fetched> {
  const what = `manifest ${target}`
  const { bytes, answer } = await client.getSmall(
    `/v2/${client.ref.repository}/manifests/${target}`,
    ACCEPT,
    what,
    maxJsonBytes
  )
  if (digest) checkBlobDigest(bytes, digest, `${client.label}: ${what}`)
  const json = parseObject(bytes, `${client.label} ${what}`, 'an image manifest or index')
  const header = String(answer.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : header
  if (mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new Error(
      `${client.label}: ${what} is a Docker schema 1 manifest, which carries no sizes; push the image again with a current Docker or BuildKit`
    )
  }
  if (!INDEX_TYPES.has(mediaType) && !MANIFEST_TYPES.has(mediaType)) {
    // Old OCI manifests may omit mediaType: the shape decides.
    if (Array.isArray(json.manifests))
      return { digest: digest ?? headerDigest(answer.headers, bytes), mediaType: OCI_INDEX, json }
    if (Array.isArray(json.layers))
      return {
        digest: digest ?? headerDigest(answer.headers, bytes),
        mediaType: OCI_MANIFEST,
        json
      }
    throw new Error(
      `${client.label}: ${what} has media type "${mediaType.slice(0, 100)}", which is not an image manifest or index`
    )
  }
  return { digest: digest ?? headerDigest(answer.headers, bytes), mediaType, json }
}

function headerDigest(headers: Record<string, unknown>, bytes: Buffer): string {
  const h = headers['docker-content-digest']
  if (typeof h === 'string' && /^sha256:[0-9a-f]{64}$/.test(h)) {
    checkBlobDigest(bytes, h, 'the manifest (Docker-Content-Digest)')
    return h
  }
  return imageId(bytes)
}

async function collect(
  client: RegistryClient,
  index: Fetched,
  depth: number,
  maxJsonBytes: number
): Promise<Candidate[]> {
  if (depth > MAX_INDEX_DEPTH)
    throw new Error(`${client.label}: image indexes nest more than ${MAX_INDEX_DEPTH} levels deep`)
  const out: Candidate[] = []
  const list = arrayField(index.json, 'manifests', `manifest ${index.digest}`)
  for (const [i, raw] of list.entries()) {
    const d = parseDescriptor(raw, `${client.label} manifest ${index.digest} manifests[${i}]`)
    if (isAttestation(d)) continue
    if (d.mediaType && INDEX_TYPES.has(d.mediaType)) {
      const nested = await fetchManifest(client, d.digest, d.digest, maxJsonBytes)
      out.push(...(await collect(client, nested, depth + 1, maxJsonBytes)))
      continue
    }
    if (d.mediaType && !MANIFEST_TYPES.has(d.mediaType)) continue
    const c: Candidate = { descriptor: d, path: d.digest, present: true }
    if (d.platform) c.platform = d.platform
    out.push(c)
  }
  return out
}

async function readImageManifest(
  client: RegistryClient,
  fetched: Fetched,
  listed: Platform | undefined,
  maxJsonBytes: number
): Promise<RegistryManifest> {
  const where = `${client.label} manifest ${fetched.digest}`
  const configDesc = parseDescriptor(fetched.json.config, `${where} config`)
  if (configDesc.mediaType && !CONFIG_TYPES.has(configDesc.mediaType))
    throw new Error(
      `${where} is not a container image (its config is ${configDesc.mediaType.slice(0, 100)})`
    )
  const what = `the image config ${configDesc.digest}`
  const { bytes } = await client.getSmall(
    `/v2/${client.ref.repository}/blobs/${configDesc.digest}`,
    undefined,
    what,
    maxJsonBytes
  )
  checkBlobDigest(bytes, configDesc.digest, `${client.label}: ${what}`)
  const config = parseConfig(bytes, `${client.label} ${what}`)
  const layers = arrayField(fetched.json, 'layers', where).map((raw, i) =>
    parseDescriptor(raw, `${where} layers[${i}]`)
  )
  for (const [i, l] of layers.entries()) {
    if (l.size === undefined) throw new Error(`${where} layers[${i}] has no size`)
  }
  return {
    manifestDigest: fetched.digest,
    platform: platformOf(config, listed),
    id: imageId(bytes),
    config,
    configSize: bytes.length,
    layers
  }
}
