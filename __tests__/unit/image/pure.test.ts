// The small pure pieces: platforms, references, paths, sniffing, tar entry mapping.

import { describe, expect, it } from '@jest/globals'
import {
  formatPlatform,
  hostPlatform,
  isAttestation,
  normalizePlatform,
  parsePlatform,
  platformMatches
} from '../../../src/image/archive/platform.js'
import { normalizeReference, referenceMatches } from '../../../src/image/archive/reference.js'
import {
  checkDigest,
  digestFromPath,
  linkTargetPath,
  manifestPath
} from '../../../src/image/archive/paths.js'
import { emptyContents, findFile } from '../../../src/image/archive/contents.js'
import { normalizeEntryPath, toLayerEntry } from '../../../src/image/layer/entry.js'
import { describeHead, looksLikeJson, sniffCompression } from '../../../src/image/layer/sniff.js'
import { shortenDigests } from '../../../src/image/layer/errors.js'
import { rawHeader } from '../../support/image-fixtures.js'

describe('platforms', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['linux/x86_64', { os: 'linux', architecture: 'amd64' }],
    ['Linux/AArch64', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/v6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['windows/amd64', { os: 'windows', architecture: 'amd64' }]
  ])('parsePlatform(%s)', (text, expected) => {
    expect(parsePlatform(text)).toEqual(expected)
  })

  it.each(['amd64', 'linux/', '/amd64', 'linux/arm/v7/x', ''])('rejects %j', text => {
    expect(() => parsePlatform(text)).toThrow('is not valid: use os/arch[/variant]')
  })

  it.each([
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm', 'linux/arm/v7', true],
    ['linux/arm', 'linux/arm/v6', false],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/amd64', 'linux/amd64/v3', true],
    ['linux/amd64/v3', 'linux/amd64', false],
    ['linux/amd64', 'windows/amd64', false],
    ['linux/amd64', 'linux/arm64', false]
  ])('%s matches %s: %s', (want, have, expected) => {
    expect(platformMatches(parsePlatform(want), normalizePlatform(parsePlatform(have)))).toBe(
      expected
    )
  })

  it('formats and maps the host', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7')
    expect(hostPlatform('x64')).toEqual({ os: 'linux', architecture: 'amd64' })
    expect(hostPlatform('arm64')).toEqual({ os: 'linux', architecture: 'arm64' })
    expect(hostPlatform('arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' })
    expect(hostPlatform('ia32')).toEqual({ os: 'linux', architecture: '386' })
    expect(hostPlatform('s390x')).toEqual({ os: 'linux', architecture: 's390x' })
  })

  it('recognises attestation manifests', () => {
    expect(isAttestation({ platform: { os: 'unknown', architecture: 'unknown' } })).toBe(true)
    expect(
      isAttestation({ annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } })
    ).toBe(true)
    expect(isAttestation({ platform: { os: 'linux', architecture: 'amd64' } })).toBe(false)
  })
})

describe('references', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx:1'],
    ['me/app', 'docker.io/me/app:latest'],
    ['ghcr.io/o/r', 'ghcr.io/o/r:latest'],
    ['localhost:5000/app:dev', 'localhost:5000/app:dev'],
    ['localhost/app', 'localhost/app:latest'],
    [`ghcr.io/o/r@sha256:${'a'.repeat(64)}`, `ghcr.io/o/r@sha256:${'a'.repeat(64)}`]
  ])('normalizeReference(%s)', (ref, expected) => {
    expect(normalizeReference(ref)).toBe(expected)
  })

  it.each([
    ['nginx', 'docker.io/library/nginx:latest', true],
    ['nginx:1', 'nginx:1', true],
    ['nginx:1', 'nginx:2', false],
    ['example/app:1.0', '1.0', true],
    ['example/app', 'latest', true],
    ['example/app:1.0', '2.0', false]
  ])('%s matches %s: %s', (ref, name, expected) => {
    expect(referenceMatches(ref, name)).toBe(expected)
  })
})

describe('archive paths', () => {
  it.each([
    ['abc/layer.tar', '../def/layer.tar', 'symlink', 'def/layer.tar'],
    ['abc/layer.tar', '/def.tar', 'symlink', 'def.tar'],
    ['layer.tar', 'x.tar', 'symlink', 'x.tar'],
    ['abc/layer.tar', '../../x.tar', 'symlink', undefined],
    ['abc/layer.tar', './def/layer.tar', 'hardlink', 'def/layer.tar']
  ] as const)('link %s -> %s (%s) is %s', (link, target, kind, expected) => {
    expect(linkTargetPath(link, target, kind)).toBe(expected)
  })

  it('follows link chains and stops at cycles', () => {
    const contents = emptyContents()
    contents.files.set('data.tar', { kind: 'other', size: 1 })
    contents.links.set('a', 'b').set('b', 'data.tar').set('x', 'y').set('y', 'x')
    expect(findFile(contents, 'a')).toEqual({ kind: 'other', size: 1 })
    expect(findFile(contents, 'x')).toBeUndefined()
  })

  it('checks manifest paths and digests', () => {
    expect(manifestPath('./a//b', 'w')).toBe('a/b')
    expect(() => manifestPath('a/../../b', 'w')).toThrow(
      'w is "a/../../b", which points outside the archive'
    )
    expect(() => manifestPath('', 'w')).toThrow(
      'w should be a path inside the archive, but it is ""'
    )
    expect(checkDigest(`sha256:${'0'.repeat(64)}`, 'w')).toBe(`sha256:${'0'.repeat(64)}`)
    expect(() => checkDigest('sha256:ABC', 'w')).toThrow(
      'w has digest "sha256:ABC", which is not a valid sha256 or sha512 digest'
    )
    expect(digestFromPath(`blobs/sha256/${'e'.repeat(64)}`)).toBe(`sha256:${'e'.repeat(64)}`)
    expect(digestFromPath('blobs/sha256/short')).toBeUndefined()
    expect(shortenDigests(`blobs/sha256/${'0123456789ab'}${'f'.repeat(52)}`)).toBe(
      'blobs/sha256/0123456789ab…'
    )
  })
})

describe('sniffing', () => {
  const ustar = rawHeader({ name: 'a', typeflag: '0' })
  const v7 = Buffer.from(ustar)
  v7.fill(0, 257, 265) // no magic: an old v7 header, still a valid checksum?
  it.each([
    ['gzip', Buffer.from([0x1f, 0x8b, 8, 0]), 'gzip'],
    ['zstd frame', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]), 'zstd'],
    ['zstd skippable frame', Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 0]), 'zstd'],
    ['ustar header', ustar, 'none'],
    ['empty tar', Buffer.alloc(1024), 'none'],
    ['truncated ustar header', ustar.subarray(0, 300), 'unknown'],
    ['JSON', Buffer.from('{}'), 'unknown'],
    ['nothing', Buffer.alloc(0), 'unknown']
  ])('%s -> %s', (_name, head, kind) => {
    expect(sniffCompression(head)).toBe(kind)
  })

  it('accepts a v7 header whose checksum adds up', () => {
    // recompute the checksum of the magic-less header
    v7.fill(0x20, 148, 156)
    let sum = 0
    for (const b of v7) sum += b
    v7.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1')
    expect(sniffCompression(v7)).toBe('none')
  })

  it.each([
    ['{"a":1}', true],
    ['  \n[1]', true],
    ['\uFEFF{}', true],
    ['1.0', false],
    ['', false]
  ])('looksLikeJson(%j) = %s', (text, expected) => {
    expect(looksLikeJson(Buffer.from(text))).toBe(expected)
  })

  it('describes heads for messages', () => {
    expect(describeHead(Buffer.from([1, 2, 255]))).toBe('it holds unrecognised binary data')
    expect(describeHead(Buffer.from('{"a":1}'))).toBe('it looks like JSON')
    expect(describeHead(Buffer.from('PK\u0003\u0004'))).toBe('it looks like a zip archive')
    expect(describeHead(Buffer.alloc(0))).toBe('it is empty')
  })

  it('never shows a byte of what it describes (a path may point at /proc/self/environ)', () => {
    const environ = Buffer.from('GITHUB_TOKEN=ghs_S3CR3T\u0000PATH=/usr/bin\u0000')
    const text = Buffer.from('NPM_TOKEN=npm_S3CR3T\n')
    for (const head of [environ, text]) {
      const said = describeHead(head)
      expect(said).not.toMatch(/S3CR3T|TOKEN|PATH|4e 50|47 49/)
      expect(said).not.toMatch(/[0-9a-f]{2} [0-9a-f]{2}/)
    }
  })
})

describe('tar entries', () => {
  it.each([
    ['a/b', 'a/b'],
    ['./a/b', 'a/b'],
    ['/a/b/', 'a/b'],
    ['a//b', 'a/b'],
    ['./', ''],
    ['.', ''],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['.bashrc', '.bashrc'],
    ['..foo/x', '..foo/x'],
    ['../x', undefined],
    ['a/../../x', undefined]
  ])('normalizeEntryPath(%j) = %j', (raw, expected) => {
    expect(normalizeEntryPath(raw)).toBe(expected)
  })

  it.each([
    [
      { name: 'a/.wh.b', type: 'file' },
      { path: 'a/b', kind: 'whiteout' }
    ],
    [
      { name: '.wh.b', type: 'file' },
      { path: 'b', kind: 'whiteout' }
    ],
    [
      { name: 'a/.wh..wh..opq', type: 'file' },
      { path: 'a', kind: 'opaque' }
    ],
    [
      { name: '.wh..wh..opq', type: 'file' },
      { path: '', kind: 'opaque' }
    ],
    [
      { name: 'a/.wh.', type: 'file' },
      { path: 'a/.wh.', kind: 'other' }
    ],
    [
      { name: '.wh..wh.aufs', type: 'file' },
      { path: '.wh..wh.aufs', kind: 'other' }
    ],
    [
      { name: 'd/.wh.dir/', type: 'directory' },
      { path: 'd/.wh.dir', kind: 'dir' }
    ],
    [
      { name: 'x', type: 'contiguous-file', size: 5 },
      { path: 'x', kind: 'file', size: 5 }
    ],
    [
      { name: 'c', type: 'character-device' },
      { path: 'c', kind: 'other' }
    ],
    [
      { name: 's', type: 'symlink', linkname: '../../x' },
      { path: 's', kind: 'symlink', linkname: '../../x' }
    ],
    [
      { name: 'h', type: 'link', linkname: '/a/./b' },
      { path: 'h', kind: 'hardlink', linkname: 'a/b' }
    ]
  ])('%j', (header, expected) => {
    const result = toLayerEntry({ mode: 0o100644, ...header })
    expect('entry' in result && result.entry).toMatchObject({ size: 0, mode: 0o644, ...expected })
  })
})
