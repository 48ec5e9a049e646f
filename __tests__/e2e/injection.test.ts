// An image built by a hostile PR: file names, RUN instructions, the config's user and env
// names carry markup, mentions, code fences and workflow commands. Through the bundled action
// none of it may act: no workflow command runs, no output is set, no tag or ping reaches the
// comment, the summary or the status. (Unit tests cover the escaping functions one by one:
// __tests__/unit/render/escape.test.ts, markdown.test.ts.)

import { describe, expect, it } from '@jest/globals'
import { buildImage, writeLegacyArchive } from '../support/image-fixtures.js'
import { liveLines } from './support/action.js'
import { botComments, inWorld, pullRequestEvent, tempDir, writeFiles } from './support/world.js'

const TIMEOUT = 240_000
const MARK = 'pwn3d'

/** Hostile strings, each carrying MARK so that any raw occurrence can be found. */
const HOSTILE = [
  `</details><img src=x onerror=alert(1)>${MARK}`,
  `@acme/maintainers ${MARK}`,
  `\n::add-mask::${MARK}`,
  `\n::set-output name=verdict::${MARK}`,
  `\n::error::${MARK}`,
  `\n::warning file=x::${MARK}`,
  `\`\`\`\n# ${MARK} heading`,
  `<!-- image-size-guard:${MARK} -->`,
  `[click](javascript:alert('${MARK}'))`,
  `| ${MARK} | table |`,
  `\u202e${MARK}txt.exe`
]

async function hostileArchive(): Promise<Buffer> {
  const files = HOSTILE.map((name, i) => ({
    path: `root/.cache/pip/${name.replace(/\//g, '∕')}`,
    size: 1_000_000 + i
  }))
  const image = await buildImage({
    reference: 'acme/app:test',
    config: {
      config: { User: HOSTILE[1], Env: HOSTILE.map((h, i) => `${h.replace(/=/g, '')}_${i}=1`) }
    },
    layers: [
      {
        createdBy: 'ADD rootfs.tar / # base',
        entries: [
          { path: 'bin', type: 'dir' },
          { path: 'bin/sh', size: 100_000, mode: 0o755 }
        ]
      },
      {
        createdBy: `/bin/sh -c pip install ${HOSTILE.join(' ')}`,
        entries: [{ path: 'root/.cache/pip', type: 'dir' }, ...files]
      }
    ]
  })
  return writeLegacyArchive(image)
}

describe('a hostile image in a PR', () => {
  it.concurrent(
    'runs no workflow command, sets no output and renders every hostile string as text',
    () =>
      inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'mallory' })
        const workspace = writeFiles(tempDir(), { 'app.tar': await hostileArchive() })
        const r = await w.run(pullRequestEvent(pr), {
          workspace,
          inputs: { archive: 'app.tar' }
        })
        expect(r.code).toBe(0)
        // One annotation for the new hint (its severity picks ::error or ::warning), one line:
        // `::` inside it is data, not a command. No other error or warning.
        expect([...r.errors, ...r.warnings]).toEqual([
          expect.stringMatching(/^pip cache: 11\.0 MB\. Fix: /)
        ])
        expect(r.outputs.verdict).toBe('no-baseline')
        // The report is in the log, but only inside stop-commands blocks.
        expect(r.stdout).toContain(MARK)
        // (the hint's annotation aside: one `::warning` line whose message is escaped data)
        const live = liveLines(r.stdout).filter(l => l.includes(MARK))
        expect(
          live.filter(l => !/^::(error|warning)( [^:]*)?::pip cache: 11\.0 MB\. Fix: /.test(l))
        ).toEqual([])
        expect(live).toHaveLength(1)
        expect(r.stderr).not.toContain(MARK)

        const comments = botComments(w.repo, pr.number)
        expect(comments).toHaveLength(1)
        const statuses = w.repo.statuses(pr.headSha)
        for (const [where, text] of [
          ['comment', comments[0].body],
          ['summary', r.summary],
          ['status', JSON.stringify(statuses)]
        ] as const) {
          expect({
            where,
            raw: /<img|<\/details><img|javascript:|@acme\/maintainers/.test(text)
          }).toEqual({
            where,
            raw: false
          })
          expect({ where, marker: text.match(/<!-- image-size-guard:/g)?.length ?? 0 }).toEqual({
            where,
            marker: where === 'comment' ? 1 : 0
          })
          expect({ where, bidi: text.includes('\u202e') }).toEqual({ where, bidi: false })
        }
        // The hint still names the cache and its bytes: escaped, not dropped.
        expect(comments[0].body).toContain('pip-cache')
        expect(comments[0].body).toContain(MARK)
        // No line of the comment is a heading or a fence that the hostile text opened.
        expect(
          comments[0].body.split('\n').filter(l => /^(#|```)/.test(l) && l.includes(MARK))
        ).toEqual([])
      }),
    TIMEOUT
  )
})
