import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalBaselineStore } from '../../../src/baseline/local-store.js'
import { serializeBaseline, toBaseline, type Baseline } from '../../../src/baseline/schema.js'
import { makeReport } from '../../support/reports.js'
import { fakeSha, memoryLog, rejection, type MemoryLog } from '../github/setup.js'

let dir: string
let log: MemoryLog

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'isg-local-')), '.image-size-guard')
  log = memoryLog()
})

afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true })
})

let clock = Date.parse('2025-02-01T00:00:00Z')

function baseline(n: number, name = 'shop-api', bytes = n * 100): Baseline {
  clock += 1000
  return toBaseline(makeReport([{ createdBy: 'RUN x', bytes }]), {
    name,
    platform: 'linux/amd64',
    sha: fakeSha(n),
    branch: 'main',
    recordedAt: new Date(clock)
  })
}

const fileOf = (b: Baseline) => join(dir, 'baselines', 'shop-api', 'linux-amd64', `${b.sha}.json`)

async function allFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name).slice(root.length + 1))
}

describe('LocalBaselineStore', () => {
  it('writes the same layout as the data branch, and nothing else', async () => {
    const store = new LocalBaselineStore(dir, log)
    const a = baseline(1)
    const b = baseline(2)
    await store.put(a)
    await store.put(b)
    expect((await allFiles(dir)).sort()).toEqual(
      [
        'README.md',
        'index.json',
        `baselines/shop-api/linux-amd64/${a.sha}.json`,
        `baselines/shop-api/linux-amd64/${b.sha}.json`
      ].sort()
    )
    expect(await store.get('shop-api', 'linux/amd64', a.sha)).toEqual(a)
    expect((await store.history('shop-api', 'linux/amd64', 10)).map(e => e.sha)).toEqual([
      b.sha,
      a.sha
    ])
  })

  it('lists the files when the index is missing, and rebuilds it on the next put', async () => {
    const store = new LocalBaselineStore(dir, log)
    await store.put(baseline(1))
    await store.put(baseline(2))
    await rm(join(dir, 'index.json'))
    expect((await store.history('shop-api', 'linux/amd64', 10)).map(e => e.sha)).toEqual([
      fakeSha(2),
      fakeSha(1)
    ])
    await store.put(baseline(3))
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'))
    expect(index.images['shop-api/linux-amd64'].entries.map((e: { sha: string }) => e.sha)).toEqual(
      [fakeSha(3), fakeSha(2), fakeSha(1)]
    )
  })

  it('treats a corrupt file as no baseline, with a warning naming it', async () => {
    const store = new LocalBaselineStore(dir, log)
    const b = baseline(1)
    await store.put(b)
    await writeFile(fileOf(b), '{"truncated":')
    expect(await store.get('shop-api', 'linux/amd64', b.sha)).toBeUndefined()
    expect(log.warnings[0]).toContain(fileOf(b))
    expect(log.warnings[0]).toMatch(/not valid JSON.*treating that commit as having no baseline/)
  })

  it('refuses to overwrite a baseline from a newer version', async () => {
    const store = new LocalBaselineStore(dir, log)
    const b = baseline(1)
    await store.put(b)
    const newer = serializeBaseline(b).replace('"schemaVersion": 2', '"schemaVersion": 3')
    await writeFile(fileOf(b), newer)
    const e = await rejection(store.put(baseline(1)))
    expect(e.message).toMatch(
      /recorded by a newer image-size-guard \(schema 3.*update the action\. Not overwriting it\.$/
    )
    expect(await readFile(fileOf(b), 'utf8')).toBe(newer)
  })

  it('leaves no temporary files behind', async () => {
    const store = new LocalBaselineStore(dir, log)
    await Promise.all([store.put(baseline(1)), store.put(baseline(2, 'worker'))])
    expect((await allFiles(dir)).filter(f => f.includes('.tmp-'))).toEqual([])
    expect(await store.get('worker', 'linux/amd64', fakeSha(2))).toBeDefined()
  })

  it('keeps hostile names inside the directory', async () => {
    const store = new LocalBaselineStore(dir, log)
    await store.put(baseline(1, '../../../escape'))
    const files = await allFiles(join(dir, '..'))
    expect(files.every(f => f.startsWith('.image-size-guard/'))).toBe(true)
    expect(await store.get('../../../escape', 'linux/amd64', fakeSha(1))).toBeDefined()
  })

  it('says which directory it cannot create', async () => {
    await writeFile(join(dir, '..', 'file'), 'x')
    const store = new LocalBaselineStore(join(dir, '..', 'file', 'sub'), log)
    const e = await rejection(store.put(baseline(1)))
    expect(e.message).toMatch(
      /^cannot create the baseline directory .*file\/sub \(`--baseline-dir`\)/
    )
  })
})
