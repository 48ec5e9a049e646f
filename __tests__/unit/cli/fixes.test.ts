// `analyze --fix-diff` and `analyze --sarif` over an archive written in the test, with the
// Dockerfile that "built" it in a git repository.

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { CliIo } from '../../../src/cli/io.js'
import { main } from '../../../src/cli/main.js'
import { buildImage, writeLegacyArchive, writeTemp } from '../../support/image-fixtures.js'
import { sarifValidator } from '../../support/sarif-schema.js'

function io(): CliIo & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    isTTY: false,
    stdout: (t: string) => {
      r.out += t
    },
    stderr: (t: string) => {
      r.err += t
    }
  }
  return r
}

const MB = 1_000_000
const DOCKERFILE = [
  'FROM scratch',
  'COPY app /bin/app',
  'RUN configure',
  '# dependencies',
  'RUN pip install \\',
  '      -r requirements.txt',
  'RUN rm /big.bin',
  ''
].join('\n')

let dir: string
let repo: string
let dockerfile: string
let archive: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isg-cli-fix-'))
  repo = join(dir, 'repo')
  mkdirSync(join(repo, 'docker'), { recursive: true })
  execFileSync('git', ['init', '-q', repo])
  dockerfile = join(repo, 'docker', 'Dockerfile')
  writeFileSync(dockerfile, DOCKERFILE)
  const layers = [
    { entries: [{ path: 'bin/app', size: 1 * MB }], createdBy: 'COPY app /bin/app # buildkit' },
    {
      entries: [{ path: 'etc/conf', content: 'x=1\n' }],
      createdBy: 'RUN /bin/sh -c configure # buildkit'
    },
    {
      entries: [
        { path: 'root/.cache/pip/http/a/b', size: 3 * MB },
        { path: 'big.bin', size: 2 * MB }
      ],
      createdBy: 'RUN /bin/sh -c pip install       -r requirements.txt # buildkit'
    },
    {
      entries: [{ path: 'big.bin', type: 'whiteout' as const }],
      createdBy: 'RUN /bin/sh -c rm /big.bin # buildkit'
    }
  ]
  archive = writeTemp(
    await writeLegacyArchive(await buildImage({ layers, reference: 'app:2' })),
    'big.tar',
    dir
  )
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('analyze --fix-diff', () => {
  it('prints a diff that git apply takes from the repository root', async () => {
    const r = io()
    const code = await main(
      ['analyze', archive, '--dockerfile', dockerfile, '--fix-diff', '--no-progress'],
      r
    )
    expect(r.err).toContain('fixes for pip-cache')
    expect(code).toBe(0)
    expect(r.out).toMatch(/^diff --git a\/docker\/Dockerfile b\/docker\/Dockerfile\n/)
    writeFileSync(join(dir, 'fix.diff'), r.out)
    execFileSync('git', ['apply', join(dir, 'fix.diff')], { cwd: repo })
    expect(readFileSync(dockerfile, 'utf8')).toBe(
      DOCKERFILE.replace('RUN pip install \\', 'RUN pip install --no-cache-dir \\')
    )
    writeFileSync(dockerfile, DOCKERFILE)
  })

  it('prints nothing, and says so, when no hint has a mechanical fix', async () => {
    const other = join(dir, 'Dockerfile.other')
    writeFileSync(other, DOCKERFILE.replace('RUN pip install', 'RUN pip3 download'))
    const r = io()
    expect(await main(['analyze', archive, '--dockerfile', other, '--fix-diff'], r)).toBe(0)
    expect(r.out).toBe('')
    expect(r.err).toContain('no hint of this image has a mechanical fix')
  })

  it.each([
    [
      ['analyze', 'x.tar', '--fix-diff'],
      /--fix-diff rewrites the Dockerfile: give it with --dockerfile/
    ],
    [['compare', 'a', 'b', '--fix-diff'], /--fix-diff and --sarif are options of analyze/]
  ])('%j is a usage error', async (argv, message) => {
    const r = io()
    const args = argv.map(a => (a === 'x.tar' ? archive : a))
    expect(await main(args, r)).toBe(2)
    expect(r.err).toMatch(message)
  })
})

describe('analyze --sarif', () => {
  it('writes a valid SARIF log with the Dockerfile path from the repository root', async () => {
    const file = join(dir, 'out.sarif')
    const r = io()
    const code = await main(
      ['analyze', archive, '--dockerfile', dockerfile, '--sarif', file, '--no-progress'],
      r
    )
    expect(code).toBe(0)
    expect(r.out).toContain('pip-cache')
    const log = JSON.parse(readFileSync(file, 'utf8')) as {
      runs: {
        results: { ruleId: string; locations?: unknown[]; properties: { bytes: number } }[]
      }[]
    }
    expect(sarifValidator()(log)).toEqual([])
    const pip = log.runs[0].results.find(x => x.ruleId === 'pip-cache')
    expect(pip?.properties.bytes).toBe(3 * MB)
    expect(pip?.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'docker/Dockerfile' },
          region: { startLine: 5 }
        }
      }
    ])
    expect(r.err).toMatch(/SARIF with \d+ result\(s\) written to/)
  })

  it('names the file it cannot write', async () => {
    const r = io()
    const file = join(dir, 'no-such-dir', 'x.sarif')
    expect(await main(['analyze', archive, '--sarif', file], r)).toBe(2)
    expect(r.err).toContain(`--sarif ${file}: cannot write it (ENOENT)`)
  })
})
