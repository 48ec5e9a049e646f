// The action's builder (issues 7, 16) against the real engine, with each builder a user may
// have, asked for explicitly whatever this machine holds (pinBuilder): the legacy builder (the
// 28.x client, buildx hidden), BuildKit (Debian's 20.10 client, whose `build` speaks BuildKit
// natively, buildx hidden) and buildx (`docker buildx build --load`, the plugin selected with
// DOCKER_CONFIG). Contexts are FROM scratch + busybox: seconds to build, nothing pulled.

import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { cleanup, measureImages, type Measured } from '../../src/action/measure-images.js'
import type { Report } from '../../src/analysis/report.js'
import { detectBuilder, resetBuilderDetection } from '../../src/builder/builder.js'
import { readInputs, type ActionInputs } from '../../src/inputs.js'
import {
  buildx,
  busyboxContext,
  describeEngine,
  docker,
  dockerRun,
  imageExists,
  pinBuilder,
  removeImages,
  type Builder,
  type PinnedBuilder
} from '../support/engine.js'

const BUSYBOX = `FROM scratch AS base
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
`

// target `release` and a build arg that names a file; the last stage (debug) must not be built
const APP = `${BUSYBOX}
FROM base AS release
ARG FLAVOUR=plain
RUN echo "$FLAVOUR" > "/flavour-$FLAVOUR.txt" && head -c 300000 /dev/urandom > /release.bin

FROM release AS debug
RUN head -c 2000000 /dev/urandom > /debug-symbols.bin
`

// a second image, with a pip cache left in (a hint that must point at its line)
const TOOL = `${BUSYBOX}
RUN mkdir -p /root/.cache/pip/http && head -c 400000 /dev/urandom > /root/.cache/pip/http/blob
`

const FAILING = `${BUSYBOX}
RUN echo "boom: the-missing-thing is missing" >&2 && exit 3
`

const SECRET_VALUE = 's3cr3t-value-9d41'
// the RUN can read the secret (it leaves the secret's hash as proof); the image must not keep
// it. The value itself is nowhere in the Dockerfile: it would be in the image history.
const SECRET = `${BUSYBOX}
RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -c1-64 > /secret-sha256
`

const IMAGES_YAML = `
- name: app
  context: .
  file: app/Dockerfile
  target: release
  build-args:
    FLAVOUR: green
- name: tool
  context: .
  file: tool.Dockerfile
`

let workspace: string

function inputs(values: Record<string, string>): ActionInputs {
  const all: Record<string, string> = { network: 'host', ...values }
  return readInputs(
    name => all[name] ?? '',
    () => undefined,
    'repo'
  )
}

/** Every file the report lists (largest files per layer: these images have few). */
function files(r: Report): string[] {
  return r.image.layers.flatMap(l => l.topFiles.map(f => f.path))
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex(l => l.includes(needle)) + 1
}

/** Runs fn with stdout (the @actions/core log: groups, build output) captured. */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; log: string }> {
  const chunks: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk))
    return true
  })
  try {
    return { value: await fn(), log: chunks.join('') }
  } finally {
    spy.mockRestore()
  }
}

describeEngine('the action builds images (real engine)', () => {
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'isg-workspace-'))
    busyboxContext(workspace)
    mkdirSync(join(workspace, 'app'))
    writeFileSync(join(workspace, 'app', 'Dockerfile'), APP)
    writeFileSync(join(workspace, 'tool.Dockerfile'), TOOL)
    writeFileSync(join(workspace, 'failing.Dockerfile'), FAILING)
    writeFileSync(join(workspace, 'secret.Dockerfile'), SECRET)
    writeFileSync(join(workspace, 'token.txt'), SECRET_VALUE)
  })

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true })
    resetBuilderDetection()
  })

  // buildx is asked for whenever a plugin is found (CI provides one; detectBuildx says why not)
  const builders: Array<Builder | 'buildx'> = ['legacy', 'buildkit']
  if (buildx.available) builders.push('buildx')

  describe.each(builders)('with the %s builder', builder => {
    let pinned: PinnedBuilder | undefined

    beforeAll(async () => {
      pinned = pinBuilder(builder)
      resetBuilderDetection()
      expect(await detectBuilder()).toBe(builder)
    })

    afterAll(() => {
      pinned?.restore()
      resetBuilderDetection()
    })

    it('builds two images from a config (target, build-args), measures them, removes the tags', async () => {
      const started = Date.now()
      const { value: measured, log } = await quietly(() =>
        measureImages({ workspace, inputs: inputs({ images: IMAGES_YAML }) })
      )
      try {
        expect(measured.map(m => m.spec.name)).toEqual(['app', 'tool'])
        const [app, tool] = measured.map(m => m.analysis.report)

        // the build: recorded with its builder and wall time
        expect(app.build).toMatchObject({
          builder,
          dockerfile: 'app/Dockerfile',
          context: '.',
          target: 'release'
        })
        expect(app.build?.durationMs).toBeGreaterThan(0)
        expect(app.build?.durationMs).toBeLessThan(Date.now() - started)
        expect(tool.build).toMatchObject({ builder, dockerfile: 'tool.Dockerfile' })
        expect(tool.build?.durationMs).toBeGreaterThan(0)
        expect(log).toContain(`built app in`)
        expect(log).toContain(`with ${builder}`)

        // the stage and the build arg took effect: release's file, named by FLAVOUR; no debug
        expect(files(app)).toEqual(expect.arrayContaining(['/flavour-green.txt', '/release.bin']))
        expect(files(app)).not.toContain('/debug-symbols.bin')
        expect(files(app)).not.toContain('/flavour-plain.txt')
        expect(app.image.layers).toHaveLength(3)
        const flavour = app.image.layers.find(l => l.createdBy.includes('flavour'))
        expect(flavour?.dockerfileLine).toBe(lineOf(APP, 'RUN echo "$FLAVOUR"'))
        expect(flavour?.bytes).toBe(300000 + 'green\n'.length)

        // the second image, from its own Dockerfile, with its hint on the right line
        expect(files(tool)).toContain('/root/.cache/pip/http/blob')
        const pip = tool.hints.find(h => h.id === 'pip-cache')
        expect(pip).toMatchObject({
          bytes: 400000,
          dockerfile: 'tool.Dockerfile',
          dockerfileLine: lineOf(TOOL, 'mkdir -p /root/.cache/pip')
        })

        // throwaway tags, one per image, present until cleanup
        const tags = measured.map(m => m.builtTag ?? '')
        expect(tags.every(t => /^image-size-guard\/[a-z0-9._-]+:[0-9a-f]{12}$/.test(t))).toBe(true)
        for (const t of tags) expect(await imageExists(t)).toBe(true)
        await quietly(() => cleanup(measured, false))
        for (const t of tags) expect(await imageExists(t)).toBe(false)
      } finally {
        await removeImages(measured.map(m => m.builtTag ?? '').filter(Boolean))
      }
    })

    it('keeps the built image with keep-image', async () => {
      let measured: Measured[] = []
      try {
        const r = await quietly(() =>
          measureImages({
            workspace,
            inputs: inputs({ file: 'tool.Dockerfile', 'keep-image': 'true' })
          })
        )
        measured = r.value
        expect(measured).toHaveLength(1)
        await quietly(() => cleanup(measured, true))
        expect(await imageExists(measured[0].builtTag ?? '')).toBe(true)
      } finally {
        await removeImages(measured.map(m => m.builtTag ?? '').filter(Boolean))
      }
    })

    it('a failing build: the error starts with "the image did not build" and names the cause', async () => {
      const leftovers = async () =>
        (await docker(['ps', '--all', '--no-trunc', '--format', '{{.Command}}']))
          .split('\n')
          .filter(c => c.includes('the-missing-thing')).length
      const before = await leftovers()
      let error: Error | undefined
      await quietly(() =>
        measureImages({ workspace, inputs: inputs({ file: 'failing.Dockerfile' }) }).catch(
          (e: Error) => {
            error = e
          }
        )
      )
      expect(error).toBeInstanceOf(Error)
      const message = error?.message ?? ''
      const first = message.split('\n')[0]
      const command = builder === 'buildx' ? 'docker buildx build' : 'docker build'
      expect(first.startsWith(`the image did not build (${command} exit `)).toBe(true)
      expect(first).toMatch(/ exit \d+, failing\.Dockerfile\): /)
      // the builder's own last error line, as it printed it (no colour codes); BuildKit's
      // wording changed between the engine's BuildKit 0.8 (20.10) and 0.13 (26)
      const run = '/bin/sh -c echo "boom: the-missing-thing is missing" >&2 && exit 3'
      const causes =
        builder === 'legacy'
          ? [`The command '${run}' returned a non-zero code: 3`]
          : [
              `executor failed running [${run}]: exit code: 3`,
              `process "${run.replace(/"/g, '\\"')}" did not complete successfully: exit code: 3`
            ]
      expect({ first, causes: causes.filter(c => first.endsWith(c)).length }).toEqual({
        first,
        causes: 1
      })
      // and the last lines of the build, with what the RUN printed; never a stack trace
      expect(message).toContain('boom: the-missing-thing is missing')
      // eslint-disable-next-line no-control-regex
      expect(message).not.toMatch(/\u001b\[/)
      expect(message).not.toMatch(/^\s+at /m)
      // the failed step's container is not left behind
      expect(await leftovers()).toBe(before)
    })

    if (builder === 'buildx') {
      it("cache-to and cache-from reach buildx: the second build imports the first one's cache", async () => {
        const measured: Measured[] = []
        try {
          const first = await quietly(() =>
            measureImages({
              workspace,
              inputs: inputs({
                file: 'tool.Dockerfile',
                'cache-to': 'type=inline',
                'keep-image': 'true'
              })
            })
          )
          measured.push(...first.value)
          const cache = first.value[0].builtTag ?? ''
          const second = await quietly(() =>
            measureImages({
              workspace,
              inputs: inputs({ file: 'tool.Dockerfile', 'cache-from': cache, 'keep-image': 'true' })
            })
          )
          measured.push(...second.value)
          // buildx read the first image's inline cache metadata, and every step hit
          expect(second.log).toContain(`importing cache manifest from ${cache}`)
          expect(second.log).not.toMatch(/WARNING: .*cache/i)
          expect(second.log).toMatch(/#\d+ CACHED/)
          expect(second.value[0].analysis.report.image.totalBytes).toBe(
            first.value[0].analysis.report.image.totalBytes
          )
        } finally {
          await removeImages(measured.map(m => m.builtTag ?? '').filter(Boolean))
        }
      })
    }

    if (builder !== 'legacy') {
      it('passes build secrets: the RUN reads the secret, the image does not keep it', async () => {
        let measured: Measured[] = []
        try {
          const r = await quietly(() =>
            measureImages({
              workspace,
              inputs: inputs({
                file: 'secret.Dockerfile',
                'build-secrets': `id=token,src=${join(workspace, 'token.txt')}`,
                'keep-image': 'true'
              })
            })
          )
          measured = r.value
          const report = measured[0].analysis.report
          expect(files(report)).toContain('/secret-sha256')
          expect(files(report).some(f => f.startsWith('/run/secrets'))).toBe(false)
          expect(JSON.stringify(report)).not.toContain(SECRET_VALUE)
          const tag = measured[0].builtTag ?? ''
          const out = await dockerRun(tag, [
            'sh',
            '-c',
            `cat /secret-sha256; find / -xdev -type f -exec grep -l '${SECRET_VALUE}' {} + || true`
          ])
          const sha = createHash('sha256').update(SECRET_VALUE).digest('hex')
          expect(out.trim().split('\n')).toEqual([sha]) // read by the RUN, kept by no file
        } finally {
          await removeImages(measured.map(m => m.builtTag ?? '').filter(Boolean))
        }
      })
    }
  })
})
