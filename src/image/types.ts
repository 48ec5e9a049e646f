// Raw facts read from an image, before any analysis. Readers (archive, OCI dir, engine)
// produce these; the pure analysis in src/analysis turns them into a report.

import type { Compression } from '../model.js'

/** What a layer tar entry is, after whiteout markers are recognised. */
export type EntryKind =
  | 'file' // regular file (typeflag 0/7)
  | 'dir'
  | 'symlink'
  | 'hardlink' // typeflag 1: no data, linkname is the target path
  | 'whiteout' // `.wh.<name>`: path is the hidden name (`a/.wh.b` -> `a/b`)
  | 'opaque' // `<dir>/.wh..wh..opq`: path is the directory whose lower children are hidden
  | 'other' // devices, fifos

export interface LayerEntry {
  /** Normalised: no leading `/` or `./`, no trailing `/`, never `..` segments. `` is the root. */
  path: string
  kind: EntryKind
  /** Content length for `file`; 0 for everything else. */
  size: number
  mode: number
  uid: number
  gid: number
  /** Symlink target as written, or the normalised hardlink target path. */
  linkname?: string
  /** Content digest of a `file` (sha256, hex, first 32 chars), computed while streaming. */
  hash?: string
}

/** One layer blob read through once. */
export interface LayerRead {
  entries: LayerEntry[]
  /** Length of the uncompressed layer tar stream. */
  tarBytes: number
  /** Length of the blob as stored (equals tarBytes when uncompressed). */
  blobBytes: number
  compression: Compression
  /** Gzip size of the uncompressed tar, when an estimate was asked for (--estimate-compressed). */
  estimatedGzipBytes?: number
  /** Bytes of the few files the reader was asked to keep (package databases), by path. */
  contents?: Map<string, Uint8Array>
  /** What the ELF files of the layer are (static or not, strippable sections), by path. */
  elf?: Map<string, ElfInfo>
  /** Entries left out because their path (or hard-link target) escapes the layer root; absent when 0. */
  skippedEntries?: number
}

/** One ELF file, read from its streamed bytes (src/image/layer/elf.ts). */
export interface ElfInfo {
  type: 'exec' | 'dyn' | 'rel' | 'other'
  machine: number
  /** Has PT_INTERP: started by a dynamic loader. */
  interp: boolean
  /** DT_NEEDED entries (0 without PT_DYNAMIC); absent when the dynamic section was not read. */
  needed?: number
  /** Has .note.go.buildid or .go.buildinfo. */
  go: boolean
  /** The section header table was read. */
  sectionsRead: boolean
  /** Section names were read (else .debug_* sections are not recognised). */
  namesRead: boolean
  /** Sections `strip` removes: .symtab, its string table, .debug_* / .zdebug_*. */
  strippable: { name: string; bytes: number }[]
}

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

/** An OCI/Docker descriptor as found in index.json and manifests. */
export interface Descriptor {
  mediaType?: string
  digest: string
  size?: number
  platform?: Platform & { 'os.version'?: string }
  annotations?: Record<string, string>
  urls?: string[]
}

export interface HistoryItem {
  created?: string
  created_by?: string
  comment?: string
  empty_layer?: boolean
  author?: string
}

/** The subset of the image config JSON we read. */
export interface ImageConfigJson {
  architecture?: string
  os?: string
  variant?: string
  created?: string
  config?: {
    User?: string
    Entrypoint?: string[] | null
    Cmd?: string[] | null
    Env?: string[] | null
    WorkingDir?: string
    Labels?: Record<string, string> | null
    ExposedPorts?: Record<string, unknown> | null
  }
  rootfs?: { type?: string; diff_ids?: string[] }
  history?: HistoryItem[]
}

/** Layouts the reader recognises (see docs/report-schema.md and shared IMAGES.md §5). */
export type ArchiveLayout =
  | 'docker-legacy' // manifest.json + <id>/layer.tar (Docker <= 24, podman docker-archive)
  | 'docker-oci' // OCI layout + manifest.json (Docker 25+ classic store, containerd store, buildx type=docker)
  | 'oci' // OCI layout without manifest.json (buildx type=oci, skopeo/podman oci-archive, oci: dirs)

/** One layer of the resolved image, in stack order (base first). */
export interface ResolvedLayer {
  /** From config rootfs.diff_ids (sha256 of the uncompressed tar). */
  diffId: string
  /** Blob digest from the OCI manifest, when there is one. */
  digest?: string
  mediaType?: string
  /** Size of the blob from the manifest descriptor (registry size when compressed). */
  descriptorSize?: number
  read: LayerRead
}

/** An image read from any source, ready for analysis. */
export interface ImageData {
  reference?: string
  /** Image id: sha256 of the config blob. */
  id: string
  platform: Platform
  config: ImageConfigJson
  layers: ResolvedLayer[]
  /**
   * Engine images on the containerd image store: what the engine reports as the image's size
   * there (`docker image inspect .Size`), its packed content (compressed layer blobs, config,
   * manifests) rather than the unpacked bytes the report counts.
   */
  storedBytes?: number
  source: {
    kind: 'engine' | 'archive' | 'oci-dir' | 'registry'
    layout: ArchiveLayout
    path?: string
    /** Platforms present in the source (for messages and reports). */
    platforms: string[]
  }
}
