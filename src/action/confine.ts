// On pull request events the paths of the images config (context, file, archive) come from
// the PR: they must stay inside the checkout, symlinks resolved, or a PR could build or read
// any directory or file of the runner (`archive: /proc/self/environ`, `context: /`).

import { realpathSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** The real path of `path`; for a path that does not exist yet, of its nearest existing parent. */
function realish(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    const parent = dirname(path)
    return parent === path ? path : join(realish(parent), path.slice(parent.length + 1))
  }
}

/**
 * `path` (relative to `root`, or absolute) resolved; throws when it leaves `root` once
 * symlinks are followed. `what` names the value for the error (`image "api": context`).
 */
export function confinedPath(root: string, path: string, what: string): string {
  const full = isAbsolute(path) ? path : resolve(root, path)
  const real = realish(full)
  const top = realish(root)
  const rel = relative(top, real)
  if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return full
  throw new Error(
    `${what} points outside the workspace (${path.slice(0, 200)}): on pull request events the images config may only name paths inside the checkout`
  )
}
