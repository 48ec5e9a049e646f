// docker:// against a REAL registry (Debian's docker-registry) on 127.0.0.1, one instance per
// suite: htpasswd basic auth with an image pushed from the engine, token auth through the test
// token server, and an open registry holding a two-platform index uploaded with skopeo.
// Truth comes from outside our code: the engine's own analysis of the same image, the
// manifest as the registry serves it, the registry's access log.

import {
  closeSync,
  cpSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { runFastRead } from '../../src/action/fast-read.js'
import { measureImages } from '../../src/action/measure-images.js'
import { summarizeCompressed } from '../../src/analysis/compressed.js'
import type { Report } from '../../src/analysis/report.js'
import type { CliIo } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import { judge } from '../../src/diff/judge.js'
import { renderComment } from '../../src/render/markdown.js'
import { inspectRegistryImage } from '../../src/image/registry/inspect.js'
import { readRegistryImages } from '../../src/image/registry/read-registry.js'
import { DEFAULT_LIMITS, readInputs } from '../../src/inputs.js'
import { measure, type MeasureOptions } from '../../src/measure.js'
import { describeEngine, docker, dockerBuild, removeImages, run } from '../support/engine.js'
import { buildImage, tempDir, writeOciDir, type ImageSpec } from '../support/image-fixtures.js'
import {
  PASSWORD,
  requireRegistry,
  startRegistry,
  USER,
  type TestRegistry
} from '../support/registry.js'

/** Engine + registry (images pushed from the engine); registry alone (images made here). */
const registryAvailable = requireRegistry()
const describeRegistry = registryAvailable ? describeEngine : describe.skip
const describeRegistryOnly = registryAvailable ? describe : describe.skip

const TAG = `isg-wt-registry-test:${process.pid}`
/** The command line as shipped (dist/ is rebuilt and checked before the tests run). */
const CLI = resolve('dist/cli/index.js')
const opts = (dockerConfigDir: string): MeasureOptions => ({
  estimateCompressed: false,
  limits: DEFAULT_LIMITS,
  registry: { dockerConfigDir }
})

/** The manifest as the registry serves it, fetched with curl-free plain fetch and basic auth. */
async function servedManifest(
  host: string,
  repo: string,
  ref: string,
  auth?: string
): Promise<{ layers: { digest: string; size: number }[] }> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    headers: {
      Accept:
        'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      ...(auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {})
    }
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { layers: { digest: string; size: number }[] }
}

function cliIo(): CliIo & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    isTTY: false,
    stdout: (t: string) => void (r.out += t),
    stderr: (t: string) => void (r.err += t)
  }
  return r
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

async function serve(handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handler(req, res).catch(err => {
      res.writeHead(500)
      res.end(String(err))
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as { port: number }).port }
}

async function forward(
  url: string,
  headers: Record<string, string>,
  res: ServerResponse
): Promise<void> {
  const answer = await fetch(url, { headers })
  const type = answer.headers.get('content-type')
  res.writeHead(answer.status, type ? { 'Content-Type': type } : {})
  res.end(Buffer.from(await answer.arrayBuffer()))
}

/** A three-layer image FROM scratch: compressible text, an incompressible blob, an overwrite. */
async function buildTestImage(): Promise<void> {
  const dir = tempDir('isg-registry-build-')
  let seed = 7
  const noise = Buffer.alloc(3 * 1024 * 1024)
  for (let i = 0; i < noise.length; i++)
    noise[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >>> 16
  writeFileSync(join(dir, 'noise.bin'), noise)
  mkdirSync(join(dir, 'docs'))
  for (let i = 0; i < 20; i++)
    writeFileSync(join(dir, 'docs', `page${i}.txt`), `page ${i}\n`.repeat(5000))
  writeFileSync(join(dir, 'noise2.bin'), noise.subarray(0, 1024 * 1024))
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM scratch\nCOPY docs /usr/share/doc/app/\nCOPY noise.bin /opt/noise.bin\nCOPY noise2.bin /opt/noise.bin\n'
  )
  await dockerBuild({ context: dir, tag: TAG, builder: 'legacy' })
}

describeRegistry('docker:// on a registry with htpasswd basic auth', () => {
  let registry: TestRegistry
  let login: string
  let ref: string

  beforeAll(async () => {
    registry = await startRegistry('htpasswd')
    login = registry.dockerConfig(true)
    await buildTestImage()
    ref = `${registry.host}/isg/app:v1`
    await docker(['tag', TAG, ref])
    await docker(['push', ref], { env: { ...process.env, DOCKER_CONFIG: login } })
  }, 300_000)

  afterAll(async () => {
    await removeImages([TAG, ref]).catch(() => undefined)
    await registry?.stop()
  })

  it("analyses the same as from the engine: totals and every layer; compressed sizes are the manifest's", async () => {
    const engineReport = (await measure(TAG, opts(login))).report
    const registryReport = (await measure(`docker://${ref}`, opts(login))).report
    const [fromEngine, fromRegistry] = [engineReport.image, registryReport.image]
    expect(fromRegistry.source.kind).toBe('registry')
    expect(fromRegistry.layers).toHaveLength(3)
    expect(fromRegistry.totalBytes).toBe(fromEngine.totalBytes)
    expect(fromRegistry.tarBytes).toBe(fromEngine.tarBytes)
    expect(fromRegistry.totalBytes).toBeGreaterThan(4 * 1024 * 1024)
    expect(fromRegistry.layers.map(l => [l.diffId, l.bytes, l.tarBytes, l.files])).toEqual(
      fromEngine.layers.map(l => [l.diffId, l.bytes, l.tarBytes, l.files])
    )
    expect(registryReport.waste.reclaimableBytes).toBe(engineReport.waste.reclaimableBytes)
    expect(registryReport.waste.reclaimableBytes).toBeGreaterThan(0)
    const manifest = await servedManifest(registry.host, 'isg/app', 'v1', `${USER}:${PASSWORD}`)
    expect(fromRegistry.layers.map(l => l.compressedBytes)).toEqual(
      manifest.layers.map(l => l.size)
    )
    expect(fromRegistry.compressedBytes).toBe(manifest.layers.reduce((s, l) => s + l.size, 0))
    expect(fromRegistry.layers.map(l => l.compression)).toEqual(['gzip', 'gzip', 'gzip'])
  })

  it("the command line's bundle reads the layers on its layer threads: the same report as a read on the main thread", async () => {
    const inThread = (await measure(`docker://${ref}`, opts(login))).report
    const env = { ...process.env, DOCKER_CONFIG: login }
    const result = await run(process.execPath, [CLI, 'analyze', `docker://${ref}`, '--json'], {
      env
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const bundled = JSON.parse(result.stdout) as Report
    expect(bundled.image.layers).toEqual(inThread.image.layers)
    expect(bundled.image.totalBytes).toBe(inThread.image.totalBytes)
    expect(bundled.waste).toEqual(inThread.waste)
    expect(bundled.content).toEqual(inThread.content)
    expect(bundled.hints).toEqual(inThread.hints)

    // Without its thread bundle beside it, the command line says so; proof that it uses one.
    const alone = tempDir('isg-cli-alone-')
    cpSync(dirname(CLI), join(alone, 'cli'), { recursive: true })
    const broken = await run(
      process.execPath,
      [join(alone, 'cli', 'index.js'), 'analyze', `docker://${ref}`, '--json'],
      { env }
    )
    expect(broken.code).not.toBe(0)
    expect(broken.stderr).toContain(
      `the layer reader threads' bundle ${join(alone, 'layer-thread', 'index.js')} is missing: it is part of the dist/ folder`
    )
    expect(broken.stderr).not.toMatch(/^\s+at /m) // no stack trace
  })

  it('fast mode reads manifests and config only: no layer blob is downloaded', async () => {
    const before = registry.blobGets().length
    const summary = summarizeCompressed(
      await inspectRegistryImage(`docker://${ref}`, { registry: { dockerConfigDir: login } })
    )
    const manifest = await servedManifest(registry.host, 'isg/app', 'v1', `${USER}:${PASSWORD}`)
    const layerDigests = new Set(manifest.layers.map(l => l.digest))
    const gets = registry.blobGets().slice(before)
    expect(gets.filter(d => layerDigests.has(d))).toEqual([])
    expect(gets).toHaveLength(1) // the config
    const [image] = summary.images
    expect(image.platform).toBe('linux/amd64')
    expect(image.layers.map(l => l.compressedBytes)).toEqual(manifest.layers.map(l => l.size))
    expect(image.compressedBytes).toBe(manifest.layers.reduce((s, l) => s + l.size, 0))
    expect(image.layers[1].createdBy).toContain('noise.bin')
  })

  it('wrong password: access denied, naming the config file tried, never the password', async () => {
    const cfg = registry.dockerConfig(false)
    writeFileSync(
      join(cfg, 'config.json'),
      JSON.stringify({
        auths: { [registry.host]: { auth: Buffer.from(`${USER}:wrong-pw-123`).toString('base64') } }
      })
    )
    const err = await measure(`docker://${ref}`, opts(cfg)).catch((e: Error) => e)
    expect(String(err)).toMatch(/access denied by 127\.0\.0\.1:\d+ .*HTTP 401/)
    expect(String(err)).toContain(join(cfg, 'config.json'))
    expect(String(err)).toContain(`docker://${ref}`)
    expect(String(err)).not.toContain('wrong-pw-123')
  })

  it('no credentials: access denied, saying none were found', async () => {
    const err = await measure(`docker://${ref}`, opts(registry.dockerConfig(false))).catch(
      (e: Error) => e
    )
    expect(String(err)).toMatch(/HTTP 401.*tried no credentials/)
  })

  it('unknown tag and unknown repository: 404 naming the reference', async () => {
    for (const missing of [`${registry.host}/isg/app:nope`, `${registry.host}/isg/nothing:v1`]) {
      const err = await measure(`docker://${missing}`, opts(login)).catch((e: Error) => e)
      expect(String(err)).toContain(`docker://${missing}`)
      expect(String(err)).toMatch(/not found on .*HTTP 404 (MANIFEST_UNKNOWN|NAME_UNKNOWN)/)
    }
  })
})

describeRegistry('docker:// on a registry with token auth', () => {
  let registry: TestRegistry
  let login: string
  let ref: string

  beforeAll(async () => {
    registry = await startRegistry('token')
    login = registry.dockerConfig(true)
    await buildTestImage()
    ref = `${registry.host}/isg/tokened:v1`
    await docker(['tag', TAG, ref])
    await docker(['push', ref], { env: { ...process.env, DOCKER_CONFIG: login } })
  }, 300_000)

  afterAll(async () => {
    await removeImages([TAG, ref]).catch(() => undefined)
    await registry?.stop()
  })

  it('gets a pull token with the credentials and analyses the image', async () => {
    const asked = registry.tokenRequests.length
    const image = (await measure(`docker://${ref}`, opts(login))).report.image
    const fromEngine = (await measure(TAG, opts(login))).report.image
    expect(image.layers.map(l => l.bytes)).toEqual(fromEngine.layers.map(l => l.bytes))
    expect(registry.tokenRequests.slice(asked)).toEqual([
      { scope: 'repository:isg/tokened:pull', user: USER }
    ])
  })

  it("the bundle's layer threads download with the main thread's token: one token for the whole read", async () => {
    const asked = registry.tokenRequests.length
    const result = await run(process.execPath, [CLI, 'analyze', `docker://${ref}`, '--json'], {
      env: { ...process.env, DOCKER_CONFIG: login }
    })
    expect(result.stderr).toBe('')
    const image = (JSON.parse(result.stdout) as Report).image
    const fromEngine = (await measure(TAG, opts(login))).report.image
    expect(image.layers.map(l => l.bytes)).toEqual(fromEngine.layers.map(l => l.bytes))
    expect(registry.tokenRequests.slice(asked)).toEqual([
      { scope: 'repository:isg/tokened:pull', user: USER }
    ])
  })

  it('a token that expires mid-read is renewed once', async () => {
    registry.expireNextToken()
    const asked = registry.tokenRequests.length
    const image = (await measure(`docker://${ref}`, opts(login))).report.image
    expect(image.layers).toHaveLength(3)
    expect(registry.tokenRequests.length - asked).toBe(2)
  })

  it('anonymous: the token server gives no access and the error says no credentials were found', async () => {
    const err = await measure(`docker://${ref}`, opts(registry.dockerConfig(false))).catch(
      (e: Error) => e
    )
    expect(String(err)).toMatch(/access denied .*HTTP 401.*tried no credentials/)
  })

  it('bad password: the token server refuses, and the error names the credential source', async () => {
    const cfg = registry.dockerConfig(false)
    writeFileSync(
      join(cfg, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { username: USER, password: 'nope-secret' } } })
    )
    const err = await measure(`docker://${ref}`, opts(cfg)).catch((e: Error) => e)
    expect(String(err)).toMatch(/access denied .* a token from 127\.0\.0\.1:\d+ \(HTTP 401\)/)
    expect(String(err)).toContain('config.json')
    expect(String(err)).not.toContain('nope-secret')
  })
})

describeRegistryOnly(
  'docker:// on an open registry: indexes, platforms, corrupt blobs, non-registries',
  () => {
    let registry: TestRegistry
    const spec = (platform: string, seed: number): ImageSpec => ({
      platform,
      layers: [
        { compression: 'gzip', entries: [{ path: 'bin/app', size: 200_000 + seed, seed }] },
        {
          compression: 'gzip',
          entries: [{ path: 'etc/app.conf', content: `arch ${platform}\n`.repeat(100) }]
        }
      ]
    })

    const bigger = (s: ImageSpec): ImageSpec => ({
      ...s,
      layers: [
        { compression: 'gzip', entries: [{ path: 'bin/app', size: 300_002, seed: 2 }] },
        s.layers[1]
      ]
    })

    beforeAll(async () => {
      registry = await startRegistry('none')
      const images = [
        await buildImage(spec('linux/amd64', 1)),
        await buildImage(spec('linux/arm64', 2))
      ]
      const dir = writeOciDir(images, tempDir('isg-registry-oci-'), {
        attestation: true,
        nestedIndex: true
      })
      const r = await run('skopeo', [
        'copy',
        '--all',
        '--preserve-digests',
        '--dest-tls-verify=false',
        `oci:${dir}`,
        `docker://${registry.host}/isg/multi:v1`
      ])
      if (r.code !== 0) throw new Error(`skopeo copy failed: ${r.stderr}`)
    }, 120_000)

    afterAll(async () => {
      await registry?.stop()
    })

    it('platform all: one image per platform, attestations skipped', async () => {
      const images = await readRegistryImages(`docker://${registry.host}/isg/multi:v1`, {
        platform: 'all'
      })
      expect(images.map(i => `${i.platform.os}/${i.platform.architecture}`)).toEqual([
        'linux/amd64',
        'linux/arm64'
      ])
      expect(images[1].layers[0].read.entries.find(e => e.path === 'bin/app')?.size).toBe(200_002)
      expect(images[0].source.platforms).toEqual(['linux/amd64', 'linux/arm64'])
      const summary = summarizeCompressed(
        await inspectRegistryImage(`docker://${registry.host}/isg/multi:v1`, { platform: 'all' })
      )
      expect(summary.images.map(i => i.platform)).toEqual(['linux/amd64', 'linux/arm64'])
    })

    it('one platform by name; a missing one lists those there are', async () => {
      const [arm] = await readRegistryImages(`docker://${registry.host}/isg/multi:v1`, {
        platform: 'linux/arm64'
      })
      expect(arm.platform.architecture).toBe('arm64')
      await expect(
        readRegistryImages(`docker://${registry.host}/isg/multi:v1`, { platform: 'linux/s390x' })
      ).rejects.toThrow(
        /platform linux\/s390x is not in this image; it has: linux\/amd64, linux\/arm64/
      )
    })

    it.each([
      ['gzip', 100],
      ['none', 1000]
    ] as const)(
      'a %s blob whose bytes do not match its digest fails while streaming, naming the layer',
      async (compression, at) => {
        const image = await buildImage({
          layers: [
            { compression, entries: [{ path: 'data.bin', size: 50_000, seed: at }] },
            { compression, entries: [{ path: 'ok.txt', content: 'fine' }] }
          ]
        })
        const dir = writeOciDir([image], tempDir('isg-registry-oci-'))
        const repo = `${registry.host}/isg/corrupt-${compression}:v1`
        const r = await run('skopeo', [
          'copy',
          '--preserve-digests',
          '--dest-tls-verify=false',
          `oci:${dir}`,
          `docker://${repo}`
        ])
        expect(r.code).toBe(0)
        // One byte changed in the registry's storage (same length: only the digest can tell).
        const digest = image.layers[0].digest
        const hex = digest.slice('sha256:'.length)
        const file = join(
          registry.dir,
          'data/docker/registry/v2/blobs/sha256',
          hex.slice(0, 2),
          hex,
          'data'
        )
        const fd = openSync(file, 'r+')
        writeSync(fd, Buffer.from([image.layers[0].blob[at] ^ 0xff]), 0, 1, at)
        closeSync(fd)
        await expect(readRegistryImages(`docker://${repo}`)).rejects.toThrow(
          `docker://${repo}: layer ${digest} does not match its digest ${digest}`
        )
      }
    )

    it('follows a blob redirect to another host without the credentials; refuses one for a manifest', async () => {
      const upstream = `http://${registry.host}`
      const seenByCdn: (string | undefined)[] = []
      const cdn = await serve(async (req, res) => {
        seenByCdn.push(req.headers.authorization)
        await forward(`${upstream}${req.url}`, {}, res)
      })
      let redirectManifests = false
      const front = await serve(async (req, res) => {
        if (
          req.headers.authorization !==
          `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
        ) {
          res.writeHead(401, {
            'WWW-Authenticate': 'Basic realm="front"',
            'Docker-Distribution-Api-Version': 'registry/2.0'
          })
          res.end()
        } else if (
          /\/blobs\/sha256:/.test(req.url ?? '') ||
          (redirectManifests && /manifests/.test(req.url ?? ''))
        ) {
          res.writeHead(307, { Location: `http://localhost:${cdn.port}${req.url}` })
          res.end()
        } else
          await forward(`${upstream}${req.url}`, { Accept: String(req.headers.accept ?? '') }, res)
      })
      try {
        const login = registry.dockerConfig(false)
        writeFileSync(
          join(login, 'config.json'),
          JSON.stringify({
            auths: { [`127.0.0.1:${front.port}`]: { username: USER, password: PASSWORD } }
          })
        )
        const source = `docker://127.0.0.1:${front.port}/isg/multi:v1`
        const [image] = await readRegistryImages(source, {
          platform: 'linux/amd64',
          registry: { dockerConfigDir: login }
        })
        expect(image.layers).toHaveLength(2)
        expect(seenByCdn.length).toBe(3) // the config and two layers
        expect(seenByCdn.every(a => a === undefined)).toBe(true)
        redirectManifests = true
        await expect(
          readRegistryImages(source, { registry: { dockerConfigDir: login } })
        ).rejects.toThrow(
          `${source}: manifest v1: the registry redirected to another host (localhost:${cdn.port})`
        )
      } finally {
        front.server.close()
        cdn.server.close()
      }
    })

    it('CLI: analyze --platform all prints one report per platform; --fast prints compressed sizes', async () => {
      const cli = cliIo()
      const source = `docker://${registry.host}/isg/multi:v1`
      expect(
        await main(['analyze', '--platform', 'all', '--json', '--no-progress', source], cli)
      ).toBe(0)
      const reports = JSON.parse(cli.out) as Report[]
      expect(reports.map(r => r.image.platform)).toEqual(['linux/amd64', 'linux/arm64'])
      // bin/app is 200 001 and 200 002 bytes; the config files are the same length
      expect(reports[1].image.totalBytes - reports[0].image.totalBytes).toBe(1)
      const before = registry.blobGets().length
      const fast = cliIo()
      expect(await main(['analyze', '--fast', '--platform', 'all', source], fast)).toBe(0)
      expect(fast.out).toMatch(/linux\/amd64: .* compressed in 2 layers/)
      expect(fast.out).toMatch(/linux\/arm64: .* compressed in 2 layers/)
      // only the two configs were read
      expect(registry.blobGets().length - before).toBe(2)
    })

    it('action: platform all gives one result per platform, each judged against its own platform', async () => {
      const images = [
        await buildImage(spec('linux/amd64', 1)),
        await buildImage(bigger(spec('linux/arm64', 2)))
      ]
      const dir = writeOciDir(images, tempDir('isg-registry-oci-'), { nestedIndex: true })
      const r = await run('skopeo', [
        'copy',
        '--all',
        '--preserve-digests',
        '--dest-tls-verify=false',
        `oci:${dir}`,
        `docker://${registry.host}/isg/multi:v2`
      ])
      expect(r.code).toBe(0)
      const inputs = (image: string) =>
        readInputs(
          name => ({ image, platform: 'all', name: 'app' })[name] ?? '',
          () => '',
          'repo'
        )
      const base = await measureImages({
        workspace: tempDir(),
        inputs: inputs(`docker://${registry.host}/isg/multi:v1`)
      })
      const head = await measureImages({
        workspace: tempDir(),
        inputs: inputs(`docker://${registry.host}/isg/multi:v2`)
      })
      expect(head.map(m => [m.spec.name, m.spec.platform])).toEqual([
        ['app', 'linux/amd64'],
        ['app', 'linux/arm64']
      ])
      const results = head.map(m => {
        const before = base.find(
          b => b.analysis.report.image.platform === m.analysis.report.image.platform
        )!
        const info = {
          method: 'stored' as const,
          sha: 'a'.repeat(40),
          branch: 'main',
          report: before.analysis.report
        }
        return judge(m.spec.name, m.analysis.report, info, m.spec.thresholds)
      })
      expect(results.map(x => x.comparison?.total.delta)).toEqual([0, 100_000])
      const comment = renderComment(
        results,
        { acceptLabel: 'ok', marker: '<!-- m -->' },
        { maxLength: 65_536 }
      ).body
      expect(comment).toContain('<sub>linux/amd64</sub>')
      expect(comment).toContain('<sub>linux/arm64</sub>')
    })

    it('action registry-read fast: summary rows per platform, max-size on the compressed size, no layer read', async () => {
      const dir = tempDir('isg-registry-action-')
      const files = {
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
        GITHUB_OUTPUT: join(dir, 'output')
      }
      for (const f of Object.values(files)) writeFileSync(f, '')
      const saved = { ...process.env }
      Object.assign(process.env, files)
      const before = registry.blobGets().length
      try {
        const source = `docker://${registry.host}/isg/multi:v1`
        const inputs = readInputs(
          name =>
            ({
              image: source,
              platform: 'all',
              name: 'app',
              'registry-read': 'fast',
              'max-size': '150kB'
            })[name] ?? '',
          () => '',
          'repo'
        )
        const err = await runFastRead(inputs).catch((e: Error) => e)
        const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
        expect(summary).toMatch(/\| <code>app<\/code> \| linux\/amd64 \| .* \| 2 \|/)
        expect(summary).toMatch(/\| <code>app<\/code> \| linux\/arm64 \| .* \| 2 \|/)
        const output = readFileSync(files.GITHUB_OUTPUT, 'utf8')
        const results = JSON.parse(/results<<(\S+)\n([\s\S]*?)\n\1/.exec(output)![2]) as {
          compressedBytes: number
        }[]
        expect(results).toHaveLength(2)
        // every layer here is ~200 kB of incompressible bytes: both platforms are over 150 kB
        expect(String(err)).toMatch(
          /app \(linux\/amd64\): compressed size .* is over max-size 150 kB; app \(linux\/arm64\)/
        )
        expect(output).toMatch(/verdict<<\S+\nfail\n/)
        expect(registry.blobGets().length - before).toBe(2) // the two configs
      } finally {
        process.env = saved
      }
    })

    it('a server that is not a registry is named as such', async () => {
      const { createServer } = await import('node:http')
      const server = createServer((_, res) => {
        res.writeHead(404, { 'Content-Type': 'text/html' })
        res.end('<html>nope</html>')
      })
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
      const port = (server.address() as { port: number }).port
      try {
        await expect(readRegistryImages(`docker://127.0.0.1:${port}/a/b:c`)).rejects.toThrow(
          `docker://127.0.0.1:${port}/a/b:c: 127.0.0.1:${port} is not a container registry: GET /v2/ answered HTTP 404 (text/html)`
        )
      } finally {
        server.close()
      }
    })
  }
)
