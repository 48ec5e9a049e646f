// One entry point for "read this image from disk": an OCI layout directory or an archive file.

import { access, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImageData } from '../types.js'
import type { ReadOptions } from './options.js'
import { readImageArchiveFile } from './read-archive.js'
import { readOciLayoutDir } from './read-dir.js'

/**
 * `oci:<dir>[:<ref>]` or a directory holding `oci-layout` -> OCI layout reader; an existing
 * file (`docker-archive:` / `oci-archive:` prefixes allowed) -> archive reader.
 */
export async function readImageSource(source: string, opts: ReadOptions = {}): Promise<ImageData> {
  if (source.startsWith('oci:')) {
    const { path, reference } = await splitReference(source.slice('oci:'.length))
    return readOciLayoutDir(path, withReference(opts, reference))
  }
  const archive = /^(docker-archive|oci-archive):/.exec(source)
  const { path, reference } = archive
    ? await splitReference(source.slice(archive[0].length))
    : { path: source }
  const info = await stat(path).catch(() => undefined)
  if (info?.isDirectory()) {
    if (await isLayoutDir(path)) return readOciLayoutDir(path, withReference(opts, reference))
    throw new Error(
      `${path} is a directory but not an OCI image layout (it has no oci-layout or index.json file)`
    )
  }
  if (info?.isFile()) return readImageArchiveFile(path, withReference(opts, reference))
  throw new Error(
    `${source} is neither an image archive file nor an OCI layout directory (no such file or directory). ` +
      'Pass a file made by docker save / podman save / skopeo copy, or oci:<dir>'
  )
}

async function isLayoutDir(dir: string): Promise<boolean> {
  for (const name of ['oci-layout', 'index.json']) {
    if (
      await access(join(dir, name)).then(
        () => true,
        () => false
      )
    )
      return true
  }
  return false
}

// skopeo's `oci:<dir>:<ref>` / `docker-archive:<file>:<ref>`: the suffix names an image only
// when the whole string is not itself an existing path.
async function splitReference(spec: string): Promise<{ path: string; reference?: string }> {
  const colon = spec.lastIndexOf(':')
  if (colon <= 0 || (await exists(spec))) return { path: spec }
  const path = spec.slice(0, colon)
  return (await exists(path)) ? { path, reference: spec.slice(colon + 1) } : { path: spec }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

function withReference(opts: ReadOptions, reference: string | undefined): ReadOptions {
  return reference && !opts.reference ? { ...opts, reference } : opts
}
