// Writing a file so that a crash or a concurrent reader never sees half of it: the text goes to
// a temporary name beside the target, then is renamed over it (atomic on one file system).

import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Writes `text` to `target` (creating its folder); throws `what: reason`, leaving no temp file. */
export async function writeFileAtomic(target: string, text: string, what: string): Promise<void> {
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    await mkdir(dirname(target), { recursive: true })
    await writeFile(temp, text, 'utf8')
    await rename(temp, target)
  } catch (e) {
    await rm(temp, { force: true })
    throw new Error(`${what}: ${(e as Error).message}`)
  }
}
