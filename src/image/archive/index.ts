// Image readers for archives and OCI layouts; see resolve.ts for how manifests are chosen.

export { readImageArchiveFile, readImageArchiveStream } from './read-archive.js'
export { readOciLayoutDir } from './read-dir.js'
export { readImageSource } from './read-source.js'
export { DEFAULT_MAX_JSON_BYTES, type ReadOptions } from './options.js'
export { resolveImage, detectLayout, type ResolveOptions } from './resolve.js'
export type { ImagePlan, LayerRef } from './plan.js'
export {
  formatPlatform,
  hostPlatform,
  normalizePlatform,
  parsePlatform,
  platformMatches
} from './platform.js'
export { normalizeReference, referenceMatches } from './reference.js'
