// Valid inputs of every layout the reader knows, built with the test fixtures: plain, gzip and
// zstd layers (multi-member, skippable frames), whiteouts, opaque dirs, hard links, symlinks,
// PAX and GNU long names, a PAX global header, package databases, multi-platform indexes with
// attestations. Mutations start from these.

import { createHash } from 'node:crypto'
import {
  buildImage,
  gnuLongLinkEntry,
  gnuLongNameEntry,
  ociLayoutFiles,
  paxGlobalHeader,
  paxRecords,
  rawEntry,
  writeContainerdArchive,
  writeDocker25Archive,
  writeLegacyArchive,
  writeOciArchive,
  writePodmanDockerArchive,
  type BuiltImage,
  type LayerItem,
  type LayerSpec
} from '../../__tests__/support/image-fixtures.js'
import type { Compression } from './compress.js'
import type { LayerInfo, SeedInput } from './state.js'
import { parseItems } from './tar.js'
import type { DirFile } from './types.js'

export interface Seed {
  name: string
  layout: string
  input: SeedInput
  /** Runnable platforms in the seed. */
  platforms: string[]
}

const DPKG_STATUS = [
  'Package: libc6',
  'Status: install ok installed',
  'Installed-Size: 12000',
  'Version: 2.36-9',
  '',
  'Package: curl',
  'Status: install ok installed',
  'Installed-Size: 500',
  'Version: 7.88.1-10',
  ''
].join('\n')

const APK_INSTALLED = [
  'P:musl',
  'V:1.2.4-r2',
  'I:622592',
  'F:lib',
  'R:ld-musl-x86_64.so.1',
  ''
].join('\n')

function paxFile(name: string, records: Record<string, string>, content: string): LayerItem {
  const pax = rawEntry({ name: 'PaxHeader/x', typeflag: 'x' }, paxRecords(records))
  const file = rawEntry({ name, typeflag: '0' }, Buffer.from(content))
  return { raw: Buffer.concat([pax.raw, file.raw]) }
}

function baseLayer(seed: number): LayerItem[] {
  return [
    paxGlobalHeader({ comment: 'fuzz seed' }),
    { path: 'etc', type: 'dir' },
    { path: 'etc/os-release', content: `ID=fuzz${seed}\n` },
    { path: 'bin', type: 'dir' },
    { path: 'bin/sh', size: 3000, seed, mode: 0o755 },
    { path: 'bin/ash', type: 'link', linkname: 'bin/sh' },
    { path: 'bin/dash', type: 'symlink', linkname: 'sh' },
    { path: 'var/lib/dpkg/status', content: DPKG_STATUS },
    { path: 'lib/apk/db/installed', content: APK_INSTALLED },
    { path: `usr/share/doc/${'long-directory-name/'.repeat(6)}README`, content: 'pax path' },
    gnuLongNameEntry(`opt/${'g'.repeat(120)}/file`, Buffer.from('gnu long name')),
    gnuLongLinkEntry('opt/link', `opt/${'t'.repeat(120)}`),
    paxFile('usr/bin/short', { path: 'usr/bin/pax-renamed', uid: '70000', gid: '70000' }, 'pax'),
    { path: 'dev/fifo', type: 'fifo' },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'tmp/cache.bin', size: 2000, seed: seed + 1 }
  ]
}

function upperLayer(seed: number): LayerItem[] {
  return [
    { path: 'usr/bin', type: 'dir' },
    { path: 'usr/bin/curl', size: 1500, seed, mode: 0o755, uid: 1000, gid: 1000 },
    { path: 'usr/bin/curl-copy', size: 1500, seed, mode: 0o755 },
    { path: 'usr/bin/curl-link', type: 'link', linkname: 'usr/bin/curl' },
    { path: 'bin/sh', size: 3100, seed: seed + 2, mode: 0o755 },
    { path: 'etc/os-release', type: 'whiteout' },
    { path: 'tmp', type: 'opaque' },
    { path: 'app/node_modules/x/index.js', content: 'module.exports = 1\n' },
    // Hostile package databases for the content index: a list that climbs out, a manifest
    // that is not JSON, a RECORD with quoted, climbing and many lines, a gemspec.
    { path: 'var/lib/dpkg/info/curl.list', content: '/usr/bin/curl\n/../../etc/passwd\n../..\n' },
    { path: 'app/node_modules/x/package.json', content: '{ "name": ' },
    { path: 'app/node_modules/@s/y/package.json', content: '{"name":"@s/y","version":1}' },
    {
      path: 'usr/lib/python3/dist-packages/evil-1.0.dist-info/RECORD',
      content: `"../../../../../../etc/shadow",,\n"a""b,c",,\n${'x,,\n'.repeat(2000)}`
    },
    { path: 'usr/local/bundle/specifications/rack-3.0.8.gemspec', content: 'spec' },
    { path: 'root/.cache/pip/wheel.whl', size: 800, seed }
  ]
}

function layers(seed: number, compressions: Compression[]): LayerSpec[] {
  const specs: LayerSpec[] = [
    { entries: baseLayer(seed), createdBy: 'ADD rootfs.tar /' },
    {
      entries: upperLayer(seed),
      createdBy: 'RUN apk add curl # buildkit',
      emptyHistoryBefore: ['ENV A=1']
    },
    { entries: [], createdBy: 'RUN true' },
    { entries: [], createdBy: 'RUN true' }
  ]
  return specs.map((spec, i) => {
    const compression = compressions[i % compressions.length]
    if (compression === 'none') return spec
    const split = compression === 'zstd' ? { parts: 2, skippableFrames: true } : { parts: 2 }
    return { ...spec, compression, ...split }
  })
}

interface Images {
  plain: BuiltImage
  mixed: BuiltImage
  arm: BuiltImage
  docker: BuiltImage
}

async function images(): Promise<Images> {
  const ref = { reference: 'example/app:1.0' }
  return {
    plain: await buildImage({ ...ref, layers: layers(1, ['none']) }),
    mixed: await buildImage({ ...ref, layers: layers(2, ['gzip', 'zstd', 'none']) }),
    arm: await buildImage({ ...ref, platform: 'linux/arm64', layers: layers(3, ['zstd', 'gzip']) }),
    docker: await buildImage({ ...ref, dockerMediaTypes: true, layers: layers(4, ['gzip']) })
  }
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Which entries of an archive are layer blobs, with their tar and compression. */
function layerMap(
  paths: { path: string; data?: Buffer }[],
  built: BuiltImage[]
): Map<string, LayerInfo> {
  const byBlob = new Map<string, LayerInfo>()
  for (const image of built) {
    for (const l of image.layers)
      byBlob.set(sha(l.blob), { tar: l.tar, compression: l.compression })
  }
  const out = new Map<string, LayerInfo>()
  for (const p of paths) {
    const info = p.data && byBlob.get(sha(p.data))
    if (info) out.set(p.path, info)
  }
  return out
}

function archiveSeed(
  name: string,
  layout: string,
  bytes: Buffer,
  built: BuiltImage[],
  wrap: Compression = 'none'
): Seed {
  const items = parseItems(bytes)
  const layersByPath = layerMap(
    items.map(i => ({ path: i.name, data: i.data })),
    built
  )
  return {
    name,
    layout,
    input: { kind: 'archive', items, wrap, layers: layersByPath },
    platforms: [...new Set(built.map(b => [b.platform.os, b.platform.architecture].join('/')))]
  }
}

function dirSeed(
  name: string,
  built: BuiltImage[],
  opts: Parameters<typeof ociLayoutFiles>[1]
): Seed {
  const layout = ociLayoutFiles(built, opts)
  const files: DirFile[] = [...layout.blobs].map(([digest, data]) => ({
    path: `blobs/sha256/${digest.slice(7)}`,
    data
  }))
  files.push({ path: 'index.json', data: Buffer.from(JSON.stringify(layout.index)) })
  files.push({ path: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') })
  return {
    name,
    layout: 'oci-dir',
    input: { kind: 'dir', files, layers: layerMap(files, built) },
    platforms: [...new Set(built.map(b => [b.platform.os, b.platform.architecture].join('/')))]
  }
}

/** Every seed; `small` keeps one per layout family (for the jest smoke test). */
export async function buildSeeds(small = false): Promise<Seed[]> {
  const img = await images()
  const two = [img.mixed, img.arm]
  const seeds: Seed[] = [
    archiveSeed('legacy', 'docker-legacy', await writeLegacyArchive(img.plain), [img.plain]),
    archiveSeed(
      'containerd',
      'containerd',
      await writeContainerdArchive(two, { nestedIndex: true, attestation: true }),
      two
    ),
    dirSeed('oci-dir', two, { attestation: true })
  ]
  if (small) return seeds
  seeds.push(
    archiveSeed('podman', 'podman', await writePodmanDockerArchive(img.plain), [img.plain]),
    archiveSeed(
      'podman-symlinks',
      'podman',
      await writePodmanDockerArchive(img.plain, { layersViaSymlinks: true }),
      [img.plain]
    ),
    archiveSeed('docker25', 'docker25', await writeDocker25Archive(img.plain), [img.plain]),
    archiveSeed(
      'containerd-one-platform',
      'containerd',
      await writeContainerdArchive(two, { onlyFirstPlatformBlobs: true, noPlatforms: true }),
      two
    ),
    archiveSeed(
      'oci-archive',
      'oci-archive',
      await writeOciArchive(two, { attestation: true }),
      two
    ),
    archiveSeed(
      'oci-archive-docker-types',
      'oci-archive',
      await writeOciArchive(img.docker, { nestedIndex: true, dockerManifestList: true }),
      [img.docker]
    ),
    archiveSeed(
      'legacy.tar.gz',
      'docker-legacy',
      await writeLegacyArchive(img.plain),
      [img.plain],
      'gzip'
    ),
    archiveSeed('oci-archive.tar.zst', 'oci-archive', await writeOciArchive(two), two, 'zstd'),
    dirSeed('oci-dir-nested', [img.mixed], { nestedIndex: true })
  )
  return seeds
}
