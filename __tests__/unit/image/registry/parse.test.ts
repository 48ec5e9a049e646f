// The pure parts of the registry adapter: references, auth challenges, plain-HTTP policy,
// and where credentials come from (a Docker config written by the test).

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parseChallenges } from '../../../../src/image/registry/challenge.js'
import { findCredentials } from '../../../../src/image/registry/credentials.js'
import {
  allowsPlainHttp,
  manifestTarget,
  parseRegistryReference
} from '../../../../src/image/registry/reference.js'

const DIGEST = `sha256:${'a'.repeat(64)}`

describe('parseRegistryReference', () => {
  it.each([
    ['docker://nginx', 'registry-1.docker.io', 'docker.io', 'library/nginx', 'latest', undefined],
    [
      'docker://docker.io/nginx:1.27',
      'registry-1.docker.io',
      'docker.io',
      'library/nginx',
      '1.27',
      undefined
    ],
    [
      'docker://index.docker.io/grafana/grafana:main',
      'registry-1.docker.io',
      'docker.io',
      'grafana/grafana',
      'main',
      undefined
    ],
    ['docker://ghcr.io/o/r/app:v1', 'ghcr.io', 'ghcr.io', 'o/r/app', 'v1', undefined],
    ['docker://127.0.0.1:5000/a/b', '127.0.0.1:5000', '127.0.0.1:5000', 'a/b', 'latest', undefined],
    ['docker://localhost/x', 'localhost', 'localhost', 'x', 'latest', undefined],
    [`docker://ghcr.io/o/app@${DIGEST}`, 'ghcr.io', 'ghcr.io', 'o/app', undefined, DIGEST],
    [`docker://ghcr.io/o/app:v2@${DIGEST}`, 'ghcr.io', 'ghcr.io', 'o/app', 'v2', DIGEST]
  ])('%s', (source, host, displayHost, repository, tag, digest) => {
    const ref = parseRegistryReference(source)
    expect(ref).toMatchObject({ host, displayHost, repository })
    expect(ref.tag).toBe(tag)
    expect(ref.digest).toBe(digest)
    expect(manifestTarget(ref)).toBe(digest ?? tag)
  })

  it.each([
    ['docker://Nginx', /not a repository name/],
    ['docker://ghcr.io/o/app:bad tag', /not a valid tag/],
    ['docker://ghcr.io/o/app@sha256:123', /not a sha256/],
    ['docker://ghcr.io/', /not a repository name/],
    ['docker://exa_mple.com:x/app', /not a valid tag|not a host name|not a repository/]
  ])('refuses %s with the reference named', (source, why) => {
    expect(() => parseRegistryReference(source)).toThrow(why)
    expect(() => parseRegistryReference(source)).toThrow(source.trim())
  })
})

describe('parseChallenges', () => {
  it('reads a Bearer challenge with quoted, comma-holding values', () => {
    expect(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"'
      )
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull,push'
        }
      }
    ])
  })

  it('reads Basic and several challenges in one header', () => {
    expect(
      parseChallenges('Basic realm="x", Bearer realm="https://t/token" , service=svc')
    ).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 'svc' } }
    ])
    expect(parseChallenges(undefined)).toEqual([])
    expect(parseChallenges('Bearer')).toEqual([{ scheme: 'bearer', params: {} }])
  })
})

describe('allowsPlainHttp', () => {
  it.each([
    ['localhost:5000', [], true],
    ['127.0.0.1:5000', [], true],
    ['[::1]:5000', [], true],
    ['registry.local:5000', [], false],
    ['registry.local:5000', ['registry.local:5000'], true],
    ['registry.local:5000', ['registry.local'], true],
    ['ghcr.io', ['registry.local'], false]
  ])('%s with %j: %s', (host, insecure, allowed) => {
    expect(allowsPlainHttp(host, insecure)).toBe(allowed)
  })
})

describe('findCredentials', () => {
  const configDir = (config: object): string => {
    const dir = mkdtempSync(join(tmpdir(), 'isg-docker-config-'))
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
    return dir
  }

  it('uses the workflow token on ghcr.io before any Docker config', async () => {
    const creds = await findCredentials('ghcr.io', {
      githubToken: 'ghs_x',
      dockerConfigDir: configDir({ auths: { 'ghcr.io': { auth: 'dTpw' } } })
    })
    expect(creds).toMatchObject({
      password: 'ghs_x',
      source: expect.stringContaining('github-token')
    })
  })

  it('decodes auths entries, Docker Hub under its historical key', async () => {
    const dir = configDir({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpw').toString('base64') },
        'reg.example:5000': { username: 'u', password: 'p:w' }
      }
    })
    expect(await findCredentials('docker.io', { dockerConfigDir: dir })).toMatchObject({
      username: 'hubuser',
      password: 'hubpw'
    })
    const other = await findCredentials('reg.example:5000', { dockerConfigDir: dir })
    expect(other).toMatchObject({ username: 'u', password: 'p:w' })
    expect(other!.source).toContain(join(dir, 'config.json'))
    expect(other!.source).not.toContain('p:w')
    expect(await findCredentials('ghcr.io', { dockerConfigDir: dir })).toBeUndefined()
  })

  it('asks the credential helper of the host, else the store, with the server on stdin', async () => {
    const asked: string[] = []
    const runHelper = async (helper: string, server: string) => {
      asked.push(`${helper} ${server}`)
      return helper === 'ecr-login' ? { Username: 'AWS', Secret: 'tok' } : undefined
    }
    const dir = configDir({ credHelpers: { 'x.ecr.aws': 'ecr-login' }, credsStore: 'pass' })
    expect(await findCredentials('x.ecr.aws', { dockerConfigDir: dir, runHelper })).toMatchObject({
      username: 'AWS',
      password: 'tok',
      source: expect.stringContaining('docker-credential-ecr-login')
    })
    expect(await findCredentials('other.io', { dockerConfigDir: dir, runHelper })).toBeUndefined()
    expect(asked).toEqual(['ecr-login x.ecr.aws', 'pass other.io'])
  })

  it('no config file: anonymous; a broken one: an error naming it', async () => {
    expect(await findCredentials('r.io', { dockerConfigDir: '/nonexistent-isg' })).toBeUndefined()
    const dir = mkdtempSync(join(tmpdir(), 'isg-docker-config-'))
    writeFileSync(join(dir, 'config.json'), '{oops')
    await expect(findCredentials('r.io', { dockerConfigDir: dir })).rejects.toThrow(
      `${join(dir, 'config.json')} is not valid JSON`
    )
  })
})
