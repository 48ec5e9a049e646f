// The base commit's sources in a separate worktree, for the baseline rebuild fallback.
// Needs the git CLI and enough history in the checkout (actions/checkout with fetch-depth: 0).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execCommand, lastLines } from '../exec.js'

export async function withWorktree<T>(
  repoDir: string,
  sha: string,
  fn: (dir: string) => Promise<T>
): Promise<T> {
  const dir = join(mkdtempSync(join(tmpdir(), 'isg-base-')), 'src')
  const add = await execCommand('git', ['-C', repoDir, 'worktree', 'add', '--detach', dir, sha])
  if (add.code !== 0) {
    rmSync(dir, { recursive: true, force: true })
    const why = lastLines(add.stderr, 1)
    const shallow = /invalid reference|not a valid|unknown revision|bad object/i.test(why)
    throw new Error(
      shallow
        ? `the checkout does not have the base commit ${sha.slice(0, 7)} to rebuild the baseline: set fetch-depth: 0 on actions/checkout (git: ${why})`
        : `could not check out the base commit ${sha.slice(0, 7)} to rebuild the baseline: ${why}`
    )
  }
  try {
    return await fn(dir)
  } finally {
    await execCommand('git', ['-C', repoDir, 'worktree', 'remove', '--force', dir])
    rmSync(join(dir, '..'), { recursive: true, force: true })
  }
}
