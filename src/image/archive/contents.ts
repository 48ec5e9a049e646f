// What one pass over an archive leaves behind: every layer already read, every JSON document
// held as bytes, links recorded. Manifests are resolved against this afterwards, because blobs
// often come before the manifests that name them.

import type { LayerRead } from '../types.js'
import { describe } from './paths.js'

export type ArchiveFile =
  | { kind: 'layer'; read: LayerRead }
  | { kind: 'json'; bytes: Buffer }
  | { kind: 'too-large'; size: number }
  | { kind: 'other'; size: number }
  /** Looked like a layer but failed to parse; the error is raised only if the image uses it. */
  | { kind: 'broken'; error: Error }

export interface ArchiveContents {
  files: Map<string, ArchiveFile>
  /** Symlinks and hard links of the outer tar: path -> target path. */
  links: Map<string, string>
}

export function emptyContents(): ArchiveContents {
  return { files: new Map(), links: new Map() }
}

const MAX_LINK_HOPS = 16

/** Follows links (podman's `<id>/layer.tar -> ../<hex>.tar`) to the path holding the data. */
export function resolveLinks(contents: ArchiveContents, path: string): string {
  let current = path
  for (let hop = 0; hop < MAX_LINK_HOPS && !contents.files.has(current); hop++) {
    const next = contents.links.get(current)
    if (next === undefined) break
    current = next
  }
  return current
}

export function findFile(contents: ArchiveContents, path: string): ArchiveFile | undefined {
  return contents.files.get(resolveLinks(contents, path))
}

/** The resolver's view of the archive: small JSON documents, by path. */
export interface JsonFiles {
  has(path: string): boolean
  /** The bytes of a JSON document; undefined when absent; throws when it cannot be one. */
  bytes(path: string): Buffer | undefined
}

export function jsonFiles(contents: ArchiveContents, maxJsonBytes: number): JsonFiles {
  return {
    has: path => findFile(contents, path) !== undefined,
    bytes: path => {
      const file = findFile(contents, path)
      if (file === undefined || file.kind === 'json') return file?.bytes
      if (file.kind === 'too-large') {
        throw new Error(
          `${path} is ${file.size} bytes, more than the ${maxJsonBytes} bytes allowed for a JSON document; ` +
            'raise the limit with --max-json-size (CLI) or the max-json-size input'
        )
      }
      const what = file.kind === 'other' ? 'binary blob' : 'layer'
      throw new Error(`${path} should be a JSON document, but it is a ${what}`)
    }
  }
}

export function parseJson(bytes: Buffer, name: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${(err as Error).message}`)
  }
}

/** The string-valued members of an object (labels, annotations); the rest are dropped. */
export function stringRecord(obj: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses a JSON document that must be an object. */
export function parseObject(bytes: Buffer, name: string, what: string): Record<string, unknown> {
  const value = parseJson(bytes, name)
  if (!isObject(value))
    throw new Error(`${name} should be ${what} (a JSON object), but it is ${describe(value)}`)
  return value
}
