// Reads an rpm database (rpmdb.sqlite) the layer reader kept, with Node's built-in SQLite
// (`node:sqlite`, Node 22.5+; the action runs on Node 24). SQLite opens files only: the bytes
// go to a private temporary file for the read and are removed right after. Without
// `node:sqlite` the caller gets a reason to say in a warning.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseRpmHeader, type RpmPackage } from './rpm-header.js'

export type RpmRead = { packages: RpmPackage[]; skipped: number } | { unsupported: string }

/** At most this many packages are read from one database. */
const MAX_PACKAGES = 50_000

interface Statement {
  all(): unknown[]
}
interface Database {
  prepare(sql: string): Statement
  close(): void
}
type SqliteModule = {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => Database
}

export async function readRpmDb(bytes: Uint8Array): Promise<RpmRead> {
  let sqlite: SqliteModule
  try {
    sqlite = (await import('node:sqlite' as string)) as SqliteModule
  } catch {
    return {
      unsupported: `reading rpmdb.sqlite needs node:sqlite (Node 22.5 or later; this is Node ${process.versions.node})`
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'isg-rpmdb-'))
  try {
    const file = join(dir, 'rpmdb.sqlite')
    writeFileSync(file, bytes, { mode: 0o600 })
    const db = new sqlite.DatabaseSync(file, { readOnly: true })
    try {
      const rows = db.prepare(`SELECT blob FROM Packages LIMIT ${MAX_PACKAGES}`).all()
      const packages: RpmPackage[] = []
      let skipped = 0
      for (const row of rows) {
        const blob = (row as { blob?: unknown }).blob
        const pkg = blob instanceof Uint8Array ? parseRpmHeader(blob) : undefined
        if (pkg) packages.push(pkg)
        else skipped++
      }
      return { packages, skipped }
    } finally {
      db.close()
    }
  } catch (e) {
    return { unsupported: `the database could not be read: ${(e as Error).message}` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
