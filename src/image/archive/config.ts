// An image config from an archive is untrusted JSON: every field we later read is checked for
// its type here, once, so the analysis can rely on `created_by` being a string and `Env` a list
// of strings. Fields of the wrong type are dropped (as if absent), never passed on.

import type { HistoryItem, ImageConfigJson } from '../types.js'
import { isObject, stringRecord } from './contents.js'

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined

/** Copies the known fields of a parsed config with the right types; drops the rest. */
export function tidyConfig(raw: Record<string, unknown>): ImageConfigJson {
  const out: ImageConfigJson = {}
  for (const key of ['architecture', 'os', 'variant', 'created'] as const) {
    const value = str(raw[key])
    if (value !== undefined) out[key] = value
  }
  if (isObject(raw.config)) out.config = tidyRunConfig(raw.config)
  if (isObject(raw.rootfs)) {
    out.rootfs = {}
    if (typeof raw.rootfs.type === 'string') out.rootfs.type = raw.rootfs.type
    if (Array.isArray(raw.rootfs.diff_ids)) out.rootfs.diff_ids = raw.rootfs.diff_ids as string[]
  }
  if (Array.isArray(raw.history)) out.history = raw.history.map(tidyHistoryItem)
  return out
}

function tidyRunConfig(c: Record<string, unknown>): NonNullable<ImageConfigJson['config']> {
  const out: NonNullable<ImageConfigJson['config']> = {}
  for (const key of ['User', 'WorkingDir'] as const) {
    const value = str(c[key])
    if (value !== undefined) out[key] = value
  }
  for (const key of ['Entrypoint', 'Cmd', 'Env'] as const) {
    const value = strings(c[key])
    if (value !== undefined) out[key] = value
  }
  if (isObject(c.Labels)) {
    out.Labels = stringRecord(c.Labels)
  }
  if (isObject(c.ExposedPorts)) out.ExposedPorts = c.ExposedPorts
  return out
}

function tidyHistoryItem(raw: unknown): HistoryItem {
  if (!isObject(raw)) return {}
  const item: HistoryItem = {}
  for (const key of ['created', 'created_by', 'comment', 'author'] as const) {
    const value = str(raw[key])
    if (value !== undefined) item[key] = value
  }
  if (raw.empty_layer === true) item.empty_layer = true
  return item
}
