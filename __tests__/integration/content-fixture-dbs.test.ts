// The content index on a real engine for the ecosystems the Debian fixtures lack: apk and Ruby
// gems from small databases this test writes into an image (FROM scratch + busybox), and
// hostile databases (a dpkg .list naming ../../etc, a package.json that is not JSON) that must
// end in a warning and a report, never a crash. The truth is measured in the running image.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Analysis } from '../../src/analysis/analyze.js'
import { DEFAULT_LIMITS } from '../../src/inputs.js'
import { measure } from '../../src/measure.js'
import {
  busyboxContext,
  describeEngine,
  dockerBuild,
  dockerRun,
  removeImages
} from '../support/engine.js'

const TAG = `isg-test/content-dbs:${process.pid}`
let work: string
let analysis: Analysis
const warnings: string[] = []

const APK_DB = [
  'P:tool',
  'V:1.2.3-r0',
  'A:x86_64',
  'I:999999',
  'F:usr/bin',
  'R:tool',
  'F:usr/share/tool',
  'R:data.bin',
  '',
  'P:musl',
  'V:1.2.4-r2',
  'F:lib',
  'R:ld-musl-x86_64.so.1',
  ''
].join('\n')

function file(root: string, path: string, content: string | Buffer): void {
  const full = join(root, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, content)
}

describeEngine('the content index on fixture databases (apk, gem, hostile) on the engine', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'isg-content-dbs-'))
    busyboxContext(work)
    const root = join(work, 'rootfs')
    file(root, 'lib/apk/db/installed', APK_DB)
    file(root, 'usr/bin/tool', Buffer.alloc(123_456, 1))
    file(root, 'usr/share/tool/data.bin', Buffer.alloc(7_890, 2))
    file(root, 'lib/ld-musl-x86_64.so.1', Buffer.alloc(600_001, 3))
    const gems = 'usr/local/bundle'
    file(root, `${gems}/specifications/rack-3.0.8.gemspec`, 'Gem::Specification.new')
    file(root, `${gems}/gems/rack-3.0.8/lib/rack.rb`, Buffer.alloc(45_000, 4))
    file(root, `${gems}/gems/rack-3.0.8/lib/rack/request.rb`, Buffer.alloc(12_000, 5))
    // hostile
    file(root, 'var/lib/dpkg/status', 'Package: evil\nStatus: install ok installed\nVersion: 1\n')
    file(root, 'var/lib/dpkg/info/evil.list', '/../../etc/passwd\n../../../etc/shadow\n')
    file(root, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\n')
    file(root, 'app/node_modules/broken/package.json', '{ "name": "broken", ')
    file(root, 'app/node_modules/broken/index.js', 'module.exports = 1\n')
    writeFileSync(
      join(work, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'COPY rootfs/ /',
        // A later layer rewrites the tool: its package's layer is that one.
        'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox dd if=/dev/zero of=/usr/bin/tool bs=1000 count=200 2>/dev/null"]'
      ].join('\n')
    )
    await dockerBuild({ context: work, tag: TAG, builder: 'buildkit' })
    analysis = await measure(TAG, {
      estimateCompressed: false,
      limits: DEFAULT_LIMITS,
      onWarning: w => warnings.push(w)
    })
  }, 10 * 60_000)

  afterAll(async () => {
    await removeImages([TAG])
    if (work) rmSync(work, { recursive: true, force: true })
  })

  async function sizes(paths: string[]): Promise<number> {
    const out = await dockerRun(
      TAG,
      ['sh', '-c', 'for f in "$@"; do stat -c %s "$f"; done', 'sh', ...paths],
      {
        entrypoint: '/bin/busybox'
      }
    )
    return out
      .split('\n')
      .filter(l => l.trim() !== '')
      .reduce((n, l) => n + Number(l), 0)
  }

  it('apk: package bytes equal the sizes of the files it lists, in the final filesystem', async () => {
    const content = analysis.report.content!
    expect(content.ecosystems).toEqual(expect.arrayContaining(['apk', 'gem']))
    const tool = content.packages.find(p => p.ecosystem === 'apk' && p.name === 'tool')
    const truth = await sizes(['/usr/bin/tool', '/usr/share/tool/data.bin'])
    expect(truth).toBe(200_000 + 7_890)
    expect(tool).toEqual({
      ecosystem: 'apk',
      name: 'tool',
      version: '1.2.3-r0',
      layer: 2,
      bytes: truth,
      files: 2
    })
    const musl = content.packages.find(p => p.name === 'musl')
    expect(musl?.bytes).toBe(await sizes(['/lib/ld-musl-x86_64.so.1']))
  })

  it('gem: a gem owns its directory and its gemspec', async () => {
    const rack = analysis.report.content!.packages.find(p => p.ecosystem === 'gem')
    const truth = await sizes([
      '/usr/local/bundle/specifications/rack-3.0.8.gemspec',
      '/usr/local/bundle/gems/rack-3.0.8/lib/rack.rb',
      '/usr/local/bundle/gems/rack-3.0.8/lib/rack/request.rb'
    ])
    expect(rack).toMatchObject({ name: 'rack', version: '3.0.8', bytes: truth, files: 3 })
  })

  it('hostile databases end in warnings and a report without them', () => {
    const content = analysis.report.content!
    expect(content.packages.find(p => p.name === 'evil')).toMatchObject({ bytes: 0, files: 0 })
    expect(content.packages.find(p => p.name === 'broken')).toBeUndefined()
    expect(warnings.join('\n')).toMatch(/climb out with "\.\."/)
    expect(warnings.join('\n')).toMatch(/npm: 1 package\.json .* not valid JSON/)
    // /etc/passwd is nobody's: the climbing list did not claim it.
    expect(content.unowned.find(g => g.path === '/etc')?.bytes).toBe(26)
  })
})
