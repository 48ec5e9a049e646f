export {
  readLayer,
  LayerParser,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_MAX_PATH_LENGTH
} from './read-layer.js'
export type { ReadLayerOptions } from './read-layer.js'
export { normalizeEntryPath, toLayerEntry } from './entry.js'
export { sniffCompression, looksLikeJson, SNIFF_BYTES } from './sniff.js'
export type { BlobKind } from './sniff.js'
export { createDecompressor, hasNativeZstd } from './decompress.js'
