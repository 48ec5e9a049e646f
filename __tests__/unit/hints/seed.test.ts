// The seed story (1.03 GB → 196 MB): the vanilla image carries apt lists, gcc and a pip
// cache; `--no-cache-dir` drops the cache; the multistage image drops all three. Plus an npm
// image, a file added then deleted, and the clean images that must get no hint at all.

import { describe, expect, it } from '@jest/globals'
import { detectHints } from '../../../src/analysis/hints/index.js'
import {
  APT_INSTALL,
  APT_LISTS,
  BASE,
  BUILD_BYTES,
  PIP_CACHE,
  RUNTIME,
  rootfs,
  vanilla
} from './fixtures.js'
import {
  build,
  dpkgFiles,
  filesUnder,
  ids,
  only,
  total,
  type DpkgPkg,
  type FileSpec,
  type LayerDef
} from './helpers.js'

describe('seed story: the vanilla image', () => {
  it.each([
    ['base known (2 layers)', 2],
    ['base unknown', undefined]
  ])('gets apt-lists, build-tools and pip-cache with their real sizes (%s)', (_name, base) => {
    const { analysis, contents } = build(vanilla('cache'), base === undefined ? {} : { base })
    const hints = detectHints(analysis, { contents })
    expect(ids(hints).sort()).toEqual(['apt-lists', 'build-tools', 'pip-cache'])
    expect(only(hints, 'apt-lists').bytes).toBe(total(APT_LISTS))
    expect(only(hints, 'pip-cache').bytes).toBe(total(PIP_CACHE))
    expect(only(hints, 'build-tools').bytes).toBe(BUILD_BYTES)
  })

  it('names the layer, the instruction and a fix written for it', () => {
    const { analysis, contents } = build(vanilla('cache'), { base: 2 })
    const hints = detectHints(analysis, { contents })
    const lists = only(hints, 'apt-lists')
    expect(lists).toMatchObject({
      layer: 2,
      layers: [2],
      instruction: APT_INSTALL,
      severity: 'info'
    })
    expect(lists.paths).toEqual([{ path: '/var/lib/apt/lists', bytes: total(APT_LISTS), files: 4 }])
    expect(lists.fix).toContain(`\`${APT_INSTALL}\``)
    expect(lists.fix).toContain('`&& rm -rf /var/lib/apt/lists/*`')

    const pip = only(hints, 'pip-cache')
    expect(pip).toMatchObject({
      layer: 5,
      instruction: 'RUN pip install -r requirements.txt',
      severity: 'warning'
    })
    expect(pip.fix).toContain(
      'add `--no-cache-dir` to `pip install` in `RUN pip install -r requirements.txt`'
    )
    expect(pip.fix).toContain('--mount=type=cache,target=/root/.cache/pip')
    expect(pip.paths.map(p => p.path)).toEqual(['/root/.cache/pip'])
  })

  it('lists the build packages with the bytes of their live files, never the runtime libraries', () => {
    const { analysis, contents } = build(vanilla('cache'), { base: 2 })
    const tools = only(detectHints(analysis, { contents }), 'build-tools')
    const names = (tools.packages ?? []).map(p => p.path)
    expect(names).toEqual([
      'g++-12',
      'cpp-12',
      'gcc-12',
      'libisl23',
      'libc6-dev',
      'linux-libc-dev',
      'make',
      'libmpc3',
      'build-essential'
    ])
    // the sizes of the five files the fixture writes for gcc-12 (its Installed-Size is 68,000 KiB)
    const gcc = tools.packages?.find(p => p.path === 'gcc-12')
    expect(gcc).toEqual({
      path: 'gcc-12',
      bytes: 1_010_000 + 31_500_000 + 420_000 + 80_000 + 21_000,
      files: 5
    })
    for (const runtime of [
      'libgcc-s1',
      'libstdc++6',
      'gcc-12-base',
      'libgomp1',
      'libatomic1',
      'libc6'
    ]) {
      expect(names).not.toContain(runtime)
    }
    expect(tools).toMatchObject({ layer: 2, instruction: APT_INSTALL, severity: 'error' })
    expect(tools.fix).toContain(
      'come from `RUN apt-get update && apt-get install -y build-essential`'
    )
    expect(tools.fix).toContain('`COPY --from=build` only /usr/local/lib/python3.11/site-packages')
    expect(tools.fix).toContain('`apt-get purge -y --auto-remove build-essential`')
    expect(tools.paths[0]).toEqual({
      path: '/usr/lib/gcc/x86_64-linux-gnu/12',
      bytes: 101_600_000,
      files: 5
    })
  })

  it('counts a compiler docs file once: build-tools claims it, docs does not see it', () => {
    const { analysis, contents } = build(vanilla('cache'), { base: 2 })
    const hints = detectHints(analysis, { contents })
    expect(ids(hints)).not.toContain('docs')
  })
})

describe('seed story: the variants', () => {
  it('loses pip-cache with --no-cache-dir', () => {
    const { analysis, contents } = build(vanilla('no-cache'), { base: 2 })
    expect(ids(detectHints(analysis, { contents })).sort()).toEqual(['apt-lists', 'build-tools'])
  })

  it('gets none of the three from the multistage image', () => {
    const multistage: LayerDef[] = [
      ...BASE,
      {
        by: 'COPY /opt/venv /opt/venv',
        files: [
          { path: 'opt/venv/pyvenv.cfg', size: 91 },
          { path: 'opt/venv/bin/python', kind: 'symlink', linkname: '/usr/local/bin/python3.11' },
          ...filesUnder('opt/venv/lib/python3.11/site-packages/numpy/core', 10, 3_400_000, 'so')
        ]
      },
      { by: 'COPY . /app', files: [{ path: 'app/app.py', size: 3_100 }] },
      { by: 'USER app', files: [] }
    ]
    for (const base of [2, undefined]) {
      const { analysis, contents } = build(multistage, base === undefined ? {} : { base })
      expect(detectHints(analysis, { contents })).toEqual([])
    }
  })
})

describe('an npm image', () => {
  it('gets npm-cache with the size of ~/.npm/_cacache and _logs', () => {
    const cache: FileSpec[] = [
      ...filesUnder('root/.npm/_cacache/content-v2/sha512/1f/2e', 40, 620_000, 'tgz'),
      ...filesUnder('root/.npm/_cacache/index-v5/aa/bb', 40, 900, 'json'),
      { path: 'root/.npm/_logs/2026-01-01T00_00_00_000Z-debug-0.log', size: 5_400 }
    ]
    const layers: LayerDef[] = [
      {
        by: 'ADD file:0f1e2d in /',
        files: [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 1_922_000 }]
      },
      {
        by: 'RUN set -ex; curl -fsSLO node.tar.xz; tar -xJf node.tar.xz -C /usr/local',
        files: [{ path: 'usr/local/bin/node', size: 96_000_000 }]
      },
      { by: 'WORKDIR /app', files: [{ path: 'app', kind: 'dir' }] },
      {
        by: 'COPY package.json package-lock.json ./',
        files: [
          { path: 'app/package.json', size: 900 },
          { path: 'app/package-lock.json', size: 120_000 }
        ]
      },
      {
        by: 'RUN npm ci',
        files: [...filesUnder('app/node_modules/express/lib', 50, 600_000, 'js'), ...cache]
      },
      { by: 'COPY . .', files: [{ path: 'app/server.js', size: 4_000 }] }
    ]
    const { analysis } = build(layers, { base: 2 })
    const hints = detectHints(analysis)
    expect(ids(hints)).toEqual(['npm-cache'])
    const npm = only(hints, 'npm-cache')
    expect(npm.bytes).toBe(total(cache))
    expect(npm).toMatchObject({ layer: 4, instruction: 'RUN npm ci' })
    expect(npm.fix).toContain('end `RUN npm ci` with `&& npm cache clean --force`')
    expect(npm.fix).toContain('--mount=type=cache,target=/root/.npm')
  })
})

describe('a file added in one RUN and deleted in the next', () => {
  it('gets deleted-later with at least that file size, naming both instructions', () => {
    const big = 100 * 1024 * 1024
    const layers: LayerDef[] = [
      { by: 'ADD file:0a1b in /', files: [{ path: 'bin/busybox', size: 1_000_000 }] },
      { by: 'RUN dd if=/dev/zero of=/big bs=1M count=100', files: [{ path: 'big', size: big }] },
      { by: 'RUN rm /big', files: [{ path: 'big', kind: 'whiteout' }] }
    ]
    const { analysis } = build(layers, { base: 1 })
    const hints = detectHints(analysis)
    expect(ids(hints)).toEqual(['deleted-later'])
    const h = only(hints, 'deleted-later')
    expect(h.bytes).toBeGreaterThanOrEqual(big)
    expect(h).toMatchObject({
      layer: 2,
      layers: [1, 2],
      instruction: 'RUN rm /big',
      severity: 'error'
    })
    expect(h.paths).toEqual([{ path: '/big', bytes: big, files: 1 }])
    expect(h.fix).toBe(
      '`RUN dd if=/dev/zero of=/big bs=1M count=100` added 105 MB that `RUN rm /big` deletes (/big): ' +
        'delete in the same RUN that creates the files, or create them in another stage ' +
        '(or a `--mount=type=cache`/`tmpfs` mount) and copy only the result'
    )
  })
})

describe('clean minimal images get no hint', () => {
  it('a FROM scratch static binary', () => {
    const { analysis } = build([{ by: 'COPY app /app', files: [{ path: 'app', size: 8_400_000 }] }])
    expect(detectHints(analysis)).toEqual([])
  })

  it.each([
    ['base known', 1],
    ['base unknown', undefined]
  ])('a slim Debian runtime that cleans its apt lists (%s)', (_name, base) => {
    const certs: DpkgPkg = {
      name: 'ca-certificates',
      kib: 380,
      section: 'misc',
      files: [
        { path: 'usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt', size: 1_900 },
        { path: 'usr/share/doc/ca-certificates/copyright', size: 9_000 }
      ]
    }
    const layers: LayerDef[] = [
      { by: 'ADD file:9a8b7c in /', files: rootfs() },
      {
        by: 'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*',
        files: [
          ...dpkgFiles([...RUNTIME, certs], [certs]),
          { path: 'etc/ssl/certs/ca-certificates.crt', size: 213_000 },
          { path: 'etc/ld.so.cache', size: 18_000, content: 'ld-2' },
          { path: 'var/cache/debconf/templates.dat', size: 490_000, content: 'templates-2' },
          { path: 'var/log/dpkg.log', size: 160_000, content: 'dpkg-log-2' },
          { path: 'var/log/apt/eipp.log.xz', size: 21_000 },
          { path: 'var/log/apt/history.log', size: 1_300 }
        ]
      },
      { by: 'COPY --chown=app:app app /app', files: [{ path: 'app/server', size: 14_000_000 }] },
      { by: 'USER app', files: [] }
    ]
    const { analysis, contents } = build(layers, base === undefined ? {} : { base })
    expect(detectHints(analysis, { contents })).toEqual([])
  })
})
