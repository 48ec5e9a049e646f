// Every catalog id fires on a realistic layout with exact bytes, and the boundaries of each
// detector hold (what must NOT count). The last test checks that this file made every id fire.

import { describe, expect, it } from '@jest/globals'
import { detectHints, HINT_IDS, type HintOptions } from '../../../src/analysis/hints/index.js'
import type { Hint } from '../../../src/analysis/report.js'
import {
  apkInstalled,
  build,
  dpkgStatus,
  filesUnder,
  ids,
  only,
  total,
  type FileSpec,
  type LayerDef
} from './helpers.js'

const fired = new Set<string>()

/** A small base layer, then `layers` made by the Dockerfile. */
function run(
  layers: LayerDef[],
  opts: {
    env?: string[]
    hints?: HintOptions
    base?: number
    config?: NonNullable<Parameters<typeof build>[1]>['config']
  } = {}
): Hint[] {
  const all: LayerDef[] = [
    {
      by: 'ADD file:5d0e1c2b in /',
      files: [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 1_922_000 }]
    },
    ...layers
  ]
  const { analysis, contents } = build(all, {
    base: opts.base ?? 1,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.config ? { config: opts.config } : {})
  })
  const hints = detectHints(analysis, { contents, ...opts.hints })
  for (const h of hints) fired.add(h.id)
  return hints
}

function oneLayer(by: string, files: FileSpec[], opts: Parameters<typeof run>[1] = {}): Hint[] {
  return run([{ by, files }], opts)
}

interface CacheCase {
  id: string
  by: string
  files: FileSpec[]
  /** Files in the same layer that must not count. */
  noise?: FileSpec[]
  group: string
  env?: string[]
}

const CASES: CacheCase[] = [
  {
    id: 'apt-lists',
    by: 'RUN apt-get update && apt-get install -y curl',
    files: [
      {
        path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4',
        size: 8_792_114
      },
      { path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', size: 151_005 }
    ],
    group: '/var/lib/apt/lists'
  },
  {
    id: 'apt-archives',
    by: 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
    files: [
      { path: 'var/cache/apt/archives/curl_7.88.1-10_amd64.deb', size: 315_000 },
      { path: 'var/cache/apt/archives/libcurl4_7.88.1-10_amd64.deb', size: 390_000 },
      { path: 'var/cache/apt/pkgcache.bin', size: 29_000_000 },
      { path: 'var/cache/apt/srcpkgcache.bin', size: 28_900_000 }
    ],
    noise: [{ path: 'var/cache/apt/archives/lock', size: 0 }],
    group: '/var/cache/apt/pkgcache.bin'
  },
  {
    id: 'apk-cache',
    by: 'RUN apk update && apk add curl',
    files: [
      { path: 'var/cache/apk/APKINDEX.00740ba1.tar.gz', size: 2_400_000 },
      { path: 'var/cache/apk/APKINDEX.6f3f0cf5.tar.gz', size: 900_000 }
    ],
    group: '/var/cache/apk'
  },
  {
    id: 'dnf-cache',
    by: 'RUN dnf install -y gcc',
    files: [
      { path: 'var/cache/dnf/fedora-b5bf5f/repodata/primary.xml.zst', size: 18_000_000 },
      { path: 'var/cache/dnf/updates-7f1c/repodata/primary.xml.zst', size: 9_000_000 }
    ],
    group: '/var/cache/dnf'
  },
  {
    id: 'zypper-cache',
    by: 'RUN zypper -n install curl',
    files: [{ path: 'var/cache/zypp/raw/repo-oss/repodata/primary.xml.gz', size: 5_000_000 }],
    group: '/var/cache/zypp'
  },
  {
    id: 'pip-cache',
    by: 'RUN pip3 install --user -r requirements.txt',
    files: filesUnder('home/app/.cache/pip/http-v2/3/4/5', 4, 2_500_000),
    noise: filesUnder('home/app/.local/lib/python3.12/site-packages/requests', 3, 200_000, 'py'),
    group: '/home/app/.cache/pip'
  },
  {
    id: 'pip-cache',
    by: 'RUN pip install -r requirements.txt',
    files: filesUnder('cache/pip/wheels/ab/cd', 2, 3_000_000, 'whl'),
    group: '/cache/pip',
    env: ['XDG_CACHE_HOME=/cache']
  },
  {
    id: 'pipenv-cache',
    by: 'RUN pipenv install --system --deploy',
    files: filesUnder('root/.cache/pipenv/http', 3, 1_000_000),
    group: '/root/.cache/pipenv'
  },
  {
    id: 'poetry-cache',
    by: 'RUN poetry install --only main',
    files: [
      ...filesUnder('root/.cache/pypoetry/cache/repositories/PyPI/_http', 3, 400_000),
      ...filesUnder('root/.cache/pypoetry/artifacts/12/34', 2, 3_000_000, 'whl')
    ],
    // Poetry's default virtualenv lives beside the cache: it is the application.
    noise: filesUnder(
      'root/.cache/pypoetry/virtualenvs/app-x-py3.12/lib/python3.12/site-packages/django',
      4,
      2_000_000,
      'py'
    ),
    group: '/root/.cache/pypoetry/artifacts'
  },
  {
    id: 'uv-cache',
    by: 'RUN uv sync --frozen',
    files: filesUnder('root/.cache/uv/wheels-v1/pypi/numpy', 2, 8_000_000, 'whl'),
    group: '/root/.cache/uv'
  },
  {
    id: 'conda-pkgs',
    by: 'RUN conda install -y numpy',
    files: [
      { path: 'opt/conda/pkgs/numpy-1.26.4-py312h2809609_0.conda', size: 7_900_000 },
      { path: 'opt/conda/pkgs/libopenblas-0.3.27-pthreads_h413a1c8_0.conda', size: 5_600_000 }
    ],
    group: '/opt/conda/pkgs'
  },
  {
    id: 'npm-cache',
    by: 'RUN npm install -g pm2',
    files: filesUnder('home/node/.npm/_cacache/content-v2/sha512/ab/cd', 5, 300_000, 'tgz'),
    group: '/home/node/.npm/_cacache'
  },
  {
    id: 'yarn-cache',
    by: 'RUN yarn install --frozen-lockfile',
    // yarn v1 as root caches under /usr/local/share (yarnpkg/yarn#4628)
    files: filesUnder(
      'usr/local/share/.cache/yarn/v6/npm-lodash-4.17.21-abc/node_modules/lodash',
      4,
      1_400_000,
      'js'
    ),
    group: '/usr/local/share/.cache/yarn'
  },
  {
    id: 'yarn-cache',
    by: 'RUN yarn install --immutable',
    // Berry with the node-modules linker: the project cache is not needed at run time.
    files: filesUnder('app/.yarn/cache', 6, 700_000, 'zip'),
    noise: [
      { path: 'app/.yarnrc.yml', size: 30 },
      ...filesUnder('app/node_modules/react', 2, 90_000, 'js')
    ],
    group: '/app/.yarn/cache'
  },
  {
    id: 'pnpm-store',
    by: 'RUN pnpm fetch --prod',
    files: filesUnder('root/.local/share/pnpm/store/v3/files/00', 8, 500_000),
    group: '/root/.local/share/pnpm/store'
  },
  {
    id: 'go-build-cache',
    by: 'RUN go build -o /out/app ./cmd/app',
    files: filesUnder('root/.cache/go-build/a1', 10, 1_100_000, 'a'),
    group: '/root/.cache/go-build'
  },
  {
    id: 'go-mod-cache',
    by: 'RUN go mod download',
    files: [
      ...filesUnder('go/pkg/mod/github.com/aws/aws-sdk-go@v1.50.0/service/s3', 5, 1_500_000, 'go'),
      {
        path: 'go/pkg/mod/cache/download/github.com/aws/aws-sdk-go/@v/v1.50.0.zip',
        size: 12_000_000
      }
    ],
    group: '/go/pkg/mod'
  },
  {
    id: 'go-mod-cache',
    by: 'RUN go mod download',
    files: filesUnder('gomod/github.com/x/y@v1.0.0', 2, 1_000_000, 'go'),
    group: '/gomod',
    env: ['GOMODCACHE=/gomod']
  },
  {
    id: 'maven-repo',
    by: 'RUN mvn -B package',
    files: filesUnder(
      'root/.m2/repository/org/springframework/spring-core/6.1.4',
      3,
      1_900_000,
      'jar'
    ),
    group: '/root/.m2/repository'
  },
  {
    id: 'gradle-cache',
    by: 'RUN gradle build',
    files: [
      ...filesUnder(
        'home/gradle/.gradle/caches/modules-2/files-2.1/com.google.guava',
        3,
        2_900_000,
        'jar'
      ),
      {
        path: 'home/gradle/.gradle/wrapper/dists/gradle-8.6-bin/abc/gradle-8.6-bin.zip',
        size: 130_000_000
      }
    ],
    group: '/home/gradle/.gradle/wrapper/dists'
  },
  {
    id: 'cargo-registry',
    by: 'RUN cargo build --release',
    files: [
      ...filesUnder(
        'usr/local/cargo/registry/cache/index.crates.io-6f17d22bba15001f',
        5,
        400_000,
        'crate'
      ),
      ...filesUnder(
        'usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.36.0/src',
        5,
        200_000,
        'rs'
      )
    ],
    group: '/usr/local/cargo/registry',
    env: ['CARGO_HOME=/usr/local/cargo', 'RUSTUP_HOME=/usr/local/rustup']
  },
  {
    id: 'cargo-registry',
    by: 'RUN cargo install ripgrep',
    files: filesUnder('root/.cargo/git/checkouts/dep-abc/1a2b', 3, 500_000, 'rs'),
    group: '/root/.cargo/git'
  },
  {
    id: 'ccache',
    by: 'RUN make -j8',
    files: filesUnder('root/.ccache/a/b', 10, 150_000, 'o'),
    group: '/root/.ccache'
  },
  {
    id: 'composer-cache',
    by: 'RUN composer install --no-dev',
    // The composer image sets COMPOSER_HOME=/tmp: its cache is a cache, not a temp file.
    files: filesUnder('tmp/cache/files/laravel/framework', 3, 1_300_000, 'zip'),
    group: '/tmp/cache',
    env: ['COMPOSER_HOME=/tmp']
  },
  {
    id: 'gem-cache',
    by: 'RUN bundle install',
    files: [
      { path: 'usr/local/bundle/cache/rails-7.1.3.gem', size: 6_600 },
      { path: 'usr/local/bundle/cache/nokogiri-1.16.2-x86_64-linux.gem', size: 4_300_000 }
    ],
    noise: filesUnder('usr/local/bundle/gems/nokogiri-1.16.2-x86_64-linux/lib', 3, 900_000, 'rb'),
    group: '/usr/local/bundle/cache'
  },
  {
    id: 'nuget-cache',
    by: 'RUN dotnet restore',
    files: filesUnder('root/.nuget/packages/newtonsoft.json/13.0.3', 2, 1_400_000, 'nupkg'),
    group: '/root/.nuget/packages'
  },
  {
    id: 'docs',
    by: 'RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*',
    files: [
      ...filesUnder('usr/share/doc/python3.11', 3, 400_000, 'gz'),
      ...filesUnder('usr/share/man/man1', 5, 30_000, 'gz'),
      { path: 'usr/share/info/python.info.gz', size: 150_000 }
    ],
    noise: [
      { path: 'usr/share/doc/python3.11/copyright', size: 60_000 },
      { path: 'usr/share/doc/libpython3.11/copyright', size: 60_000 }
    ],
    group: '/usr/share/doc'
  },
  {
    id: 'vcs',
    by: 'COPY . /app',
    files: [
      { path: 'app/.git/objects/pack/pack-7f3c.pack', size: 24_000_000 },
      { path: 'app/.git/objects/pack/pack-7f3c.idx', size: 400_000 },
      { path: 'app/.git/index', size: 120_000 }
    ],
    noise: [
      { path: 'app/.gitignore', size: 300 },
      { path: 'app/main.py', size: 5_000 }
    ],
    group: '/app/.git'
  },
  {
    id: 'tmp-files',
    by: 'RUN ./configure && make && make install',
    files: [
      ...filesUnder('tmp/build/src', 10, 300_000, 'o'),
      { path: 'var/tmp/ccAbc.s', size: 200_000 }
    ],
    group: '/tmp/build'
  },
  {
    id: 'logs',
    by: 'RUN /opt/app/bin/migrate',
    files: [{ path: 'var/log/app/migrate.log', size: 4_500_000 }],
    group: '/var/log/app'
  },
  {
    id: 'source-archives',
    by: 'RUN curl -fsSLO https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz && tar -xJf node-v20.11.1-linux-x64.tar.xz -C /opt',
    files: [{ path: 'opt/node-v20.11.1-linux-x64.tar.xz', size: 24_500_000 }],
    noise: [{ path: 'opt/node-v20.11.1-linux-x64/bin/node', size: 96_000_000 }],
    group: '/opt/node-v20.11.1-linux-x64.tar.xz'
  },
  {
    id: 'source-archives',
    by: 'RUN curl -fsSLO https://example.com/chrome.deb && apt-get install -y ./chrome.deb',
    files: [{ path: 'opt/google-chrome-stable_current_amd64.deb', size: 105_000_000 }],
    group: '/opt/google-chrome-stable_current_amd64.deb'
  }
]

describe('each path id fires with the exact bytes of its live files', () => {
  it.each(CASES.map(c => [c.id, c.group, c] as const))('%s (%s)', (id, group, c) => {
    const hints = oneLayer(c.by, [...c.files, ...(c.noise ?? [])], c.env ? { env: c.env } : {})
    expect(ids(hints)).toEqual([id])
    const h = only(hints, id)
    expect(h.bytes).toBe(total(c.files))
    expect(h.paths[0].path).toBe(group)
    expect(h).toMatchObject({ layer: 1, layers: [1], instruction: c.by })
    // The fix is written for this instruction (RUNs are quoted; COPY gets .dockerignore advice).
    expect(h.fix).toContain(c.by.length <= 72 ? `\`${c.by}\`` : c.by.slice(0, 60))
  })
})

describe('boundaries', () => {
  it('does not flag a BuildKit cache mount: only the empty mount point is in the layer', () => {
    const hints = oneLayer(
      'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt',
      [
        { path: 'root/.cache', kind: 'dir' },
        { path: 'root/.cache/pip', kind: 'dir' },
        ...filesUnder('usr/local/lib/python3.12/site-packages/flask', 5, 300_000, 'py')
      ]
    )
    expect(hints).toEqual([])
  })

  it('skips caches in base-image layers, and counts them when the base is unknown', () => {
    const layers: LayerDef[] = [
      { by: 'RUN pip install awscli', files: filesUnder('root/.cache/pip/http', 2, 2_000_000) }
    ]
    expect(run(layers, { base: 2 })).toEqual([])
    expect(ids(run(layers, { base: 0 }))).toEqual(['pip-cache'])
  })

  it('stays quiet below the per-id minimum', () => {
    expect(
      oneLayer('RUN pip install -U pip', [{ path: 'root/.cache/pip/selfcheck/x.json', size: 190 }])
    ).toEqual([])
    expect(
      oneLayer('RUN apt-get install -y curl', [{ path: 'var/log/dpkg.log', size: 200_000 }])
    ).toEqual([])
    expect(oneLayer('RUN echo hi > /tmp/x', [{ path: 'tmp/x', size: 3 }])).toEqual([])
  })

  it('keeps a Yarn Berry cache that Plug’n’Play loads from', () => {
    const hints = oneLayer('RUN yarn install --immutable', [
      ...filesUnder('app/.yarn/cache', 6, 700_000, 'zip'),
      { path: 'app/.pnp.cjs', size: 400_000 }
    ])
    expect(hints).toEqual([])
  })

  it('counts a pnpm store only where node_modules does not hard-link into it', () => {
    const store = 'root/.local/share/pnpm/store/v3/files/00/abc'
    const linked = oneLayer('RUN pnpm install --frozen-lockfile', [
      { path: store, size: 5_000_000 },
      {
        path: 'app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js',
        kind: 'hardlink',
        linkname: store
      }
    ])
    expect(linked).toEqual([])
  })

  it('does not take an archive without its unpacked tree, nor a jar or wheel', () => {
    const hints = oneLayer('COPY dist/ /srv/', [
      { path: 'srv/app.tar.gz', size: 5_000_000 },
      { path: 'srv/app.jar', size: 40_000_000 },
      { path: 'srv/wheels/numpy-1.26.4-cp312-cp312-manylinux.whl', size: 18_000_000 }
    ])
    expect(hints).toEqual([])
  })

  it('suggests ADD when a COPYed archive is unpacked next to itself', () => {
    const h = only(
      oneLayer('COPY apache-maven-3.9.6-bin.tar.gz /opt/', [
        { path: 'opt/apache-maven-3.9.6-bin.tar.gz', size: 9_500_000 },
        { path: 'opt/apache-maven-3.9.6/lib/maven-core-3.9.6.jar', size: 700_000 }
      ]),
      'source-archives'
    )
    expect(h.bytes).toBe(9_500_000)
    expect(h.fix).toContain('use `ADD <archive> <dir>/`')
  })

  it('points a huge sparse lastlog at useradd -l', () => {
    const h = only(
      oneLayer('RUN useradd -u 123456789 app', [
        { path: 'var/log/lastlog', size: 292_000_000 },
        { path: 'var/log/faillog', size: 3_200 }
      ]),
      'logs'
    )
    expect(h.fix).toContain('useradd -l')
    expect(h.severity).toBe('warning')
  })
})

describe('locales beyond one', () => {
  const translations = (lang: string, size: number): FileSpec[] => [
    { path: `usr/share/locale/${lang}/LC_MESSAGES/coreutils.mo`, size },
    { path: `usr/share/locale/${lang}/LC_MESSAGES/tar.mo`, size: size / 2 }
  ]

  it('counts every language but the one in LANG', () => {
    const files = [
      ...translations('de', 800_000),
      ...translations('fr', 700_000),
      ...translations('en_GB', 100_000)
    ]
    const h = only(
      oneLayer('RUN apt-get install -y coreutils-l10n', files, { env: ['LANG=en_GB.UTF-8'] }),
      'locales'
    )
    expect(h.bytes).toBe(1_200_000 + 1_050_000)
    expect(h.paths.map(p => p.path)).toEqual(['/usr/share/locale/de', '/usr/share/locale/fr'])
    expect(h.fix).toContain('(en)')
  })

  it('counts every translation in the C locale (no LANG, no compiled locale but C)', () => {
    const files = [
      ...translations('de', 800_000),
      ...translations('fr', 700_000),
      ...translations('zh_CN', 900_000),
      { path: 'usr/lib/locale/C.utf8/LC_CTYPE', size: 346_000 }
    ]
    for (const env of [undefined, ['LANG=C.UTF-8'], ['LC_ALL=POSIX']]) {
      const h = only(
        oneLayer('RUN apt-get install -y coreutils-l10n', files, env ? { env } : {}),
        'locales'
      )
      // C.utf8 is the C locale: kept; no translation is kept, not even the largest (zh)
      expect(h.bytes).toBe(1_200_000 + 1_050_000 + 1_350_000)
      expect(h.paths.map(p => p.path)).toEqual([
        '/usr/share/locale/zh_CN',
        '/usr/share/locale/de',
        '/usr/share/locale/fr'
      ])
      expect(h.fix).toContain('no translation is in use')
      expect(h.fix).toContain('`path-exclude=/usr/share/locale/*`')
      expect(h.fix).not.toContain('(zh)')
    }
  })

  it('without LANG keeps the language of a compiled locale (the largest of them)', () => {
    const files = [
      ...translations('de', 800_000),
      ...translations('fr', 700_000),
      ...translations('es', 1_600_000),
      { path: 'usr/lib/locale/C.utf8/LC_CTYPE', size: 346_000 },
      { path: 'usr/lib/locale/fr_FR.utf8/LC_CTYPE', size: 346_000 },
      { path: 'usr/lib/locale/de_DE.utf8/LC_CTYPE', size: 346_000 }
    ]
    const h = only(oneLayer('RUN apt-get install -y coreutils-l10n', files), 'locales')
    // de (1.2 MB + its compiled 346 kB) is kept; es has no compiled locale: unusable
    expect(h.bytes).toBe(1_050_000 + 346_000 + 2_400_000)
    expect(h.fix).toContain('install only the locale you use (de)')
  })

  it('without LANG but with a locale-archive keeps the largest language (which it holds is unknown)', () => {
    const files = [
      ...translations('de', 800_000),
      ...translations('fr', 700_000),
      ...translations('es', 600_000),
      { path: 'usr/lib/locale/locale-archive', size: 3_000_000 }
    ]
    const h = only(oneLayer('RUN apt-get install -y coreutils-l10n', files), 'locales')
    expect(h.bytes).toBe(1_050_000 + 900_000)
    // the fix names the kept language, not the largest of those that count
    expect(h.fix).toContain('install only the locale you use (de)')
    expect(h.fix).toContain("! -name 'de*'")
  })

  it('counts a locale-archive holding many locales, not one holding a few', () => {
    const big = only(
      oneLayer('RUN dnf install -y glibc-all-langpacks', [
        { path: 'usr/lib/locale/locale-archive', size: 224_000_000 }
      ]),
      'locales'
    )
    expect(big.bytes).toBe(224_000_000)
    expect(
      oneLayer('RUN localedef -i en_US -f UTF-8 en_US.UTF-8', [
        { path: 'usr/lib/locale/locale-archive', size: 3_000_000 }
      ])
    ).toEqual([])
  })

  it('leaves one language alone when it is the one in use', () => {
    const de = translations('de', 3_000_000)
    expect(oneLayer('RUN apt-get install -y man-db', de, { env: ['LANG=de_DE.UTF-8'] })).toEqual([])
    expect(
      oneLayer('RUN apt-get install -y man-db', [
        ...de,
        { path: 'usr/lib/locale/de_DE.utf8/LC_MESSAGES/SYS_LC_MESSAGES', size: 60 }
      ])
    ).toEqual([])
  })
})

describe('python-bytecode (opt-in)', () => {
  const files: FileSpec[] = [
    { path: 'app/pkg/__init__.py', size: 100 },
    { path: 'app/pkg/__pycache__/__init__.cpython-312.pyc', size: 700_000 },
    { path: 'app/pkg/models.py', size: 50_000 },
    { path: 'app/pkg/__pycache__/models.cpython-312.pyc', size: 900_000 },
    // No source next to it: the bytecode is the program.
    { path: 'app/vendor/__pycache__/blob.cpython-312.pyc', size: 5_000_000 }
  ]

  it('is off by default', () => {
    expect(oneLayer('RUN python -m compileall /app', files)).toEqual([])
  })

  it('counts bytecode that has its source, when asked', () => {
    const h = only(
      oneLayer('RUN python -m compileall /app', files, { hints: { pythonBytecode: true } }),
      'python-bytecode'
    )
    expect(h.bytes).toBe(1_600_000)
    expect(h.severity).toBe('info')
    expect(h.fix).toContain('PYTHONDONTWRITEBYTECODE=1')
  })
})

describe('build-tools from the file tree and from apk', () => {
  it('finds a Go toolchain in the base image and suggests a runtime image', () => {
    const goRoot: FileSpec[] = [
      { path: 'usr/local/go/bin/go', size: 14_000_000 },
      { path: 'usr/local/go/bin/gofmt', size: 3_000_000 },
      { path: 'usr/local/go/pkg/tool/linux_amd64/compile', size: 23_000_000 },
      ...filesUnder('usr/local/go/src/net/http', 20, 1_000_000, 'go')
    ]
    const hints = run(
      [
        { by: 'RUN set -eux; curl -fsSL go.tgz | tar -xz -C /usr/local', files: goRoot },
        { by: 'COPY . /src', files: [{ path: 'src/main.go', size: 2_000 }] },
        { by: 'RUN go build -o /app /src', files: [{ path: 'app', size: 9_000_000 }] }
      ],
      { base: 2 }
    )
    const h = only(hints, 'build-tools')
    expect(h.bytes).toBe(total(goRoot))
    expect(h.paths[0]).toMatchObject({ path: '/usr/local/go', bytes: total(goRoot) })
    expect(h.layer).toBe(1)
    expect(h.fix).toContain('the base image ships')
  })

  it('reads apk build packages (I: is bytes) and never counts libgcc/libstdc++', () => {
    const gccFiles = [
      { path: 'usr/libexec/gcc/x86_64-alpine-linux-musl/13.2.1/cc1', size: 33_000_000 },
      { path: 'usr/bin/gcc', size: 1_000_000 }
    ]
    const muslDev = [{ path: 'usr/include/stdio.h', size: 6_000 }]
    const runtime = [
      { path: 'usr/lib/libgcc_s.so.1', size: 98_000 },
      { path: 'usr/lib/libstdc++.so.6.0.32', size: 2_600_000 }
    ]
    const db = apkInstalled([
      { name: 'musl', bytes: 700_000, files: [{ path: 'lib/ld-musl-x86_64.so.1', size: 650_000 }] },
      { name: 'libgcc', bytes: 100_000, files: [runtime[0]] },
      { name: 'libstdc++', bytes: 2_700_000, files: [runtime[1]] },
      { name: 'gcc', bytes: 50_000_000, files: gccFiles },
      { name: 'musl-dev', bytes: 1_200_000, files: muslDev },
      { name: '.build-deps', bytes: 0 }
    ])
    const hints = oneLayer('RUN apk add --no-cache --virtual .build-deps gcc musl-dev', [
      { path: 'lib/apk/db/installed', text: db },
      ...gccFiles,
      ...muslDev,
      ...runtime,
      { path: 'lib/ld-musl-x86_64.so.1', size: 650_000 }
    ])
    const h = only(hints, 'build-tools')
    expect(h.bytes).toBe(total(gccFiles) + total(muslDev))
    expect(h.packages).toEqual([
      // the bytes of their live files (what the hint counts), not apk's I: sizes
      { path: 'gcc', bytes: total(gccFiles), files: 2 },
      { path: 'musl-dev', bytes: total(muslDev), files: 1 },
      { path: '.build-deps', bytes: 0, files: 0 }
    ])
    expect(h.fix).toContain(
      'or end the same RUN with `&& apk del .build-deps` once the build is done'
    )
  })

  it('uses Installed-Size when the dpkg file lists are not available', () => {
    const status = [
      'Package: libpq-dev\nStatus: install ok installed\nInstalled-Size: 4200\nArchitecture: amd64\nVersion: 15.6-0\n',
      'Package: libpq5\nStatus: install ok installed\nInstalled-Size: 900\nArchitecture: amd64\nVersion: 15.6-0\n',
      'Package: gcc-12\nStatus: deinstall ok config-files\nInstalled-Size: 68000\nArchitecture: amd64\nVersion: 12.2.0-14\n'
    ].join('\n')
    const h = only(
      oneLayer('RUN apt-get install -y libpq-dev', [{ path: 'var/lib/dpkg/status', text: status }]),
      'build-tools'
    )
    expect(h.bytes).toBe(4200 * 1024)
    expect(h.packages).toEqual([{ path: 'libpq-dev', bytes: 4200 * 1024 }])
  })

  it('never calls a runtime library a build tool (dpkg and distroless status.d)', () => {
    const stanza = (name: string, kib: number) =>
      `Package: ${name}\nStatus: install ok installed\nInstalled-Size: ${kib}\nArchitecture: amd64\nMulti-Arch: same\nVersion: 1\n`
    const names = [
      'libgcc-s1',
      'libstdc++6',
      'libgomp1',
      'libatomic1',
      'libquadmath0',
      'libgfortran5',
      'gcc-12-base',
      'libc6',
      'libmpfr6',
      'libgmp10'
    ]
    const status = names.map(n => stanza(n, 5000)).join('\n')
    expect(
      oneLayer('RUN apt-get install -y libgfortran5', [
        { path: 'var/lib/dpkg/status', text: status }
      ])
    ).toEqual([])
    const distroless = names.map(n => ({
      path: `var/lib/dpkg/status.d/${n}`,
      text: stanza(n, 5000).replace(/^Status:.*\n/m, '')
    }))
    expect(oneLayer('COPY --from=build /usr/lib /usr/lib', distroless)).toEqual([])
  })

  it('reads distroless status.d with md5sums file lists', () => {
    const files = [{ path: 'usr/include/openssl/ssl.h', size: 3_000_000 }]
    const hints = oneLayer('COPY --from=build / /', [
      {
        path: 'var/lib/dpkg/status.d/libssl-dev',
        text: 'Package: libssl-dev\nInstalled-Size: 3100\nArchitecture: amd64\nVersion: 3.0.11\n'
      },
      {
        path: 'var/lib/dpkg/status.d/libssl-dev.md5sums',
        text: 'd41d8cd98f00b204e9800998ecf8427e  usr/include/openssl/ssl.h\n'
      },
      ...files
    ])
    const h = only(hints, 'build-tools')
    expect(h.bytes).toBe(3_000_000)
    expect(h.packages).toEqual([{ path: 'libssl-dev', bytes: 3_000_000, files: 1 }])
  })
})

describe('structural hints', () => {
  it('metadata-rewrite after a COPY suggests COPY --chown with the owner from the chown', () => {
    const hints = run([
      { by: 'COPY . /app', files: [{ path: 'app/model.bin', size: 50_000_000 }] },
      {
        by: 'RUN chown -R app:app /app',
        files: [{ path: 'app/model.bin', size: 50_000_000, content: 'app/model.bin:50000000' }]
      }
    ])
    const h = only(hints, 'metadata-rewrite')
    expect(h).toMatchObject({
      bytes: 50_000_000,
      layer: 2,
      layers: [1, 2],
      instruction: 'RUN chown -R app:app /app'
    })
    expect(h.fix).toContain('use `COPY --chown=app:app …` in `COPY . /app`')
  })

  it('overwritten: one hint per rewriting layer, naming the layer it hides', () => {
    const hints = run([
      {
        by: 'RUN build.sh',
        files: [{ path: 'opt/app/bundle.js', size: 8_000_000, content: 'v1' }]
      },
      {
        by: 'RUN minify.sh',
        files: [{ path: 'opt/app/bundle.js', size: 3_000_000, content: 'v2' }]
      }
    ])
    const h = only(hints, 'overwritten')
    expect(h).toMatchObject({ bytes: 8_000_000, layer: 2, instruction: 'RUN minify.sh' })
    expect(h.fix).toContain('`RUN minify.sh` replaces 8.00 MB of files that `RUN build.sh` wrote')
  })

  it('duplicate-files: identical large files at two paths', () => {
    const hints = run([
      {
        by: 'RUN cp /opt/lib/libtorch.so /usr/lib/',
        files: [
          { path: 'opt/lib/libtorch.so', size: 30_000_000, content: 'torch' },
          { path: 'usr/lib/libtorch.so', size: 30_000_000, content: 'torch' },
          // Small identical files are noise, not a hint.
          { path: 'opt/a/LICENSE', size: 1_000, content: 'mit' },
          { path: 'opt/b/LICENSE', size: 1_000, content: 'mit' }
        ]
      }
    ])
    const h = only(hints, 'duplicate-files')
    expect(h.bytes).toBe(30_000_000)
    expect(h.fix).toContain('/opt/lib/libtorch.so and /usr/lib/libtorch.so')
  })

  it('duplicate-files leaves out copies that OS packages installed, every one of them', () => {
    // Debian ships dpkg's changelog again in dpkg-dev: no Dockerfile change undoes that
    const changelog = { size: 1_200_000, content: 'dpkg-changelog' }
    const packaged: FileSpec[] = [
      {
        path: 'var/lib/dpkg/status',
        text: dpkgStatus([
          { name: 'dpkg', kib: 6000 },
          { name: 'dpkg-dev', kib: 1800 }
        ])
      },
      { path: 'var/lib/dpkg/info/dpkg.list', text: '/.\n/usr/share/doc/dpkg/changelog.gz\n' },
      {
        path: 'var/lib/dpkg/info/dpkg-dev.list',
        text: '/.\n/usr/share/doc/dpkg-dev/changelog.gz\n'
      },
      { path: 'usr/share/doc/dpkg/changelog.gz', ...changelog },
      { path: 'usr/share/doc/dpkg-dev/changelog.gz', ...changelog }
    ]
    const install = 'RUN apt-get install -y dpkg-dev'
    expect(ids(oneLayer(install, packaged))).not.toContain('duplicate-files')
    // a copy the Dockerfile made of a package file still counts, with every extra copy
    const copied = oneLayer(install, [...packaged, { path: 'app/changelog.gz', ...changelog }])
    expect(only(copied, 'duplicate-files').bytes).toBe(2 * 1_200_000)
  })

  it('package-db-churn from two install layers, never reported as overwritten', () => {
    const db = (tag: string): FileSpec[] => [
      { path: 'var/lib/dpkg/status', size: 700_000, content: `status-${tag}` },
      { path: 'var/lib/dpkg/status-old', size: 700_000, content: `status-old-${tag}` },
      { path: 'var/cache/debconf/templates.dat', size: 600_000, content: `tpl-${tag}` },
      { path: 'etc/ld.so.cache', size: 30_000, content: `ld-${tag}` }
    ]
    const hints = run([
      {
        by: 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
        files: db('1')
      },
      {
        by: 'RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*',
        files: db('2')
      },
      {
        by: 'RUN apt-get update && apt-get install -y jq && rm -rf /var/lib/apt/lists/*',
        files: db('3')
      }
    ])
    expect(ids(hints)).toEqual(['package-db-churn'])
    const h = only(hints, 'package-db-churn')
    expect(h.bytes).toBe(2 * (700_000 + 700_000 + 600_000 + 30_000))
    expect(h.severity).toBe('info')
    expect(h.layers).toEqual([1, 2, 3])
  })

  it('apt lists deleted in a later RUN are deleted-later, not apt-lists', () => {
    const hints = run([
      { by: 'RUN apt-get update', files: filesUnder('var/lib/apt/lists', 3, 5_000_000) },
      { by: 'RUN apt-get install -y curl', files: [{ path: 'usr/bin/curl', size: 300_000 }] },
      {
        by: 'RUN rm -rf /var/lib/apt/lists',
        files: [{ path: 'var/lib/apt/lists', kind: 'whiteout' }]
      }
    ])
    expect(ids(hints)).toEqual(['deleted-later'])
    expect(only(hints, 'deleted-later').fix).toContain(
      '`RUN apt-get update` added 15.0 MB that `RUN rm -rf /var/lib/apt/lists` deletes'
    )
  })

  it('deleting base-image files says the base keeps them', () => {
    const hints = run(
      [
        { by: 'RUN apt-get install -y big', files: filesUnder('usr/share/big', 2, 10_000_000) },
        { by: 'RUN rm -rf /usr/share/big', files: [{ path: 'usr/share/big', kind: 'whiteout' }] }
      ],
      { base: 2 }
    )
    const h = only(hints, 'deleted-later')
    expect(h).toMatchObject({ layer: 2, bytes: 20_000_000 })
    expect(h.fix).toContain('that the base image ships')
  })
})

describe('ignore', () => {
  it('hides the ignored ids and nothing else', () => {
    const files = [
      ...filesUnder('root/.cache/pip/http', 2, 2_000_000),
      ...filesUnder('var/lib/apt/lists', 2, 2_000_000)
    ]
    expect(ids(oneLayer('RUN apt-get update && pip install x', files)).sort()).toEqual([
      'apt-lists',
      'pip-cache'
    ])
    expect(
      ids(
        oneLayer('RUN apt-get update && pip install x', files, { hints: { ignore: ['apt-lists'] } })
      )
    ).toEqual(['pip-cache'])
    expect(
      oneLayer('RUN apt-get update && pip install x', files, {
        hints: { ignore: ['apt-lists', 'pip-cache'] }
      })
    ).toEqual([])
  })
})

describe('recommends', () => {
  it('names the packages no manual package depends on, with their file bytes', () => {
    const status = [
      'Package: tool\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nDepends: libc6',
      'Package: xauth\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64'
    ].join('\n\n')
    const hints = oneLayer('RUN /bin/sh -c apt-get install -y tool', [
      { path: 'var/lib/dpkg/status', text: `${status}\n` },
      { path: 'var/lib/dpkg/info/tool.list', text: '/usr/bin/tool\n' },
      { path: 'var/lib/dpkg/info/xauth.list', text: '/usr/bin/xauth\n' },
      { path: 'usr/bin/tool', size: 500_000 },
      { path: 'usr/bin/xauth', size: 2_000_000 },
      {
        path: 'var/lib/apt/extended_states',
        text: 'Package: xauth\nArchitecture: amd64\nAuto-Installed: 1\n'
      }
    ])
    const h = only(hints, 'recommends')
    expect(h.bytes).toBe(2_000_000 + '/usr/bin/xauth\n'.length)
    expect(h.packages?.map(p => p.path)).toEqual(['xauth'])
  })
})

describe('project content and binaries (details in expert-b.test.ts)', () => {
  const elf = {
    type: 'exec' as const,
    machine: 62,
    interp: false,
    needed: 0,
    go: true,
    sectionsRead: true,
    namesRead: true,
    strippable: [{ name: '.symtab', bytes: 2_000_000 }]
  }
  it('fires dev-dependencies, test-output, unstripped-binaries and distro-base-for-static', () => {
    const lock = { lockfileVersion: 3, packages: { 'node_modules/jest': { dev: true } } }
    const hints = run(
      [
        { by: 'ADD rootfs.tar /', files: [{ path: 'var/lib/dpkg/status', size: 3_000_000 }] },
        {
          by: 'COPY . /app',
          files: [
            { path: 'app/package-lock.json', text: JSON.stringify(lock) },
            { path: 'app/node_modules/jest/index.js', size: 500_000 },
            { path: 'app/coverage/lcov.info', size: 400_000 },
            { path: 'app/server', size: 6_000_000, elf }
          ]
        }
      ],
      { base: 2, config: { Entrypoint: ['/app/server'] } }
    )
    expect(only(hints, 'dev-dependencies').bytes).toBe(500_000)
    expect(only(hints, 'test-output').bytes).toBe(400_000)
    expect(only(hints, 'unstripped-binaries').bytes).toBe(2_000_000)
    expect(only(hints, 'distro-base-for-static').bytes).toBe(1_922_000 + 3_000_000)
  })
})

describe('catalog coverage', () => {
  // Declared last, so it runs after every other test of this file.
  it('made every catalog id fire in this file', () => {
    expect(HINT_IDS.filter(id => !fired.has(id))).toEqual([])
  })
})
