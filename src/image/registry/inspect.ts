// The fast read of a registry image: index, manifests and configs only. No layer byte is
// downloaded; src/analysis/compressed.ts turns this into compressed sizes per platform.

import { DEFAULT_MAX_JSON_BYTES } from '../archive/options.js'
import { RegistryClient, type RegistryOptions } from './client.js'
import { parseRegistryReference } from './reference.js'
import { resolveRegistryImage, type RegistryManifest } from './resolve.js'

export type { RegistryManifest }

export interface RegistryInspection {
  reference: string
  /** Digest the reference resolves to (index or manifest). */
  digest: string
  platforms: string[]
  manifests: RegistryManifest[]
}

export interface InspectOptions {
  /** One `os/arch[/variant]`, `all`, or undefined (the only one, else the host's). */
  platform?: string
  maxJsonBytes?: number
  registry?: RegistryOptions
}

export async function inspectRegistryImage(
  source: string,
  opts: InspectOptions = {}
): Promise<RegistryInspection> {
  const client = new RegistryClient(parseRegistryReference(source), opts.registry)
  const resolved = await resolveRegistryImage(
    client,
    opts.platform,
    opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES
  )
  return {
    reference: client.label,
    digest: resolved.digest,
    platforms: resolved.platforms,
    manifests: resolved.manifests
  }
}
