import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { writeFileAtomic } from '../../src/files.js'

const dir = mkdtempSync(join(tmpdir(), 'files-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writeFileAtomic', () => {
  it('creates the folder and writes the text; replaces an earlier file whole', async () => {
    const target = join(dir, 'a', 'b', 'x.json')
    await writeFileAtomic(target, '{"n":1}', 'cannot write x')
    await writeFileAtomic(target, '{"n":2}', 'cannot write x')
    expect(readFileSync(target, 'utf8')).toBe('{"n":2}')
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.json'])
  })

  it('fails with the caller’s words and the reason, leaving no temp file', async () => {
    // The target is a folder: the rename over it fails after the temp file was written.
    const target = join(dir, 'taken')
    mkdirSync(join(target, 'inside'), { recursive: true })
    await expect(writeFileAtomic(target, 'text', 'cannot write the report')).rejects.toThrow(
      /^cannot write the report: E/
    )
    expect(readdirSync(dir).filter(n => n.startsWith('taken.tmp-'))).toEqual([])
  })
})
