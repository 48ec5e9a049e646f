import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { inDiff, planSuggestions, rightSideHunks } from '../../../src/github/review.js'
import { hint } from '../../support/reports.js'

/** The hunks of `git diff` between two texts: what GitHub's pulls/{n}/files `patch` holds. */
function patchOf(before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'isg-patch-'))
  try {
    writeFileSync(join(dir, 'a'), before)
    writeFileSync(join(dir, 'b'), after)
    let out = ''
    try {
      execFileSync('git', ['diff', '--no-index', '--no-color', 'a', 'b'], { cwd: dir })
    } catch (e) {
      out = String((e as { stdout: Buffer }).stdout)
    }
    return out.slice(out.indexOf('@@')).replace(/\n$/, '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `LABEL n${i}=x`)
const BEFORE = ['FROM python:3.12', ...lines(10), 'RUN echo hi', ...lines(10), ''].join('\n')
const AFTER = BEFORE.replace(
  'RUN echo hi',
  'RUN apt-get update \\\n    && apt-get install -y gcc\nRUN pip install flask'
)

describe('rightSideHunks and inDiff', () => {
  const patch = patchOf(BEFORE, AFTER)

  it('maps right-side line numbers to their text, per hunk', () => {
    const hunks = rightSideHunks(patch)
    expect(hunks).toHaveLength(1)
    expect(hunks[0].get(12)).toBe('RUN apt-get update \\')
    expect(hunks[0].get(14)).toBe('RUN pip install flask')
    expect(hunks[0].get(9)).toBe('LABEL n7=x') // context lines count
    expect(hunks[0].has(8)).toBe(false)
  })

  it('needs every line of the instruction in one hunk, reading as the rewriter saw it', () => {
    const apt = { startLine: 12, line: 13, before: AFTER.split('\n').slice(11, 13) }
    expect(inDiff(patch, apt)).toBe(true)
    expect(inDiff(patch, { ...apt, startLine: 11, line: 12 })).toBe(false)
    expect(inDiff(patch, { startLine: 3, line: 3, before: ['LABEL n1=x'] })).toBe(false)
  })
})

describe('planSuggestions', () => {
  const dockerfiles = new Map([['app/Dockerfile', AFTER]])
  const at = (id: string, line: number, extra = {}) =>
    hint(id, 5_000_000, { dockerfile: 'app/Dockerfile', dockerfileLine: line, new: true, ...extra })

  it('one suggestion per instruction for new hints with a rewrite', () => {
    const s = planSuggestions(
      [
        {
          name: 'app',
          platform: 'linux/amd64',
          dockerfile: 'app/Dockerfile',
          hints: [
            at('pip-cache', 14),
            at('apt-lists', 12),
            at('apt-archives', 12),
            at('docs', 12),
            at('npm-cache', 14, { new: false })
          ]
        },
        // The same Dockerfile for another platform: no second comment.
        {
          name: 'app',
          platform: 'linux/arm64',
          dockerfile: 'app/Dockerfile',
          hints: [at('pip-cache', 14)]
        }
      ],
      dockerfiles
    )
    expect(s.map(x => [x.key, x.startLine, x.line])).toEqual([
      ['app%2FDockerfile:apt-archives,apt-lists', 12, 13],
      ['app%2FDockerfile:pip-cache', 14, 14]
    ])
    expect(s[1].body).toBe(
      [
        '<!-- image-size-guard-suggestion:app%2FDockerfile:pip-cache -->',
        '**image-size-guard**: this change adds `pip-cache` (pip-cache title, 5.00 MB) to the image. This edit removes it:',
        '',
        '```suggestion',
        'RUN pip install --no-cache-dir flask',
        '```'
      ].join('\n')
    )
  })

  it('a longer fence when the instruction holds backticks', () => {
    const text = "FROM x\nRUN pip install flask && echo '```'\n"
    const [s] = planSuggestions(
      [
        {
          name: 'a',
          platform: 'p',
          dockerfile: 'D',
          hints: [hint('pip-cache', 1, { dockerfile: 'D', dockerfileLine: 2, new: true })]
        }
      ],
      new Map([['D', text]])
    )
    expect(s.body).toContain('\n````suggestion\n')
    expect(s.body.endsWith('\n````')).toBe(true)
  })

  it('names the file as GitHub does', () => {
    const [s] = planSuggestions(
      [
        {
          name: 'app',
          platform: 'p',
          dockerfile: './app/Dockerfile',
          hints: [at('pip-cache', 14, { dockerfile: './app/Dockerfile' })]
        }
      ],
      new Map([['./app/Dockerfile', AFTER]])
    )
    expect(s.path).toBe('app/Dockerfile')
    expect(s.key).toBe('app%2FDockerfile:pip-cache')
  })

  it('nothing without a baseline (new undefined) or without the Dockerfile text', () => {
    const image = { name: 'app', platform: 'p', dockerfile: 'app/Dockerfile' }
    expect(
      planSuggestions([{ ...image, hints: [at('pip-cache', 14, { new: undefined })] }], dockerfiles)
    ).toEqual([])
    expect(planSuggestions([{ ...image, hints: [at('pip-cache', 14)] }], new Map())).toEqual([])
  })
})
