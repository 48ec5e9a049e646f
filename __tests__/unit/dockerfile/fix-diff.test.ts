// The diff is checked by the tool it is for: `git apply` in a temporary repository must
// turn the file into exactly what applyRewrites computes.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { unifiedDiff } from '../../../src/dockerfile/fix-diff.js'
import { applyRewrites, rewritesFor, type HintAt } from '../../../src/dockerfile/rewrite.js'

let repo: string

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'isg-fixdiff-'))
  execFileSync('git', ['init', '-q', repo])
})

afterAll(() => rmSync(repo, { recursive: true, force: true }))

function gitApply(path: string, text: string, diff: string): string {
  const file = join(repo, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
  writeFileSync(join(repo, 'fix.diff'), diff)
  execFileSync('git', ['apply', '--check', 'fix.diff'], { cwd: repo })
  execFileSync('git', ['apply', 'fix.diff'], { cwd: repo })
  return readFileSync(file, 'utf8')
}

const filler = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `LABEL l${from + i}=x`).join('\n')

const cases: [string, string, HintAt[]][] = [
  [
    'one hint in the middle',
    `FROM python:3.12\n${filler(5)}\nRUN pip install flask\n${filler(5, 10)}\n`,
    [{ id: 'pip-cache', dockerfileLine: 7 }]
  ],
  [
    'a line added, two hunks, later offsets move',
    [
      'FROM debian:12',
      'RUN apt-get update \\',
      '    && apt-get install -y python3-pip',
      filler(8),
      'RUN pip install flask',
      'CMD ["flask"]',
      ''
    ].join('\n'),
    [
      { id: 'apt-lists', dockerfileLine: 2 },
      { id: 'pip-cache', dockerfileLine: 12 }
    ]
  ],
  [
    'hunks close enough to merge',
    'FROM debian:12\nRUN apt-get update && apt-get install -y x\nLABEL a=b\nRUN pip install y\n',
    [
      { id: 'apt-lists', dockerfileLine: 2 },
      { id: 'pip-cache', dockerfileLine: 4 }
    ]
  ],
  [
    'last line without a newline',
    'FROM python:3.12\nRUN pip install flask',
    [{ id: 'pip-cache', dockerfileLine: 2 }]
  ],
  [
    'continued last RUN without a newline',
    'FROM debian:12\nRUN apt-get update \\\n && apt-get install -y x',
    [{ id: 'apt-lists', dockerfileLine: 2 }]
  ],
  [
    'CRLF file',
    'FROM python:3.12\r\nLABEL a=b\r\nRUN pip install flask\r\nCMD x\r\n',
    [{ id: 'pip-cache', dockerfileLine: 3 }]
  ]
]

describe('unifiedDiff', () => {
  it.each(cases)('%s: git apply gives the rewritten file', (_, text, hints) => {
    const rewrites = rewritesFor(text, hints)
    expect(rewrites.length).toBe(new Set(hints.map(h => h.dockerfileLine)).size)
    const diff = unifiedDiff('docker/app/Dockerfile', text, rewrites)
    const expected = applyRewrites(text, rewrites)
    expect(expected).not.toBe(text)
    expect(gitApply('docker/app/Dockerfile', text, diff)).toBe(expected)
  })

  it('prints the hunk header and the lines diff -u would', () => {
    const text = `FROM python:3.12\n${filler(5)}\nRUN pip install flask\n${filler(5, 10)}\n`
    const diff = unifiedDiff('Dockerfile', text, rewritesFor(text, cases[0][2]))
    expect(diff).toBe(
      [
        'diff --git a/Dockerfile b/Dockerfile',
        '--- a/Dockerfile',
        '+++ b/Dockerfile',
        '@@ -4,7 +4,7 @@',
        ' LABEL l2=x',
        ' LABEL l3=x',
        ' LABEL l4=x',
        '-RUN pip install flask',
        '+RUN pip install --no-cache-dir flask',
        ' LABEL l10=x',
        ' LABEL l11=x',
        ' LABEL l12=x',
        ''
      ].join('\n')
    )
  })

  it('is empty without rewrites', () => {
    expect(unifiedDiff('Dockerfile', 'FROM x\n', [])).toBe('')
  })
})
