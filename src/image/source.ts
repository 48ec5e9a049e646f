// Where an image comes from: the local engine (a reference or id), an archive file, or an
// OCI layout directory (`oci:<dir>`).

import { existsSync } from 'node:fs'
import { readImageSource, type ReadOptions } from './archive/index.js'
import { readEngineImage } from './docker.js'
import { keepYoungGenerationSmall } from './heap.js'
import type { ImageData } from './types.js'

export function isArchiveSource(source: string): boolean {
  return source.startsWith('oci:') || existsSync(source)
}

export async function readImage(source: string, opts: ReadOptions): Promise<ImageData> {
  // Memory: what is read lives until the report is made (heap.ts).
  keepYoungGenerationSmall()
  return isArchiveSource(source) ? readImageSource(source, opts) : readEngineImage(source, opts)
}
