// dev-dependencies, test-output, unstripped-binaries and distro-base-for-static on in-memory
// images: the bytes are the sizes of the files written, summed by hand here.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { detectHints } from '../../../src/analysis/hints/index.js'
import {
  copySources,
  npmLockDev,
  packageKey,
  pnpmLockDev,
  poetryLockDev,
  testOutputGroup
} from '../../../src/analysis/hints/project.js'
import type { ElfInfo } from '../../../src/image/types.js'
import { build, ids, kB, only, type FileSpec } from './helpers.js'

function pkg(
  dir: string,
  name: string,
  size: number,
  deps: Record<string, string> = {}
): FileSpec[] {
  return [
    {
      path: `${dir}/package.json`,
      text: JSON.stringify({ name, version: '1.0.0', dependencies: deps })
    },
    { path: `${dir}/index.js`, size }
  ]
}

function hintsOf(b: ReturnType<typeof build>, workdir?: string) {
  return detectHints(b.analysis, { contents: b.contents, ...(workdir ? {} : {}) })
}

const BASE = {
  by: 'ADD rootfs.tar /',
  files: [
    { path: 'var/lib/dpkg/status', text: 'Package: base-files\nStatus: install ok installed\n\n' },
    { path: 'usr/lib/x/big', size: 5_000_000 }
  ]
}

describe('dev-dependencies', () => {
  const lock = {
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app' },
      'node_modules/express': { version: '1.0.0' },
      'node_modules/jest': { version: '1.0.0', dev: true },
      'node_modules/@types/node': { version: '1.0.0', dev: true },
      'node_modules/jest/node_modules/chalk': { version: '1.0.0', dev: true },
      'node_modules/both': { version: '1.0.0', devOptional: true }
    }
  }
  const tree: FileSpec[] = [
    { path: 'app/package-lock.json', text: JSON.stringify(lock) },
    ...pkg('app/node_modules/express', 'express', 300 * kB),
    ...pkg('app/node_modules/jest', 'jest', 400 * kB),
    ...pkg('app/node_modules/jest/node_modules/chalk', 'chalk', 50 * kB),
    ...pkg('app/node_modules/@types/node', '@types/node', 120 * kB),
    ...pkg('app/node_modules/both', 'both', 90 * kB)
  ]
  const sizeOf = (prefix: string) =>
    tree
      .filter(f => f.path.startsWith(prefix))
      .reduce((n, f) => n + (f.text ? Buffer.byteLength(f.text) : (f.size ?? 0)), 0)

  it('counts the files of packages the npm lockfile marks "dev": true', () => {
    const b = build([BASE, { by: 'RUN npm ci', files: tree }], { base: 1 })
    const h = only(hintsOf(b), 'dev-dependencies')
    const expected = sizeOf('app/node_modules/jest/') + sizeOf('app/node_modules/@types/')
    expect(h.bytes).toBe(expected)
    expect(h.paths.map(p => p.path).sort()).toEqual([
      '/app/node_modules/@types/node',
      '/app/node_modules/jest',
      '/app/node_modules/jest/node_modules/chalk'
    ])
    expect(h.fix).toContain('`npm ci --omit=dev`')
    expect(h.fix).toContain('`RUN npm ci`')
  })

  it('says nothing once the dev packages are gone (npm ci --omit=dev)', () => {
    const prod = tree.filter(f => !/node_modules\/(jest|@types)\//.test(f.path))
    const b = build([BASE, { by: 'RUN npm ci --omit=dev', files: prod }], { base: 1 })
    expect(ids(hintsOf(b))).not.toContain('dev-dependencies')
  })

  it('uses package.json devDependencies and the installed manifests when there is no npm lock (yarn)', () => {
    const files: FileSpec[] = [
      {
        path: 'srv/package.json',
        text: JSON.stringify({ dependencies: { a: '1' }, devDependencies: { t: '1' } })
      },
      { path: 'srv/yarn.lock', text: '# yarn lockfile v1\n' },
      ...pkg('srv/node_modules/a', 'a', 200 * kB, { shared: '1' }),
      ...pkg('srv/node_modules/t', 't', 300 * kB, { shared: '1', tonly: '1' }),
      ...pkg('srv/node_modules/shared', 'shared', 70 * kB),
      ...pkg('srv/node_modules/tonly', 'tonly', 80 * kB)
    ]
    const b = build([BASE, { by: 'RUN yarn install --frozen-lockfile', files }], { base: 1 })
    const h = only(hintsOf(b), 'dev-dependencies')
    expect(h.paths.map(p => p.path).sort()).toEqual([
      '/srv/node_modules/t',
      '/srv/node_modules/tonly'
    ])
    const exp = files
      .filter(f => /node_modules\/(t|tonly)\//.test(f.path))
      .reduce((n, f) => n + (f.text ? Buffer.byteLength(f.text) : (f.size ?? 0)), 0)
    expect(h.bytes).toBe(exp)
    expect(h.fix).toContain('yarn install --production')
  })

  it('reads pnpm-lock.yaml v6 dev flags', () => {
    const lockYaml = [
      "lockfileVersion: '6.0'",
      'packages:',
      '  /lodash@4.17.21:',
      '    dev: false',
      '  /@vitest/runner@1.0.0:',
      '    dev: true',
      ''
    ].join('\n')
    const files: FileSpec[] = [
      { path: 'w/pnpm-lock.yaml', text: lockYaml },
      { path: 'w/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/index.js', size: 500 * kB },
      {
        path: 'w/node_modules/.pnpm/@vitest+runner@1.0.0/node_modules/@vitest/runner/index.js',
        size: 400 * kB
      }
    ]
    const b = build([BASE, { by: 'RUN pnpm install', files }], { base: 1 })
    const h = only(hintsOf(b), 'dev-dependencies')
    expect(h.bytes).toBe(400 * kB)
    expect(h.fix).toContain('pnpm install --prod')
  })

  it('reads a pnpm-lock.yaml v9 graph: dev-only is what only devDependencies reach', () => {
    const lockYaml = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      express:
        specifier: ^4.18.2
        version: 4.18.2
    devDependencies:
      typescript:
        specifier: ^5.3.0
        version: 5.3.3
      vitest:
        specifier: ^1.0.0
        version: 1.0.0(@types/node@20.10.0)
      string-width-cjs:
        specifier: npm:string-width@^4.2.0
        version: string-width@4.2.3
  packages/lib:
    dependencies:
      lodash:
        specifier: ^4.17.21
        version: 4.17.21
      ws:
        specifier: link:../ws
        version: link:../ws
    devDependencies:
      '@types/lodash':
        specifier: ^4.14.0
        version: 4.14.0
packages:
  express@4.18.2:
    resolution: {integrity: sha512-x}
snapshots:
  express@4.18.2:
    dependencies:
      accepts: 1.3.8
  accepts@1.3.8: {}
  lodash@4.17.21: {}
  typescript@5.3.3: {}
  vitest@1.0.0(@types/node@20.10.0):
    dependencies:
      '@types/node': 20.10.0
      '@vitest/runner': 1.0.0
      accepts: 1.3.8
    optionalDependencies:
      fsevents: 2.3.3
  '@types/node@20.10.0': {}
  '@vitest/runner@1.0.0':
    dependencies:
      lodash: 4.17.21
  fsevents@2.3.3: {}
  string-width@4.2.3: {}
  '@types/lodash@4.14.0': {}
`
    expect([...(pnpmLockDev(lockYaml) ?? [])].sort()).toEqual([
      '@types/lodash@4.14.0',
      '@types/node@20.10.0',
      '@vitest/runner@1.0.0',
      'fsevents@2.3.3',
      'string-width@4.2.3',
      'typescript@5.3.3',
      'vitest@1.0.0'
    ])
    const files: FileSpec[] = [
      { path: 'w/pnpm-lock.yaml', text: lockYaml },
      { path: 'w/node_modules/.pnpm/express@4.18.2/node_modules/express/index.js', size: 300 * kB },
      { path: 'w/node_modules/.pnpm/accepts@1.3.8/node_modules/accepts/index.js', size: 20 * kB },
      {
        path: 'w/node_modules/.pnpm/typescript@5.3.3/node_modules/typescript/lib/tsc.js',
        size: 900 * kB
      },
      {
        path: 'w/node_modules/.pnpm/vitest@1.0.0_@types+node@20.10.0/node_modules/vitest/index.js',
        size: 200 * kB
      }
    ]
    const b = build([BASE, { by: 'RUN pnpm install --frozen-lockfile', files }], { base: 1 })
    const h = only(hintsOf(b), 'dev-dependencies')
    expect(h.bytes).toBe(1100 * kB)
    expect(h.fix).toContain('pnpm install --prod')
  })

  it("agrees with pnpm 9's own --prod install on a real lockfile", () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/pnpm-v9')
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8')
    // `.pnpm` directory → name@version (peer suffixes dropped, as pnpmLockDev's ids)
    const idsOf = (f: string): Set<string> =>
      new Set(
        read(f)
          .split('\n')
          .filter(Boolean)
          .map(d => d.replace(/_.*$/, ''))
      )
    const installed = idsOf('pnpm-install.txt')
    const prod = idsOf('pnpm-install-prod.txt')
    const ours = pnpmLockDev(read('pnpm-lock.yaml')) ?? new Set<string>()
    // every package the --prod install leaves out is dev-only, except a dev-only peer variant
    // of a package production also has (debug with mocha's supports-color): not counted
    const truth = [...installed].filter(id => !prod.has(id)).sort()
    expect(truth).toHaveLength(69)
    expect([...ours].filter(id => installed.has(id)).sort()).toEqual(truth)
    // and what pnpm did not install on Linux at all (chokidar's optional fsevents)
    expect([...ours].filter(id => !installed.has(id))).toEqual(['fsevents@2.3.3'])
  })

  it('parses lockfiles and package paths', () => {
    expect(npmLockDev('{"lockfileVersion":1,"dependencies":{}}')).toBeUndefined()
    expect(npmLockDev('not json')).toBeUndefined()
    expect([...(npmLockDev(JSON.stringify(lock)) ?? [])].sort()).toEqual([
      'node_modules/@types/node',
      'node_modules/jest',
      'node_modules/jest/node_modules/chalk'
    ])
    expect([...(pnpmLockDev('packages:\n  /a/1.0.0:\n    dev: true\n') ?? [])]).toEqual(['a@1.0.0'])
    expect(packageKey('node_modules/@s/a/node_modules/b/lib/x.js')).toBe(
      'node_modules/@s/a/node_modules/b'
    )
    expect(packageKey('node_modules/.bin/x')).toBeUndefined()
    expect(packageKey('node_modules/a/package.json')).toBe('node_modules/a')
  })
})

describe('test-output', () => {
  it("counts coverage, __tests__, the app test folder and source maps, not packages' own", () => {
    const files: FileSpec[] = [
      { path: 'app/coverage/lcov.info', size: 300 * kB },
      { path: 'app/.nyc_output/x.json', size: 100 * kB },
      { path: 'app/src/__tests__/a.test.js', size: 50 * kB },
      { path: 'app/test/b.js', size: 60 * kB },
      { path: 'app/dist/main.js', size: 500 * kB },
      { path: 'app/dist/main.js.map', size: 900 * kB },
      { path: 'app/node_modules/x/test/y.js', size: 700 * kB },
      { path: 'app/node_modules/x/index.js.map', size: 700 * kB },
      { path: 'usr/lib/python3/dist-packages/z/tests/t.py', size: 700 * kB }
    ]
    const b = build([BASE, { by: 'COPY . .', files }], { base: 1, config: { WorkingDir: '/app' } })
    const h = only(hintsOf(b), 'test-output')
    expect(h.bytes).toBe((300 + 100 + 50 + 60 + 900) * kB)
    expect(h.fix).toContain('.dockerignore')
    expect(h.fix).toContain('`**/coverage`')
  })

  it('never says .dockerignore for a folder the COPY names; says rm in a RUN', () => {
    const files: FileSpec[] = [{ path: 'app/coverage/lcov.info', size: 300 * kB }]
    const named = build([BASE, { by: 'COPY coverage /app/coverage', files }], { base: 1 })
    const h = only(hintsOf(named), 'test-output')
    expect(h.fix).not.toContain('.dockerignore')
    expect(h.fix).toContain('drop them from that COPY')
    const run = build([BASE, { by: 'RUN npm test', files }], { base: 1 })
    expect(only(hintsOf(run), 'test-output').fix).toContain('rm -rf /app/coverage')
  })

  it('groups paths', () => {
    expect(testOutputGroup('a/tests/x.py', 'a')).toBe('a/tests')
    expect(testOutputGroup('a/lib/tests/x.py', 'a')).toBeUndefined()
    expect(testOutputGroup('a/x.js.map', '')).toBe('a/*.map')
    expect(testOutputGroup('usr/share/x/coverage/a', '')).toBeUndefined()
    expect(copySources('COPY --chown=1:1 a b/ /dst/')).toEqual(['a', 'b/'])
    expect(copySources('COPY ["a b", "/d"]')).toEqual(['a b'])
  })
})

function elf(over: Partial<ElfInfo>): ElfInfo {
  return {
    type: 'exec',
    machine: 62,
    interp: true,
    needed: 2,
    go: false,
    sectionsRead: true,
    namesRead: true,
    strippable: [],
    ...over
  }
}

describe('unstripped-binaries', () => {
  const sections = [
    { name: '.symtab', bytes: 200 * kB },
    { name: '.strtab', bytes: 150 * kB },
    { name: '.debug_info', bytes: 1000 * kB }
  ]
  it('sums the strippable sections of own-layer ELF files only', () => {
    const b = build(
      [
        {
          by: 'ADD rootfs.tar /',
          files: [{ path: 'usr/bin/base', size: 3_000_000, elf: elf({ strippable: sections }) }]
        },
        {
          by: 'COPY --from=build /out/app /usr/local/bin/app',
          files: [
            { path: 'usr/local/bin/app', size: 4_000_000, elf: elf({ strippable: sections }) }
          ]
        }
      ],
      { base: 1 }
    )
    const h = only(hintsOf(b), 'unstripped-binaries')
    expect(h.bytes).toBe(1350 * kB)
    expect(h.paths).toEqual([{ path: '/usr/local/bin/app', bytes: 1350 * kB, files: 1 }])
    expect(h.fix).toContain('strip --strip-unneeded /usr/local/bin/app')
    expect(h.fix).toContain('in the build stage')
  })
  it('says -ldflags="-s -w" for Go', () => {
    const b = build(
      [
        BASE,
        {
          by: 'RUN go build -o /app .',
          files: [{ path: 'app', size: 6_000_000, elf: elf({ go: true, strippable: sections }) }]
        }
      ],
      { base: 1 }
    )
    expect(only(hintsOf(b), 'unstripped-binaries').fix).toContain('-ldflags="-s -w"')
  })
  it('nothing for stripped binaries', () => {
    const b = build(
      [BASE, { by: 'COPY app /app', files: [{ path: 'app', size: 6_000_000, elf: elf({}) }] }],
      { base: 1 }
    )
    expect(ids(hintsOf(b))).not.toContain('unstripped-binaries')
  })
})

describe('distro-base-for-static', () => {
  const base = {
    by: 'ADD rootfs.tar /',
    files: [
      {
        path: 'var/lib/dpkg/status',
        text: 'Package: base-files\nStatus: install ok installed\n\n'
      },
      { path: 'usr/lib/x/big', size: 5_000_000 },
      { path: 'etc/ssl/certs/ca-certificates.crt', size: 200 * kB },
      { path: 'usr/share/zoneinfo/UTC', size: 100 }
    ]
  }
  const baseBytes = base.files.reduce(
    (n, f) => n + (f.text ? Buffer.byteLength(f.text) : (f.size ?? 0)),
    0
  )
  const app = (e: ElfInfo) => ({
    by: 'COPY app /usr/local/bin/app',
    files: [{ path: 'usr/local/bin/app', size: 2_000_000, elf: e }]
  })

  it('flags a static entrypoint on a distro base; bytes = base minus certs and zoneinfo', () => {
    const b = build([base, app(elf({ interp: false, needed: 0 }))], {
      base: 1,
      env: ['PATH=/usr/local/bin:/bin'],
      config: { Entrypoint: ['app'] }
    })
    const h = only(hintsOf(b), 'distro-base-for-static')
    expect(h.bytes).toBe(baseBytes - 200 * kB - 100)
    expect(h.fix).toContain('FROM scratch')
    expect(h.fix).toContain('/etc/ssl/certs/ca-certificates.crt')
  })
  it('not for a dynamic entrypoint, nor when own layers install packages, nor on scratch', () => {
    const dyn = build([base, app(elf({}))], {
      base: 1,
      config: { Entrypoint: ['/usr/local/bin/app'] }
    })
    expect(ids(hintsOf(dyn))).not.toContain('distro-base-for-static')
    const installs = build(
      [
        base,
        { by: 'RUN apt-get install -y curl', files: [{ path: 'var/lib/dpkg/status', text: 'x' }] },
        app(elf({ interp: false, needed: 0 }))
      ],
      { base: 1, config: { Entrypoint: ['/usr/local/bin/app'] } }
    )
    expect(ids(hintsOf(installs))).not.toContain('distro-base-for-static')
    const scratch = build([app(elf({ interp: false, needed: 0 }))], {
      base: 0,
      config: { Entrypoint: ['/usr/local/bin/app'] }
    })
    expect(ids(hintsOf(scratch))).not.toContain('distro-base-for-static')
  })
})

describe('dev-dependencies: Python (poetry.lock)', () => {
  const SITE = 'usr/local/lib/python3.11/site-packages'
  function dist(name: string, version: string, files: [string, number][]): FileSpec[] {
    const info = `${SITE}/${name}-${version}.dist-info`
    const record = [
      ...files.map(([f, n]) => `${f},sha256=x,${n}`),
      `${name}-${version}.dist-info/RECORD,,`
    ]
    return [
      ...files.map(([f, n]) => ({ path: `${SITE}/${f}`, size: n })),
      { path: `${info}/RECORD`, text: `${record.join('\n')}\n` }
    ]
  }
  const lock14 = [
    '[[package]]',
    'name = "requests"',
    'version = "2.31.0"',
    'category = "main"',
    '',
    '[[package]]',
    'name = "pytest"',
    'version = "8.0.0"',
    'category = "dev"',
    '',
    '[package.dependencies]',
    'pluggy = ">=1.3"',
    '',
    '[[package]]',
    'name = "Typing_Extensions"',
    'version = "4.9.0"',
    'groups = ["dev", "test"]',
    ''
  ].join('\n')

  it('reads category = "dev" and groups without "main"', () => {
    expect([...poetryLockDev(lock14)].sort()).toEqual(['pytest', 'typing-extensions'])
  })

  it('counts the files RECORD lists for dev-only distributions', () => {
    const files: FileSpec[] = [
      { path: 'app/poetry.lock', text: lock14 },
      ...dist('requests', '2.31.0', [['requests/__init__.py', 300 * kB]]),
      ...dist('pytest', '8.0.0', [
        ['pytest/__init__.py', 200 * kB],
        ['_pytest/main.py', 250 * kB]
      ]),
      ...dist('typing_extensions', '4.9.0', [['typing_extensions.py', 120 * kB]])
    ]
    const b = build([BASE, { by: 'RUN poetry install', files }], { base: 1 })
    const h = only(hintsOf(b), 'dev-dependencies')
    const recordBytes = files
      .filter(f => /(pytest|typing_extensions)-[^/]+\.dist-info\/RECORD$/.test(f.path))
      .reduce((n, f) => n + Buffer.byteLength(f.text as string), 0)
    expect(h.bytes).toBe((200 + 250 + 120) * kB + recordBytes)
    expect(h.paths.map(p => p.path).sort()).toEqual([
      `/${SITE}/pytest`,
      `/${SITE}/typing_extensions`
    ])
    expect(h.fix).toContain('poetry install --only main')
    expect(h.fix).toContain('`RUN poetry install`')
  })
})
