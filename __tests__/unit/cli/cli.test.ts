// The command line, driven in-process over archives written in the test (no engine needed).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { CliIo } from '../../../src/cli/io.js'
import { main } from '../../../src/cli/main.js'
import { buildImage, writeLegacyArchive, writeTemp } from '../../support/image-fixtures.js'

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
let dir: string
let small: string
let big: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'isg-cli-'))
  const base = [
    { entries: [{ path: 'bin/app', size: 1 * MB }], createdBy: 'COPY app /bin/app # buildkit' },
    {
      entries: [{ path: 'etc/conf', content: 'x=1\n' }],
      createdBy: 'RUN /bin/sh -c configure # buildkit'
    }
  ]
  small = writeTemp(
    await writeLegacyArchive(await buildImage({ layers: base, reference: 'app:1' })),
    'small.tar',
    dir
  )
  const grown = [
    ...base,
    {
      entries: [
        { path: 'root/.cache/pip/http/a/b', size: 3 * MB },
        { path: 'big.bin', size: 2 * MB }
      ],
      createdBy: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit'
    },
    {
      entries: [{ path: 'big.bin', type: 'whiteout' as const }],
      createdBy: 'RUN /bin/sh -c rm /big.bin # buildkit'
    }
  ]
  big = writeTemp(
    await writeLegacyArchive(await buildImage({ layers: grown, reference: 'app:2' })),
    'big.tar',
    dir
  )
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('usage', () => {
  it('prints usage with --help, exit 0', async () => {
    const r = io()
    expect(await main(['--help'], r)).toBe(0)
    expect(r.out).toMatch(/^image-size-guard .*\n\nUsage:/)
    expect(r.out).toContain('compare <base> <head>')
  })

  it.each([
    [
      ['--frobnicate'],
      /^image-size-guard: unknown option --frobnicate \(a path that starts with - goes after --\)\. Run image-size-guard --help for usage\.$/m
    ],
    [['analyze'], /analyze takes exactly one <source>/],
    [['explode'], /unknown command "explode"/],
    [[], /no command given/],
    [['analyze', 'x', '--json', '--markdown'], /--json and --markdown exclude each other/],
    [
      ['analyze', 'x', '--max-increase', '10 percent'],
      /^image-size-guard: --max-increase: "10 percent" is not valid\. Use a percentage/
    ],
    [['analyze', 'x', '--ignore-hints', 'apt-list'], /unknown hint id\(s\) apt-list/]
  ])('%j → exit 2 and one clear line', async (argv, message) => {
    const r = io()
    expect(await main(argv, r)).toBe(2)
    expect(r.err).toMatch(message)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).not.toMatch(/\bat .*\.(js|ts):\d+/)
  })

  it('a missing archive path says it does not exist, in one line', async () => {
    const r = io()
    const code = await main(['analyze', join(dir, 'nope.tar'), '--no-progress'], r)
    expect(code).toBe(2)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toContain(
      `${join(dir, 'nope.tar')} does not exist (an image archive or OCI layout directory was expected there)`
    )
  })

  it('a corrupt archive → exit 2, one line naming the file', async () => {
    const bad = join(dir, 'bad.tar')
    writeFileSync(bad, Buffer.alloc(3000, 7))
    const r = io()
    expect(await main(['analyze', bad], r)).toBe(2)
    expect(r.err).toContain('bad.tar')
    expect(r.err.trim().split('\n')).toHaveLength(1)
  })
})

describe('analyze', () => {
  it('prints the layers table, waste and hints', async () => {
    const r = io()
    expect(await main(['analyze', big], r)).toBe(0)
    expect(r.out).toContain('app:2')
    expect(r.out).toContain('RUN pip install -r requirements.txt')
    expect(r.out).toMatch(/Waste: 2.00 MB reclaimable/)
    expect(r.out).toMatch(/pip-cache/)
    expect(r.out).toMatch(/deleted-later/)
  })

  it('prints the JSON report with --json', async () => {
    const r = io()
    expect(await main(['analyze', small, '--json'], r)).toBe(0)
    const report = JSON.parse(r.out)
    expect(report.schemaVersion).toBe(1)
    expect(report.image.totalBytes).toBe(1 * MB + 4)
    expect(report.image.layers).toHaveLength(2)
  })

  it('prints --json that no runner reads as a workflow command, names intact', async () => {
    const name = 'srv/##[error]x\n::warning::y'
    const hostile = writeTemp(
      await writeLegacyArchive(
        await buildImage({
          layers: [
            { entries: [{ path: name, size: 2 * MB }], createdBy: 'RUN echo ##[group]g # buildkit' }
          ],
          reference: 'app:3'
        })
      ),
      'hostile.tar',
      dir
    )
    const r = io()
    expect(await main(['analyze', hostile, '--json'], r)).toBe(0)
    for (const line of r.out.split('\n')) {
      expect(line).not.toContain('##[')
      expect(line.trimStart().startsWith('::')).toBe(false)
    }
    expect(JSON.stringify(JSON.parse(r.out))).toContain(JSON.stringify(name).slice(1, -1))
    expect(JSON.stringify(JSON.parse(r.out))).toContain('echo ##[group]g')
  })

  it('fails with exit 1 when over --max-size', async () => {
    const r = io()
    expect(await main(['analyze', small, '--max-size', '500kB'], r)).toBe(1)
    expect(r.out).toMatch(/Verdict: fail/)
  })

  it('renders markdown with --markdown', async () => {
    const r = io()
    expect(await main(['analyze', big, '--markdown'], r)).toBe(0)
    expect(r.out).toContain('<code>')
    expect(r.out).not.toContain('<!-- image-size-guard')
  })
})

describe('compare', () => {
  it('shows the aligned layer diff and exits 0 without thresholds', async () => {
    const r = io()
    expect(await main(['compare', small, big], r)).toBe(0)
    expect(r.out).toMatch(/size 1.00 MB → 6.00 MB {2}\+5.00 MB/)
    expect(r.out).toMatch(/\+ .* RUN pip install -r requirements.txt/)
    expect(r.out).toContain('New hints')
  })

  it('exits 1 when --max-increase is crossed, with the reason', async () => {
    const r = io()
    expect(await main(['compare', small, big, '--max-increase', '10% & 1MB'], r)).toBe(1)
    expect(r.out).toMatch(/Verdict: fail\n {2}- image grew \+5.00 MB/)
  })

  it('--json carries report, comparison and verdict', async () => {
    const r = io()
    await main(['compare', small, big, '--json', '--warn-increase', '1%'], r)
    const out = JSON.parse(r.out)
    expect(out.verdict.verdict).toBe('warn')
    expect(out.comparison.total.delta).toBe(5 * MB)
  })
})

describe('record and check', () => {
  it('records a baseline and checks a later image against it', async () => {
    const store = join(dir, 'baselines')
    const rec = io()
    expect(
      await main(
        ['record', small, '--name', 'app', '--sha', 'a'.repeat(40), '--baseline-dir', store],
        rec
      )
    ).toBe(0)
    expect(rec.err).toMatch(/recorded app \(linux\/amd64\) at aaaaaaaaaaaa/)
    const check = io()
    const code = await main(
      ['check', big, '--name', 'app', '--baseline-dir', store, '--max-increase', '100%'],
      check
    )
    expect(code).toBe(1)
    expect(check.out).toMatch(/compared with .*@aaaaaaa/)
  })

  it('check --against a commit without a baseline is a usage error', async () => {
    const r = io()
    const code = await main(
      [
        'check',
        big,
        '--name',
        'app',
        '--baseline-dir',
        join(dir, 'empty'),
        '--against',
        'b'.repeat(40)
      ],
      r
    )
    expect(code).toBe(2)
    expect(r.err).toMatch(/no baseline of app/)
  })
})
