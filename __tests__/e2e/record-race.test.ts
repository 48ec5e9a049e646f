// Twenty matrix legs in `mode: record` started at once (the setup without an aggregate job):
// twenty bundled actions race for the data branch against the fake GitHub, which answers a
// lost race like GitHub (422 "Update is not a fast forward"). All twenty baselines must end
// up stored and indexed; the figures are printed.

import { expect, it } from '@jest/globals'
import { logOf } from './support/action.js'
import { archiveWorkspace, DATA_BRANCH, inWorld, pushEvent } from './support/world.js'

const WRITERS = 20
const KB = 1000

it(
  `${WRITERS} recorders started at once all store their baseline`,
  () =>
    inWorld(async w => {
      const sha = w.repo.getBranch('main')!
      const names = Array.from({ length: WRITERS }, (_, i) => `svc-${String(i).padStart(2, '0')}`)
      const workspaces = await Promise.all(names.map((_, i) => archiveWorkspace(100 * KB, i + 1)))
      const started = Date.now()
      const runs = await Promise.all(
        names.map((name, i) =>
          w.run(pushEvent(sha), {
            workspace: workspaces[i],
            inputs: { archive: 'app.tar', name, mode: 'record' },
            timeoutMs: 900_000
          })
        )
      )
      const seconds = Math.round((Date.now() - started) / 1000)
      const stored = names.filter(
        n => w.repo.readFile(DATA_BRANCH, `baselines/${n}/linux-amd64/${sha}.json`) !== undefined
      )
      const index = JSON.parse(w.repo.readFile(DATA_BRANCH, 'index.json') ?? '{}') as {
        images: Record<string, unknown>
      }
      const lost = w.gh
        .requestsTo('PATCH', '/repos/acme/app/git/refs')
        .filter(q => q.status === 422).length
      process.stdout.write(
        `record race (bundled action, GitHub write spacing): ${stored.length}/${WRITERS} stored, ` +
          `${Object.keys(index.images).length} indexed, ${lost} non-fast-forward answers retried, ${seconds} s\n`
      )
      for (const r of runs) if (r.code !== 0) throw new Error(logOf(r))
      expect(stored).toEqual(names)
      expect(Object.keys(index.images).sort()).toEqual(names.map(n => `${n}/linux-amd64`))
    }),
  900_000
)
