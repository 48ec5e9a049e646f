// Where an image comes from: the local engine (a reference or id), an archive file, an OCI
// layout directory (`oci:<dir>`), or a registry (`docker://host/repo:tag`).

import { existsSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { readImageSource, type ReadOptions } from './archive/index.js'
import { readEngineImage } from './docker.js'
import { keepYoungGenerationSmall } from './heap.js'
import type { RegistryOptions } from './registry/client.js'
import { isRegistrySource } from './registry/reference.js'
import { readRegistryImage } from './registry/read-registry.js'
import type { ImageData } from './types.js'

export function isArchiveSource(source: string): boolean {
  return source.startsWith('oci:') || existsSync(source)
}

export interface SourceOptions extends ReadOptions {
  /** Credentials and insecure hosts, for `docker://` sources. */
  registry?: RegistryOptions
}

export async function readImage(source: string, opts: SourceOptions): Promise<ImageData> {
  // Memory: what is read lives until the report is made (heap.ts).
  keepYoungGenerationSmall()
  if (isRegistrySource(source)) return readRegistryImage(source, opts)
  if (isArchiveSource(source)) return readImageSource(source, opts)
  if (looksLikePath(source)) {
    throw new UsageError(
      `${source} does not exist (an image archive or OCI layout directory was expected there)`
    )
  }
  return readEngineImage(source, opts)
}

/**
 * Not an image reference: references never start with `/` or `.`, and one ending in `.tar`
 * (a repository named `x.tar`, untagged) is far less likely than a mistyped archive path.
 */
export function looksLikePath(source: string): boolean {
  return /^(\/|\.\.?\/|~\/)/.test(source) || /\.(tar|tar\.gz|tgz|tar\.zst|tar\.zstd)$/.test(source)
}
