// The builder's error message, with a fake `docker` on PATH that fails like the real ones
// (the engine-backed side is __tests__/integration/build.test.ts).

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  buildArgs,
  buildImage,
  resetBuilderDetection,
  withoutAnsi
} from '../../../src/builder/builder.js'

describe('withoutAnsi', () => {
  it('drops colour codes and carriage returns, keeps the text', () => {
    expect(withoutAnsi('\u001b[91mboom: missing\r')).toBe('boom: missing')
    expect(withoutAnsi('\u001b[0m')).toBe('')
    expect(withoutAnsi("\u001b[0mThe command '/bin/sh -c x' returned a non-zero code: 3")).toBe(
      "The command '/bin/sh -c x' returned a non-zero code: 3"
    )
    expect(withoutAnsi('#6 0.293 plain line')).toBe('#6 0.293 plain line')
  })
})

describe('buildImage error message (fake docker)', () => {
  let bin: string
  const path = process.env.PATH

  // The legacy builder: the RUN's stderr in red on stdout, the reset code left without a
  // newline at the very end, the verdict on stderr; exit with the RUN's code.
  const LEGACY_FAILURE = `#!/bin/sh
case "$1" in
  buildx) echo "docker: 'buildx' is not a docker command." >&2; exit 1 ;;
  version) echo 28.2.2; exit 0 ;;
esac
printf 'Step 4/4 : RUN echo boom >&2 && exit 3\\n ---> Running in fb1e51a0ff41\\n\\033[91mboom: the-missing-thing is missing\\n'
echo "The command '/bin/sh -c echo boom >&2 && exit 3' returned a non-zero code: 3" >&2
printf '\\033[0m'
exit 3
`

  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'isg-fake-docker-'))
    writeFileSync(join(bin, 'docker'), LEGACY_FAILURE)
    chmodSync(join(bin, 'docker'), 0o755)
    process.env.PATH = `${bin}:${path ?? ''}`
    resetBuilderDetection()
  })

  afterEach(() => {
    process.env.PATH = path
    resetBuilderDetection()
    rmSync(bin, { recursive: true, force: true })
  })

  it('ends its first line with the builder verdict, free of colour codes', async () => {
    const logged: string[] = []
    const error = await buildImage({
      spec: {
        context: '.',
        file: 'Dockerfile',
        buildArgs: {},
        secrets: [],
        cacheFrom: [],
        cacheTo: []
      },
      cwd: bin,
      tag: 'image-size-guard/test:0123456789ab',
      log: line => logged.push(line)
    }).then(
      () => undefined,
      (e: Error) => e
    )
    expect(error).toBeInstanceOf(Error)
    const lines = (error?.message ?? '').split('\n')
    expect(lines[0]).toBe(
      "the image did not build (docker build exit 3, Dockerfile): The command '/bin/sh -c echo boom >&2 && exit 3' returned a non-zero code: 3"
    )
    expect(error?.message).toContain('\nboom: the-missing-thing is missing\n')
    // eslint-disable-next-line no-control-regex
    expect(error?.message).not.toMatch(/\u001b/)
    // the log keeps the builder's output as it came (colours render in the Actions log)
    expect(logged).toContain('\u001b[91mboom: the-missing-thing is missing')
  })
})

describe('buildArgs', () => {
  const req = {
    spec: {
      context: 'svc',
      file: 'svc/Dockerfile',
      target: 'release',
      buildArgs: { FLAVOUR: 'green' },
      secrets: ['id=token,src=token.txt'],
      network: 'host',
      cacheFrom: ['type=gha', 'ghcr.io/o/r:cache'],
      cacheTo: ['type=gha,mode=max']
    },
    cwd: '/w',
    tag: 'image-size-guard/svc:0123456789ab',
    log: () => undefined
  }

  it('legacy: removes the containers of failed steps, passes no secrets', () => {
    expect(buildArgs('legacy', req, '/tmp/iid')).toEqual([
      'build',
      '--iidfile',
      '/tmp/iid',
      '--tag',
      'image-size-guard/svc:0123456789ab',
      '--file',
      'svc/Dockerfile',
      '--target',
      'release',
      '--build-arg',
      'FLAVOUR=green',
      '--network',
      'host',
      '--cache-from',
      'ghcr.io/o/r:cache',
      '--force-rm',
      'svc'
    ])
  })

  it('BuildKit: secrets and plain progress, no --force-rm', () => {
    const args = buildArgs('buildkit', req, '/tmp/iid')
    expect(args).toContain('--progress=plain')
    expect(args).not.toContain('--force-rm')
    expect(args.slice(args.indexOf('--secret'), args.indexOf('--secret') + 2)).toEqual([
      '--secret',
      'id=token,src=token.txt'
    ])
    expect(args[args.length - 1]).toBe('svc')
  })
})
