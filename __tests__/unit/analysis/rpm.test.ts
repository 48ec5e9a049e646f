import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildContentIndex } from '../../../src/analysis/content-index.js'
import { parseRpmHeader } from '../../../src/image/rpm-header.js'
import { stackLayers } from '../../../src/analysis/stack.js'
import { readRpmDb } from '../../../src/image/rpmdb.js'
import { layer } from '../../support/layers.js'

/** An rpm header blob (the rpmdb.sqlite `Packages.blob` format) written from its fields. */
function header(fields: {
  name: string
  version: string
  release: string
  epoch?: number
  dirs: string[]
  files: [number, string][]
}): Buffer {
  const data: Buffer[] = []
  let size = 0
  const entries: [number, number, number, number][] = []
  const put = (tag: number, type: number, count: number, bytes: Buffer, align = 1) => {
    const pad = (align - (size % align)) % align
    if (pad) {
      data.push(Buffer.alloc(pad))
      size += pad
    }
    entries.push([tag, type, size, count])
    data.push(bytes)
    size += bytes.length
  }
  const strs = (list: string[]) => Buffer.from(list.map(s => `${s}\0`).join(''))
  const ints = (list: number[]) => {
    const b = Buffer.alloc(list.length * 4)
    list.forEach((v, i) => b.writeUInt32BE(v, i * 4))
    return b
  }
  put(1000, 6, 1, strs([fields.name]))
  put(1001, 6, 1, strs([fields.version]))
  put(1002, 6, 1, strs([fields.release]))
  if (fields.epoch !== undefined) put(1003, 4, 1, ints([fields.epoch]), 4)
  put(1116, 4, fields.files.length, ints(fields.files.map(f => f[0])), 4)
  put(1117, 8, fields.files.length, strs(fields.files.map(f => f[1])))
  put(1118, 8, fields.dirs.length, strs(fields.dirs))
  const head = Buffer.alloc(8 + entries.length * 16)
  head.writeUInt32BE(entries.length, 0)
  head.writeUInt32BE(size, 4)
  entries.forEach(([tag, type, offset, count], i) => {
    head.writeUInt32BE(tag, 8 + i * 16)
    head.writeUInt32BE(type, 12 + i * 16)
    head.writeUInt32BE(offset, 16 + i * 16)
    head.writeUInt32BE(count, 20 + i * 16)
  })
  return Buffer.concat([head, ...data])
}

const BASH = {
  name: 'bash',
  version: '5.2.26',
  release: '3.fc40',
  epoch: 0,
  dirs: ['/usr/bin/', '/usr/share/doc/bash/'],
  files: [
    [0, 'bash'],
    [0, 'sh'],
    [1, 'README']
  ] as [number, string][]
}

describe('parseRpmHeader', () => {
  it('reads name, epoch:version-release and the file list', () => {
    expect(parseRpmHeader(header({ ...BASH, epoch: 1 }))).toEqual({
      name: 'bash',
      version: '1:5.2.26-3.fc40',
      files: ['usr/bin/bash', 'usr/bin/sh', 'usr/share/doc/bash/README']
    })
  })

  it.each([
    ['empty', Buffer.alloc(0)],
    ['truncated', header(BASH).subarray(0, 40)],
    ['huge counts', Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])],
    ['garbage', Buffer.from('not an rpm header at all, just text')]
  ])('%s → undefined, no throw', (_, blob) => {
    expect(parseRpmHeader(blob)).toBeUndefined()
  })

  it('a dir index out of range drops the file list, not the package', () => {
    const bad = { ...BASH, files: [[7, 'x']] as [number, string][] }
    expect(parseRpmHeader(header(bad))).toMatchObject({ name: 'bash', files: [] })
  })
})

describe('rpm packages in the content index', () => {
  it('counts the live files each package lists, exactly', () => {
    const stack = stackLayers([
      layer(
        { path: 'usr/bin/bash', size: 1_400_000 },
        { path: 'usr/bin/sh', kind: 'symlink', linkname: 'bash' },
        { path: 'usr/share/doc/bash/README', size: 3_000 },
        { path: 'var/lib/rpm/rpmdb.sqlite', size: 100 }
      )
    ])
    const pkg = parseRpmHeader(header(BASH))
    const idx = buildContentIndex(stack.live, undefined, {
      source: 'var/lib/rpm/rpmdb.sqlite',
      packages: pkg ? [pkg] : []
    })
    expect(idx.ecosystems).toEqual(['rpm'])
    expect(idx.packages).toEqual([
      {
        ecosystem: 'rpm',
        name: 'bash',
        version: '5.2.26-3.fc40',
        layer: 0,
        bytes: 1_403_000,
        files: 2
      }
    ])
  })

  it('says why a database was not read', () => {
    const stack = stackLayers([layer({ path: 'var/lib/rpm/rpmdb.sqlite', size: 100 })])
    const idx = buildContentIndex(stack.live, undefined, {
      source: 'var/lib/rpm/rpmdb.sqlite',
      unsupported: 'reading rpmdb.sqlite needs node:sqlite'
    })
    expect(idx.warnings).toEqual([
      'rpm: /var/lib/rpm/rpmdb.sqlite not read (reading rpmdb.sqlite needs node:sqlite); rpm packages are left out (their files count as unowned)'
    ])
  })
})

type Sqlite = {
  DatabaseSync: new (path: string) => {
    exec(sql: string): void
    prepare(sql: string): { run(...args: unknown[]): void }
    close(): void
  }
}

describe('readRpmDb (node:sqlite)', () => {
  it('reads Packages blobs where node:sqlite exists, and says so where it does not', async () => {
    let sqlite: Sqlite | undefined
    try {
      sqlite = (await import('node:sqlite' as string)) as Sqlite
    } catch {
      sqlite = undefined
    }
    if (!sqlite) {
      // Node < 22.5 (the unit tests' Node 20): a reason for the warning, no throw.
      const r = await readRpmDb(Buffer.from('SQLite format 3\0'))
      expect(r).toEqual({ unsupported: expect.stringMatching(/needs node:sqlite \(Node 22\.5/) })
      return
    }
    const dir = mkdtempSync(join(tmpdir(), 'isg-rpm-test-'))
    try {
      const file = join(dir, 'rpmdb.sqlite')
      const db = new sqlite.DatabaseSync(file)
      db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)')
      const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)')
      insert.run(header(BASH))
      insert.run(Buffer.from('damaged'))
      db.close()
      const r = await readRpmDb(readFileSync(file))
      expect(r).toEqual({
        packages: [
          {
            name: 'bash',
            version: '5.2.26-3.fc40',
            files: ['usr/bin/bash', 'usr/bin/sh', 'usr/share/doc/bash/README']
          }
        ],
        skipped: 1
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
