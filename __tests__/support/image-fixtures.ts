// Builds container images in code, in every archive layout the reader must understand: legacy
// `docker save`, podman docker-archive, Docker 25+ OCI + manifest.json, the containerd store
// export (compressed blobs, nested index, attestations), OCI archives and OCI directories.
// Layer tars are written with tar-stream's pack(); the few header kinds it cannot write (GNU long
// names, PAX global headers) are encoded by hand below. zstd goes through the zstd CLI because
// Node 20 has no zstd compressor.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import type { Descriptor, ImageConfigJson, Platform } from '../../src/image/types.js'
import type { Compression } from '../../src/model.js'

// ---------------------------------------------------------------------------------------------
// Content

/** Deterministic, incompressible-looking bytes (xorshift32), so fixtures need no random data. */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size)
  let x = (seed * 2654435761) >>> 0 || 1
  let i = 0
  for (; i + 4 <= size; i += 4) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out.writeUInt32LE(x >>> 0, i)
  }
  for (; i < size; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** What readLayer stores in `hash`: the first 32 hex digits of the sha256. */
export function contentHash(data: Buffer | string): string {
  return sha256(data).slice(0, 32)
}

// ---------------------------------------------------------------------------------------------
// Layer tars

export type EntryType = 'file' | 'dir' | 'symlink' | 'link' | 'whiteout' | 'opaque' | 'fifo'

export interface EntrySpec {
  /** For whiteouts: the hidden path (`a/b` is written as `a/.wh.b`); for opaque: the directory. */
  path: string
  type?: EntryType
  content?: string | Buffer
  /** Generate `size` pattern bytes instead of giving `content`. */
  size?: number
  seed?: number
  mode?: number
  uid?: number
  gid?: number
  linkname?: string
}

/** Pre-encoded tar blocks, inserted verbatim (see gnuLongNameEntry, paxGlobalHeader). */
export interface RawBlocks {
  raw: Buffer
}

export type LayerItem = EntrySpec | RawBlocks

export interface LayerSpec {
  entries: LayerItem[]
  compression?: Compression
  /** Split the tar into this many gzip members / zstd frames (eStargz, zstd:chunked style). */
  parts?: number
  /** zstd only: add skippable frames before and after the data (zstd:chunked style). */
  skippableFrames?: boolean
  createdBy?: string
  /** History rows with empty_layer: true that precede this layer's row. */
  emptyHistoryBefore?: string[]
}

export function entryContent(e: EntrySpec): Buffer {
  if (e.content !== undefined) return Buffer.from(e.content)
  return e.size ? patternBytes(e.size, e.seed ?? e.path.length) : Buffer.alloc(0)
}

function tarName(e: EntrySpec): string {
  const slash = e.path.lastIndexOf('/')
  const dir = slash < 0 ? '' : e.path.slice(0, slash + 1)
  if (e.type === 'whiteout') return `${dir}.wh.${e.path.slice(slash + 1)}`
  if (e.type === 'opaque') return e.path === '' ? '.wh..wh..opq' : `${e.path}/.wh..wh..opq`
  return e.path
}

function packType(type: EntryType | undefined): tar.Header['type'] {
  switch (type) {
    case 'dir':
      return 'directory'
    case 'symlink':
      return 'symlink'
    case 'link':
      return 'link'
    case 'fifo':
      return 'fifo'
    default:
      return 'file'
  }
}

const EPOCH = new Date(0)

/** A tar of the entries, written by tar-stream's pack() (PAX headers for long names). */
export async function packTar(entries: EntrySpec[], withEndMarker = true): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', c => void chunks.push(c as Buffer))
  const ended = new Promise<void>(resolve => pack.on('end', () => resolve()))
  for (const e of entries) {
    const type = packType(e.type)
    const body = type === 'file' ? entryContent(e) : Buffer.alloc(0)
    const header = {
      name: tarName(e),
      type,
      size: body.length,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: EPOCH,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {})
    }
    await new Promise<void>((resolve, reject) =>
      pack.entry(header, body, err => (err ? reject(err) : resolve()))
    )
  }
  pack.finalize()
  await ended
  const all = Buffer.concat(chunks)
  return withEndMarker ? all : all.subarray(0, all.length - 1024)
}

/** A layer tar: runs of entries packed by tar-stream, raw blocks in between, one end marker. */
export async function layerTar(items: LayerItem[]): Promise<Buffer> {
  const parts: Buffer[] = []
  let run: EntrySpec[] = []
  const flush = async (): Promise<void> => {
    if (run.length > 0) parts.push(await packTar(run, false))
    run = []
  }
  for (const item of items) {
    if ('raw' in item) {
      await flush()
      parts.push(item.raw)
    } else run.push(item)
  }
  await flush()
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

// --- hand-written headers ---------------------------------------------------------------------
// A tar header writer that can write any field (garbage octal, unknown typeflags, NUL in names,
// no checksum), shared with the fuzz harness (scripts/fuzz/tar.ts re-exports it).

export const BLOCK = 512

export interface HeaderFields {
  name?: string | Buffer
  mode?: number
  uid?: number
  gid?: number
  size?: number
  mtime?: number
  /** A typeflag character, or a byte value. */
  typeflag?: string | number
  linkname?: string | Buffer
  magic?: 'ustar' | 'gnu' | 'none'
  /** Skip the checksum (to write a bad one afterwards). */
  noChecksum?: boolean
}

export function writeOctal(b: Buffer, at: number, width: number, value: number): void {
  const digits = Math.max(0, Math.floor(value)).toString(8)
  const text = digits.length < width ? digits.padStart(width - 1, '0') + '\0' : digits
  b.fill(0, at, at + width)
  b.write(text.slice(0, width), at, 'latin1')
}

function writeField(b: Buffer, at: number, width: number, value: string | Buffer): void {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  bytes.copy(b, at, 0, Math.min(width, bytes.length))
}

export function setChecksum(b: Buffer, at = 0): void {
  b.fill(0x20, at + 148, at + 156)
  let sum = 0
  for (let i = at; i < at + BLOCK; i++) sum += b[i]
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', at + 148, 'latin1')
}

/** One 512-byte header block. */
export function header(f: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK)
  writeField(b, 0, 100, f.name ?? '')
  writeOctal(b, 100, 8, f.mode ?? 0o644)
  writeOctal(b, 108, 8, f.uid ?? 0)
  writeOctal(b, 116, 8, f.gid ?? 0)
  writeOctal(b, 124, 12, f.size ?? 0)
  writeOctal(b, 136, 12, f.mtime ?? 0)
  const flag = f.typeflag ?? '0'
  b[156] = typeof flag === 'number' ? flag : flag.charCodeAt(0)
  if (f.linkname !== undefined) writeField(b, 157, 100, f.linkname)
  const magic = f.magic ?? 'ustar'
  if (magic === 'ustar') b.write('ustar\u000000', 257, 'latin1')
  else if (magic === 'gnu') b.write('ustar  \0', 257, 'latin1')
  if (!f.noChecksum) setChecksum(b)
  return b
}

export function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK
  return pad === 0 ? data : Buffer.concat([data, Buffer.alloc(pad)])
}

/** A header plus its padded data (size = data length unless given). */
export function entryBlocks(f: HeaderFields, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([header({ size: data.length, ...f }), padded(data)])
}

/** `<len> <key>=<value>\n` records; the length counts its own digits. */
export function paxRecords(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([k, v]) => {
    const body = Buffer.byteLength(` ${k}=${v}\n`)
    let len = body + 1
    while (String(len).length + body !== len) len = String(len).length + body
    return `${len} ${k}=${v}\n`
  })
  return Buffer.from(lines.join(''), 'utf8')
}

export function paxBlock(records: Record<string, string> | Buffer, global = false): Buffer {
  const data = Buffer.isBuffer(records) ? records : paxRecords(records)
  return entryBlocks(
    { name: global ? 'pax_global_header' : 'PaxHeader', typeflag: global ? 'g' : 'x' },
    data
  )
}

export function gnuLongBlock(kind: 'L' | 'K', payload: Buffer): Buffer {
  return entryBlocks({ name: '././@LongLink', typeflag: kind, magic: 'gnu' }, payload)
}

interface RawHeader {
  name: string
  typeflag: string
  size?: number
  linkname?: string
  mode?: number
  /** GNU magic (`ustar  \0`) instead of POSIX (`ustar\0` + `00`). */
  gnu?: boolean
}

function rawFields(h: RawHeader): HeaderFields {
  return { ...h, magic: h.gnu ? 'gnu' : 'ustar' }
}

export function rawHeader(h: RawHeader): Buffer {
  return header(rawFields(h))
}

/** One entry as raw blocks: header plus padded data. */
export function rawEntry(h: RawHeader, data: Buffer = Buffer.alloc(0)): RawBlocks {
  return { raw: entryBlocks({ ...rawFields(h), size: data.length }, data) }
}

/** A file whose name is carried by a GNU `././@LongLink` (typeflag L) record. */
export function gnuLongNameEntry(path: string, content: Buffer): RawBlocks {
  const longName = gnuLongBlock('L', Buffer.from(path + '\0'))
  const file = rawEntry({ name: path.slice(0, 99), typeflag: '0', gnu: true }, content)
  return { raw: Buffer.concat([longName, file.raw]) }
}

/** A symlink whose target is carried by a GNU typeflag K record. */
export function gnuLongLinkEntry(path: string, target: string): RawBlocks {
  const longLink = gnuLongBlock('K', Buffer.from(target + '\0'))
  const link = rawEntry({ name: path, typeflag: '2', linkname: target.slice(0, 99), gnu: true })
  return { raw: Buffer.concat([longLink, link.raw]) }
}

/** A PAX global header (typeflag g), as `git archive` writes (dive aborts on these). */
export function paxGlobalHeader(records: Record<string, string>): RawBlocks {
  return { raw: paxBlock(records, true) }
}

// --- compression ------------------------------------------------------------------------------

export function zstdCompress(data: Buffer): Buffer {
  return execFileSync('zstd', ['-q', '-c', '-3', '--no-check'], { input: data, maxBuffer: 1 << 30 })
}

export function skippableFrame(payload: Buffer, nibble = 0): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32LE(0x184d2a50 + nibble, 0)
  head.writeUInt32LE(payload.length, 4)
  return Buffer.concat([head, payload])
}

function splitParts(data: Buffer, parts: number): Buffer[] {
  const size = Math.ceil(data.length / parts)
  const out: Buffer[] = []
  for (let at = 0; at < data.length; at += size) out.push(data.subarray(at, at + size))
  return out
}

export function compressLayer(
  tarBytes: Buffer,
  spec: Pick<LayerSpec, 'compression' | 'parts' | 'skippableFrames'>
): Buffer {
  const pieces = splitParts(tarBytes, spec.parts ?? 1)
  if (spec.compression === 'gzip') return Buffer.concat(pieces.map(p => gzipSync(p)))
  if (spec.compression !== 'zstd') return tarBytes
  const frames = pieces.map(p => zstdCompress(p))
  if (!spec.skippableFrames) return Buffer.concat(frames)
  return Buffer.concat([
    skippableFrame(Buffer.from('toc')),
    ...frames,
    skippableFrame(patternBytes(40), 7)
  ])
}

// ---------------------------------------------------------------------------------------------
// Images

export interface ImageSpec {
  layers: LayerSpec[]
  platform?: string
  reference?: string
  /** Docker media types (buildx type=docker default) instead of OCI ones. */
  dockerMediaTypes?: boolean
  config?: Partial<ImageConfigJson>
}

export interface BuiltLayer {
  tar: Buffer
  blob: Buffer
  diffId: string
  digest: string
  compression: Compression
  mediaType: string
  spec: LayerSpec
}

export interface BuiltImage {
  layers: BuiltLayer[]
  config: ImageConfigJson
  configBytes: Buffer
  configDigest: string
  manifestBytes: Buffer
  manifestDigest: string
  manifestMediaType: string
  platform: Platform
  reference?: string
}

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  inToto: 'application/vnd.in-toto+json'
}

function layerMediaType(c: Compression, docker: boolean): string {
  if (docker)
    return c === 'none'
      ? 'application/vnd.docker.image.rootfs.diff.tar'
      : 'application/vnd.docker.image.rootfs.diff.tar.gzip'
  return c === 'none'
    ? 'application/vnd.oci.image.layer.v1.tar'
    : `application/vnd.oci.image.layer.v1.tar+${c}`
}

export function parsePlatformString(s: string): Platform {
  const [os, architecture, variant] = s.split('/')
  return variant ? { os, architecture, variant } : { os, architecture }
}

export async function buildLayer(spec: LayerSpec, docker = false): Promise<BuiltLayer> {
  const tarBytes = await layerTar(spec.entries)
  const compression = spec.compression ?? 'none'
  const blob = compressLayer(tarBytes, spec)
  return {
    tar: tarBytes,
    blob,
    diffId: `sha256:${sha256(tarBytes)}`,
    digest: `sha256:${sha256(blob)}`,
    compression,
    mediaType: layerMediaType(compression, docker),
    spec
  }
}

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const docker = spec.dockerMediaTypes === true
  const layers: BuiltLayer[] = []
  for (const l of spec.layers) layers.push(await buildLayer(l, docker))
  const platform = parsePlatformString(spec.platform ?? 'linux/amd64')
  const config: ImageConfigJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/bin'] },
    rootfs: { type: 'layers', diff_ids: layers.map(l => l.diffId) },
    history: layers.flatMap((l, i) => [
      ...(l.spec.emptyHistoryBefore ?? []).map(c => ({ created_by: c, empty_layer: true })),
      { created_by: l.spec.createdBy ?? `RUN step ${i + 1} # buildkit` }
    ]),
    ...spec.config
  }
  const configBytes = Buffer.from(JSON.stringify(config))
  const configDigest = `sha256:${sha256(configBytes)}`
  const manifestMediaType = docker ? MT.dockerManifest : MT.ociManifest
  const manifest = {
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: {
      mediaType: docker ? MT.dockerConfig : MT.ociConfig,
      digest: configDigest,
      size: configBytes.length
    },
    layers: layers.map(l => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length }))
  }
  const manifestBytes = Buffer.from(JSON.stringify(manifest))
  return {
    layers,
    config,
    configBytes,
    configDigest,
    manifestBytes,
    manifestDigest: `sha256:${sha256(manifestBytes)}`,
    manifestMediaType,
    platform,
    ...(spec.reference ? { reference: spec.reference } : {})
  }
}

export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1)
}

export function blobPath(digest: string): string {
  return `blobs/sha256/${hexOf(digest)}`
}

// ---------------------------------------------------------------------------------------------
// Outer archives

export interface OuterEntry {
  name: string
  data?: Buffer | string
  type?: 'file' | 'symlink' | 'link' | 'directory'
  linkname?: string
}

/** The outer tar, entries in the order given. */
export async function packArchive(entries: OuterEntry[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', c => void chunks.push(c as Buffer))
  const ended = new Promise<void>(resolve => pack.on('end', () => resolve()))
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data)
    const type = e.type ?? 'file'
    const header = {
      name: e.name,
      type,
      size: type === 'file' ? data.length : 0,
      mtime: EPOCH,
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {})
    }
    await new Promise<void>((resolve, reject) =>
      pack.entry(header, type === 'file' ? data : Buffer.alloc(0), err =>
        err ? reject(err) : resolve()
      )
    )
  }
  pack.finalize()
  await ended
  return Buffer.concat(chunks)
}

function json(value: unknown): string {
  return JSON.stringify(value)
}

function repoTags(image: BuiltImage): string[] {
  return image.reference ? [image.reference] : []
}

function repositories(image: BuiltImage, topId: string): OuterEntry[] {
  if (!image.reference) return []
  const colon = image.reference.lastIndexOf(':')
  const [repo, tag] = [image.reference.slice(0, colon), image.reference.slice(colon + 1)]
  return [{ name: 'repositories', data: json({ [repo]: { [tag]: topId } }) }]
}

function v1Id(image: BuiltImage, i: number): string {
  return sha256(`${image.configDigest}/${i}`)
}

/**
 * Docker <= 24 `docker save`: `<cfg>.json`, `<v1id>/{VERSION,json,layer.tar}`, manifest.json.
 * A layer whose DiffID repeats an earlier one is a symlink `../<first v1id>/layer.tar`.
 */
export async function writeLegacyArchive(image: BuiltImage): Promise<Buffer> {
  const entries: OuterEntry[] = [
    { name: `${hexOf(image.configDigest)}.json`, data: image.configBytes }
  ]
  const firstById = new Map<string, string>()
  const layerPaths = image.layers.map((l, i) => {
    const id = v1Id(image, i)
    entries.push({ name: `${id}/`, type: 'directory' })
    entries.push({ name: `${id}/VERSION`, data: '1.0' })
    entries.push({ name: `${id}/json`, data: json({ id, created: '2024-01-01T00:00:00Z' }) })
    const first = firstById.get(l.diffId)
    if (first)
      entries.push({ name: `${id}/layer.tar`, type: 'symlink', linkname: `../${first}/layer.tar` })
    else entries.push({ name: `${id}/layer.tar`, data: l.tar })
    if (!first) firstById.set(l.diffId, id)
    return `${id}/layer.tar`
  })
  const manifest = [
    { Config: `${hexOf(image.configDigest)}.json`, RepoTags: repoTags(image), Layers: layerPaths }
  ]
  entries.push({ name: 'manifest.json', data: json(manifest) })
  entries.push(...repositories(image, v1Id(image, image.layers.length - 1)))
  return packArchive(entries)
}

/**
 * podman save (docker-archive): `<diffhex>.tar` at the root, `<v1id>/layer.tar` symlinks to
 * them, manifest.json naming the root tars. Repeated layers share one root tar.
 * `layersViaSymlinks` makes manifest.json name the symlinks instead (resolution test).
 */
export async function writePodmanDockerArchive(
  image: BuiltImage,
  opts: { layersViaSymlinks?: boolean } = {}
): Promise<Buffer> {
  const entries: OuterEntry[] = []
  const written = new Set<string>()
  for (const l of image.layers) {
    if (written.has(l.diffId)) continue
    written.add(l.diffId)
    entries.push({ name: `${hexOf(l.diffId)}.tar`, data: l.tar })
  }
  entries.push({ name: `${hexOf(image.configDigest)}.json`, data: image.configBytes })
  const links = image.layers.map((l, i) => {
    const id = v1Id(image, i)
    entries.push({
      name: `${id}/layer.tar`,
      type: 'symlink',
      linkname: `../${hexOf(l.diffId)}.tar`
    })
    entries.push({ name: `${id}/VERSION`, data: '1.0' })
    entries.push({ name: `${id}/json`, data: json({ id }) })
    return `${id}/layer.tar`
  })
  const layers = opts.layersViaSymlinks ? links : image.layers.map(l => `${hexOf(l.diffId)}.tar`)
  const manifest = [
    { Config: `${hexOf(image.configDigest)}.json`, RepoTags: repoTags(image), Layers: layers }
  ]
  entries.push({ name: 'manifest.json', data: json(manifest) })
  entries.push(...repositories(image, v1Id(image, image.layers.length - 1)))
  return packArchive(entries)
}

function descriptor(
  mediaType: string,
  digest: string,
  size: number,
  extra: Partial<Descriptor> = {}
): Descriptor {
  return { mediaType, digest, size, ...extra }
}

function nameAnnotations(image: BuiltImage): Record<string, string> | undefined {
  if (!image.reference) return undefined
  const tag = image.reference.slice(image.reference.lastIndexOf(':') + 1)
  return {
    'io.containerd.image.name': `docker.io/library/${image.reference}`,
    'org.opencontainers.image.ref.name': tag
  }
}

/**
 * Docker 25+ with the classic store: uncompressed layers stored as blobs named by DiffID,
 * blobs first, then index.json, manifest.json, oci-layout, repositories.
 */
export async function writeDocker25Archive(image: BuiltImage): Promise<Buffer> {
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: descriptor(MT.ociConfig, image.configDigest, image.configBytes.length),
    layers: image.layers.map(l =>
      descriptor('application/vnd.oci.image.layer.v1.tar', l.diffId, l.tar.length)
    )
  }
  const manifestBytes = Buffer.from(json(manifest))
  const manifestDigest = `sha256:${sha256(manifestBytes)}`
  const blobs = new Map<string, Buffer>([
    [image.configDigest, image.configBytes],
    [manifestDigest, manifestBytes],
    ...image.layers.map(l => [l.diffId, l.tar] as [string, Buffer])
  ])
  const annotations = nameAnnotations(image)
  const index = {
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: [
      descriptor(
        MT.ociManifest,
        manifestDigest,
        manifestBytes.length,
        annotations ? { annotations } : {}
      )
    ]
  }
  const dockerManifest = [
    {
      Config: blobPath(image.configDigest),
      RepoTags: repoTags(image),
      Layers: image.layers.map(l => blobPath(l.diffId))
    }
  ]
  return packArchive([
    ...blobEntries(blobs),
    { name: 'index.json', data: json(index) },
    { name: 'manifest.json', data: json(dockerManifest) },
    { name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    ...repositories(image, hexOf(image.configDigest))
  ])
}

function blobEntries(blobs: Map<string, Buffer>): OuterEntry[] {
  const sorted = [...blobs.keys()].sort()
  return [
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...sorted.map(d => ({ name: blobPath(d), data: blobs.get(d)! }))
  ]
}

export interface OciArchiveOptions {
  /** index.json points at one image index blob that lists the platform manifests. */
  nestedIndex?: boolean
  /** Add a BuildKit attestation manifest (platform unknown/unknown) per image. */
  attestation?: boolean
  /** Leave out the blob of this layer of the first image (containerd WithSkipMissing). */
  missingBlob?: number
  /** Write only the first image's blobs; the others stay listed in the index (docker save --platform). */
  onlyFirstPlatformBlobs?: boolean
  /** Docker manifest list instead of an OCI index for the nested index. */
  dockerManifestList?: boolean
  /** Write manifest.json (containerd store export) for the first image. */
  manifestJson?: boolean
  /** Leave platform off the manifest descriptors (Docker 25 style index). */
  noPlatforms?: boolean
}

interface OciLayoutFiles {
  blobs: Map<string, Buffer>
  index: unknown
  manifestJson?: unknown
}

function platformOf(image: BuiltImage): Platform {
  return image.platform
}

function attestationFor(image: BuiltImage, blobs: Map<string, Buffer>): Descriptor {
  const statement = Buffer.from(
    json({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2'
    })
  )
  const statementDigest = `sha256:${sha256(statement)}`
  const cfg = Buffer.from(
    json({
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [statementDigest] }
    })
  )
  const cfgDigest = `sha256:${sha256(cfg)}`
  const manifest = Buffer.from(
    json({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: descriptor(MT.ociConfig, cfgDigest, cfg.length),
      layers: [
        descriptor(MT.inToto, statementDigest, statement.length, {
          annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' }
        })
      ]
    })
  )
  const digest = `sha256:${sha256(manifest)}`
  blobs.set(statementDigest, statement).set(cfgDigest, cfg).set(digest, manifest)
  return descriptor(MT.ociManifest, digest, manifest.length, {
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.digest': image.manifestDigest,
      'vnd.docker.reference.type': 'attestation-manifest'
    }
  })
}

/** The files of an OCI image layout holding one or more (per-platform) images. */
export function ociLayoutFiles(images: BuiltImage[], opts: OciArchiveOptions = {}): OciLayoutFiles {
  const blobs = new Map<string, Buffer>()
  const manifests: Descriptor[] = []
  images.forEach((image, i) => {
    const keep = i === 0 || !opts.onlyFirstPlatformBlobs
    if (keep) {
      blobs
        .set(image.configDigest, image.configBytes)
        .set(image.manifestDigest, image.manifestBytes)
      image.layers.forEach((l, j) =>
        i === 0 && j === opts.missingBlob ? undefined : blobs.set(l.digest, l.blob)
      )
    }
    const platform = opts.noPlatforms ? {} : { platform: platformOf(image) }
    manifests.push(
      descriptor(
        image.manifestMediaType,
        image.manifestDigest,
        image.manifestBytes.length,
        platform
      )
    )
    if (opts.attestation && keep) manifests.push(attestationFor(image, blobs))
  })
  const first = images[0]
  const annotations = nameAnnotations(first)
  const withNames = annotations ? { annotations } : {}
  let top: Descriptor[]
  if (opts.nestedIndex) {
    const mediaType = opts.dockerManifestList ? MT.dockerList : MT.ociIndex
    const nested = Buffer.from(json({ schemaVersion: 2, mediaType, manifests }))
    const digest = `sha256:${sha256(nested)}`
    blobs.set(digest, nested)
    top = [descriptor(mediaType, digest, nested.length, withNames)]
  } else top = manifests.map((m, i) => (i === 0 ? { ...m, ...withNames } : m))
  const files: OciLayoutFiles = {
    blobs,
    index: { schemaVersion: 2, mediaType: MT.ociIndex, manifests: top }
  }
  if (opts.manifestJson) {
    files.manifestJson = [
      {
        Config: blobPath(first.configDigest),
        RepoTags: repoTags(first),
        Layers: first.layers.map(l => blobPath(l.digest))
      }
    ]
  }
  return files
}

export function layoutEntries(files: OciLayoutFiles): OuterEntry[] {
  return [
    ...blobEntries(files.blobs),
    { name: 'index.json', data: json(files.index) },
    ...(files.manifestJson ? [{ name: 'manifest.json', data: json(files.manifestJson) }] : []),
    { name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) }
  ]
}

/** `docker save` with the containerd image store: compressed blobs first, then index.json, manifest.json. */
export async function writeContainerdArchive(
  images: BuiltImage | BuiltImage[],
  opts: OciArchiveOptions = {}
): Promise<Buffer> {
  const list = Array.isArray(images) ? images : [images]
  return packArchive(layoutEntries(ociLayoutFiles(list, { manifestJson: true, ...opts })))
}

/** buildx --output type=oci, skopeo/podman oci-archive: an OCI layout tar without manifest.json. */
export async function writeOciArchive(
  images: BuiltImage | BuiltImage[],
  opts: OciArchiveOptions = {}
): Promise<Buffer> {
  const list = Array.isArray(images) ? images : [images]
  return packArchive(layoutEntries(ociLayoutFiles(list, { ...opts, manifestJson: false })))
}

/** An `oci:` directory (skopeo copy … oci:dir, buildx type=oci,tar=false). Returns the dir. */
export function writeOciDir(
  images: BuiltImage | BuiltImage[],
  dir: string,
  opts: OciArchiveOptions = {}
): string {
  const list = Array.isArray(images) ? images : [images]
  const files = ociLayoutFiles(list, opts)
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true })
  for (const [digest, data] of files.blobs) writeFileSync(join(dir, blobPath(digest)), data)
  writeFileSync(join(dir, 'index.json'), json(files.index))
  if (files.manifestJson) writeFileSync(join(dir, 'manifest.json'), json(files.manifestJson))
  writeFileSync(join(dir, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }))
  return dir
}

// ---------------------------------------------------------------------------------------------
// Files

const made: string[] = []
// Under jest (which injects `afterAll`), the directories of a test file go when it ends; the
// fuzz harness, which also builds its seeds here, cleans its own sandbox.
const afterAllHook = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll
afterAllHook?.(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

export function tempDir(prefix = 'isg-image-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

export function writeTemp(data: Buffer, name: string, dir = tempDir()): string {
  const path = join(dir, name)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, data)
  return path
}

/** A small everyday image: a base layer, a layer with changes and whiteouts. */
export async function sampleImage(overrides: Partial<ImageSpec> = {}): Promise<BuiltImage> {
  return buildImage({
    reference: 'example/app:1.0',
    layers: [
      {
        createdBy: 'ADD rootfs.tar /',
        entries: [
          { path: 'etc', type: 'dir' },
          { path: 'etc/os-release', content: 'ID=test\n' },
          { path: 'bin', type: 'dir' },
          { path: 'bin/sh', size: 3000, mode: 0o755 },
          { path: 'bin/ash', type: 'link', linkname: 'bin/sh' },
          { path: 'tmp', type: 'dir', mode: 0o1777 }
        ]
      },
      {
        createdBy: 'RUN apk add curl # buildkit',
        emptyHistoryBefore: ['ENV A=1'],
        entries: [
          { path: 'usr/bin', type: 'dir' },
          { path: 'usr/bin/curl', size: 2000, mode: 0o755, uid: 1000, gid: 1000 },
          { path: 'etc/os-release', type: 'whiteout' },
          { path: 'tmp', type: 'opaque' }
        ]
      }
    ],
    ...overrides
  })
}
