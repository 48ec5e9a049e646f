import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { confinedPath } from '../../../src/action/confine.js'

const root = mkdtempSync(join(tmpdir(), 'isg-confine-'))
const ws = join(root, 'ws')
mkdirSync(join(ws, 'api'), { recursive: true })
writeFileSync(join(ws, 'api', 'Dockerfile'), 'FROM scratch\n')
symlinkSync('/proc/self/environ', join(ws, 'environ.tar'))
symlinkSync('/', join(ws, 'rootdir'))
symlinkSync(join(ws, 'api'), join(ws, 'api-link'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('confinedPath', () => {
  it.each(['.', 'api', 'api/Dockerfile', './api/../api', 'api-link/Dockerfile', 'new/dir/x.tar'])(
    '%s stays inside',
    p => expect(confinedPath(ws, p, 'image "app": `context`')).toBe(join(ws, p))
  )
  it.each([
    '/proc/self/environ',
    '../',
    '../../etc/passwd',
    'api/../../x',
    'environ.tar',
    'rootdir/etc',
    '/'
  ])('%s is refused', p => {
    expect(() => confinedPath(ws, p, 'image "app": `archive`')).toThrow(
      /^image "app": `archive` points outside the workspace \(.*\): on pull request events/
    )
  })
})
