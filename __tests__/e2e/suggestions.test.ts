// One-click fixes: a PR whose diff holds the `RUN pip install` line that leaves pip's cache
// gets ONE review comment with a ```suggestion on that line (right side), a re-run does not
// duplicate it, and it goes once the cache is gone; a PR whose diff does not hold the line gets none and no 422. The SARIF file
// of the run validates and names the same line.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { reviewCommentsOf } from '../support/fake-github.js'
import { buildImage, writeLegacyArchive } from '../support/image-fixtures.js'
import { sarifValidator } from '../support/sarif-schema.js'
import { logOf, type ActionRun } from './support/action.js'
import {
  inWorld,
  pullRequestEvent,
  tempDir,
  writeFiles,
  type PullRequest,
  type World
} from './support/world.js'

const MB = 1_000_000
const TIMEOUT = 240_000

const labels = Array.from({ length: 10 }, (_, i) => `LABEL n${i}=x`)
const DOCKERFILE = [
  'FROM scratch',
  'ADD rootfs.tar /',
  'COPY app /app',
  'RUN pip install flask',
  ...labels,
  ''
].join('\n')

/**
 * The recorded baseline's image (support/world.ts appArchive) plus a RUN leaving pip's cache
 * (or, `cache: false`, the same RUN with the cache gone: the hint is resolved).
 */
async function pipArchive(cache = true): Promise<Buffer> {
  const image = await buildImage({
    reference: 'acme/app:test',
    layers: [
      {
        createdBy: 'ADD rootfs.tar / # base',
        entries: [
          { path: 'etc', type: 'dir' },
          { path: 'etc/os-release', content: 'ID=test\n' },
          { path: 'bin', type: 'dir' },
          { path: 'bin/sh', size: 200_000, mode: 0o755 }
        ]
      },
      {
        createdBy: 'COPY app /app # buildkit',
        entries: [
          { path: 'app', type: 'dir' },
          { path: 'app/data.bin', size: 1 * MB, seed: 1 }
        ]
      },
      {
        createdBy: 'RUN /bin/sh -c pip install flask # buildkit',
        entries: [
          { path: 'usr/lib/python3/site-packages/flask/app.py', size: 300_000 },
          ...(cache ? [{ path: 'root/.cache/pip/http-v2/a/b/c', size: 3 * MB }] : [])
        ]
      }
    ]
  })
  return writeLegacyArchive(image)
}

async function runPr(w: World, pr: PullRequest, dockerfile: string, cache = true) {
  const workspace = writeFiles(tempDir(), {
    'app.tar': await pipArchive(cache),
    Dockerfile: dockerfile
  })
  return w.run(pullRequestEvent(pr), {
    workspace,
    inputs: { archive: 'app.tar', file: 'Dockerfile' }
  })
}

/** Exit 0, no error, and no warning but the hint's own annotation. */
function expectDone(r: ActionRun): void {
  expect({ code: r.code, errors: r.errors }).toEqual({ code: 0, errors: [] })
  expect(r.warnings.filter(m => !m.startsWith('pip cache: 3.00 MB.'))).toEqual([])
}

const posts = (w: World, pr: PullRequest) =>
  w.gh.requestsTo('POST', `/repos/acme/app/pulls/${pr.number}/comments`)
const refused = (w: World) => w.gh.requests.filter(r => r.status === 422)

describe('suggested changes', () => {
  it.concurrent(
    'a PR adding the pip install line gets one suggestion on it, once',
    () =>
      inWorld(
        async w => {
          // The PR adds the Dockerfile on top of the recorded commit: every line is in the diff.
          const baseSha = w.repo.getBranch('main')!
          const headSha = w.repo.addCommit({
            parents: [baseSha],
            files: { Dockerfile: DOCKERFILE }
          })
          const pr = w.repo.addPullRequest({ baseSha, headSha })

          const first = await runPr(w, pr, DOCKERFILE)
          expectDone(first)
          expect(logOf(first)).toMatch(/suggested changes: 1 for new hints; 1 posted/)
          const comments = reviewCommentsOf(w.repo)
          expect(comments).toHaveLength(1)
          expect(comments[0]).toMatchObject({
            path: 'Dockerfile',
            line: 4,
            startLine: null,
            side: 'RIGHT',
            commitId: pr.headSha
          })
          expect(comments[0].body).toContain(
            '```suggestion\nRUN pip install --no-cache-dir flask\n```'
          )
          expect(comments[0].body).toMatch(/`pip-cache` \(pip cache, 3\.00 MB\)/)

          // SARIF: valid, one result for pip-cache on the same line, with the same fix.
          const sarif = JSON.parse(readFileSync(first.outputs['sarif-path'], 'utf8')) as {
            runs: {
              results: {
                ruleId: string
                locations: { physicalLocation: { region: { startLine: number } } }[]
                properties: { bytes: number }
              }[]
            }[]
          }
          expect(sarifValidator()(sarif)).toEqual([])
          const pip = sarif.runs[0].results.find(r => r.ruleId === 'pip-cache')!
          expect(pip.locations[0].physicalLocation.region.startLine).toBe(4)
          expect(pip.properties.bytes).toBe(3 * MB)

          // A second run finds it again and leaves it alone.
          w.gh.clearRecords()
          const second = await runPr(w, pr, DOCKERFILE)
          expectDone(second)
          expect(posts(w, pr)).toEqual([])
          expect(reviewCommentsOf(w.repo).map(c => c.id)).toEqual([comments[0].id])

          // The author fixed it (the image has no pip cache any more): the suggestion goes.
          const third = await runPr(w, pr, DOCKERFILE, false)
          expect({ code: third.code, errors: third.errors, warnings: third.warnings }).toEqual({
            code: 0,
            errors: [],
            warnings: []
          })
          expect(logOf(third)).toMatch(
            /suggested changes: 0 for new hints; 0 posted, 0 updated, 1 removed/
          )
          expect(reviewCommentsOf(w.repo)).toEqual([])
          expect(refused(w)).toEqual([])
        },
        { baseline: 1 * MB }
      ),
    TIMEOUT
  )

  it.concurrent(
    'a PR whose diff does not hold the line gets no suggestion and no 422',
    () =>
      inWorld(
        async w => {
          // main already has the Dockerfile; the PR changes only its last line.
          const baseSha = w.repo.addCommit({ branch: 'main', files: { Dockerfile: DOCKERFILE } })
          const changed = DOCKERFILE.replace('LABEL n9=x', 'LABEL n9=changed')
          const headSha = w.repo.addCommit({ parents: [baseSha], files: { Dockerfile: changed } })
          const pr = w.repo.addPullRequest({ baseSha, headSha })

          const r = await runPr(w, pr, changed)
          expectDone(r)
          expect(logOf(r)).toMatch(/suggested changes: 1 for new hints; 0 posted.*1 outside/)
          expect(w.gh.requestsTo('GET', `/repos/acme/app/pulls/${pr.number}/files`)).toHaveLength(1)
          expect(posts(w, pr)).toEqual([])
          expect(reviewCommentsOf(w.repo)).toEqual([])
          expect(refused(w)).toEqual([])
        },
        { baseline: 1 * MB }
      ),
    TIMEOUT
  )

  it.concurrent(
    'suggestions: false posts none',
    () =>
      inWorld(
        async w => {
          const baseSha = w.repo.getBranch('main')!
          const headSha = w.repo.addCommit({
            parents: [baseSha],
            files: { Dockerfile: DOCKERFILE }
          })
          const pr = w.repo.addPullRequest({ baseSha, headSha })
          const workspace = writeFiles(tempDir(), {
            'app.tar': await pipArchive(),
            Dockerfile: DOCKERFILE
          })
          const r = await w.run(pullRequestEvent(pr), {
            workspace,
            inputs: { archive: 'app.tar', file: 'Dockerfile', suggestions: 'false' }
          })
          expectDone(r)
          expect(w.gh.requestsTo('GET', `/repos/acme/app/pulls/${pr.number}`)).toEqual(
            w.gh
              .requestsTo('GET', `/repos/acme/app/pulls/${pr.number}`)
              .filter(q => !q.path.endsWith('/comments') && !q.path.endsWith('/files'))
          )
          expect(reviewCommentsOf(w.repo)).toEqual([])
        },
        { baseline: 1 * MB }
      ),
    TIMEOUT
  )
})
