// Language package-manager caches under any home (/root, /home/*, /usr/local/share/.cache,
// a project directory) or wherever the image ENV points them (XDG_CACHE_HOME, PIP_CACHE_DIR,
// GOMODCACHE, CARGO_HOME…). Patterns: shared IMAGES.md §6.2.

import type { HintContext } from './context.js'
import { isCopy, quoted } from './fix.js'
import { dirRule, regexRule, type FixInput, type PathDetector, type PathRule } from './scan.js'

/** id → [ENV name, sub-directory] pairs naming cache directories. */
const ENV_DIRS: Record<string, [string, string][]> = {
  'pip-cache': [
    ['PIP_CACHE_DIR', ''],
    ['XDG_CACHE_HOME', '/pip']
  ],
  'pipenv-cache': [
    ['PIPENV_CACHE_DIR', ''],
    ['XDG_CACHE_HOME', '/pipenv']
  ],
  'poetry-cache': [
    ['POETRY_CACHE_DIR', '/cache'],
    ['POETRY_CACHE_DIR', '/artifacts'],
    ['XDG_CACHE_HOME', '/pypoetry/cache'],
    ['XDG_CACHE_HOME', '/pypoetry/artifacts']
  ],
  'uv-cache': [
    ['UV_CACHE_DIR', ''],
    ['XDG_CACHE_HOME', '/uv']
  ],
  'conda-pkgs': [['CONDA_PKGS_DIRS', '']],
  'npm-cache': [
    ['npm_config_cache', '/_cacache'],
    ['NPM_CONFIG_CACHE', '/_cacache']
  ],
  'yarn-cache': [
    ['YARN_CACHE_FOLDER', ''],
    ['XDG_CACHE_HOME', '/yarn']
  ],
  'pnpm-store': [
    ['npm_config_store_dir', ''],
    ['XDG_DATA_HOME', '/pnpm/store']
  ],
  'go-build-cache': [
    ['GOCACHE', ''],
    ['XDG_CACHE_HOME', '/go-build']
  ],
  'go-mod-cache': [
    ['GOMODCACHE', ''],
    ['GOPATH', '/pkg/mod']
  ],
  'maven-repo': [['MAVEN_CONFIG', '/repository']],
  'gradle-cache': [
    ['GRADLE_USER_HOME', '/caches'],
    ['GRADLE_USER_HOME', '/wrapper/dists']
  ],
  'cargo-registry': [
    ['CARGO_HOME', '/registry'],
    ['CARGO_HOME', '/git']
  ],
  ccache: [
    ['CCACHE_DIR', ''],
    ['SCCACHE_DIR', ''],
    ['XDG_CACHE_HOME', '/ccache'],
    ['XDG_CACHE_HOME', '/sccache']
  ],
  'composer-cache': [
    ['COMPOSER_CACHE_DIR', ''],
    ['COMPOSER_HOME', '/cache']
  ],
  'nuget-cache': [['NUGET_PACKAGES', '']]
}

/** Cache directories named by the image ENV (list values: the first entry). */
function envRules(id: string, ctx: HintContext): PathRule[] {
  const rules: PathRule[] = []
  for (const [name, sub] of ENV_DIRS[id] ?? []) {
    const value = ctx.env.get(name)?.split(/[:,]/)[0]
    if (!value) continue
    const rule = dirRule(id, `${value.replace(/\/+$/, '')}${sub}`)
    if (rule) rules.push(rule)
  }
  return rules
}

// `(?:.*\/)?` anchors a directory name at any depth: /root/.cache/pip, /home/app/.cache/pip,
// /usr/local/share/.cache/yarn (yarn v1 as root, yarnpkg/yarn#4628), /app/.cache/pip.
const ANY = '(?:.*\\/)?'

function rx(id: string, pattern: string, needles: string[]): PathRule {
  return regexRule(id, new RegExp(pattern), needles)
}

/**
 * A COPY brought the cache in: the fix is in .dockerignore or a narrower COPY, not a flag.
 * When the COPY names the folder itself, .dockerignore would make that COPY fail: drop it.
 */
function copied(f: FixInput, dir: string): string | undefined {
  if (!isCopy(f.instruction)) return undefined
  if (copyNames(f.instruction ?? '', dir)) {
    return (
      `${quoted(f.instruction)} copies ${dir} by name: drop that COPY (excluding the folder in ` +
      `.dockerignore would make it fail) and fill the cache in a build stage (\`FROM … AS build\`), ` +
      `then \`COPY --from=build\` only what the app needs`
    )
  }
  return `${quoted(f.instruction)} copies ${dir} into the image: add it to .dockerignore, or copy only what the app needs`
}

/**
 * Whether a COPY/ADD names `dir` (a live display path such as /root/.m2/repository) among its
 * sources: a source whose last segment is one of the directory's segments. `.` (the whole
 * context) and history-only text (`COPY dir:a0b1… in /x`) do not name it.
 */
export function copyNames(instruction: string, dir: string): boolean {
  const words = copySources(instruction)
  const segs = new Set(dir.split('/').filter(s => s !== ''))
  return words.some(src => {
    const last = src.replace(/\/+$/, '').split('/').pop() ?? ''
    return last !== '' && last !== '.' && last !== '..' && segs.has(last)
  })
}

function copySources(instruction: string): string[] {
  const body = instruction.replace(/^(?:COPY|ADD)\s+/i, '').trim()
  let words: string[]
  if (body.replace(/^(?:--\S+\s+)*/, '').startsWith('[')) {
    try {
      words = JSON.parse(body.replace(/^(?:--\S+\s+)*/, '')) as string[]
    } catch {
      return []
    }
  } else {
    words = body.split(/\s+/).filter(w => !w.startsWith('--'))
  }
  // history text of the classic builder: `file:<hash> in /dest`, `dir:<hash> in /dest`
  if (words.some(w => /^(?:file|dir|multi):[0-9a-f]+$/.test(w))) return []
  return words.slice(0, -1).filter(w => typeof w === 'string')
}

function cacheDir(f: FixInput, fallback: string): string {
  return f.paths[0]?.path ?? fallback
}

function mount(target: string, command: string): string {
  return `\`RUN --mount=type=cache,target=${target} ${command}\``
}

function sameRunRm(f: FixInput, dir: string): string {
  return `end ${quoted(f.instruction, 'the RUN that fills it')} with \`&& rm -rf ${dir}\``
}

function detector(
  id: string,
  staticRules: PathRule[],
  fix: (f: FixInput, dir: string) => string,
  fallbackDir: string,
  extra: Partial<PathDetector> = {}
): PathDetector {
  return {
    id,
    rules: ctx => [...envRules(id, ctx), ...staticRules],
    fix: f => {
      const dir = cacheDir(f, fallbackDir)
      return copied(f, dir) ?? fix(f, dir)
    },
    ...extra
  }
}

/** The pip command as the instruction spells it (`pip3 install`, `python -m pip install`). */
function pipCommand(instruction: string | undefined): string {
  const m = /\b((?:python[\d.]*\s+-m\s+)?pip[\d.]*\s+install)\b/.exec(instruction ?? '')
  return m ? m[1] : 'pip install'
}

export const pipCache = detector(
  'pip-cache',
  [rx('pip-cache', `^(${ANY}\\.cache\\/pip)\\/`, ['.cache/pip/'])],
  (f, dir) => {
    const cmd = pipCommand(f.instruction)
    const where = /\bpip[\d.]*\s+install\b/.test(f.instruction ?? '')
      ? `in ${quoted(f.instruction)}`
      : `run by ${quoted(f.instruction, 'the RUN that installs the packages')}`
    return (
      `add \`--no-cache-dir\` to \`${cmd}\` ${where} (or set \`ENV PIP_NO_CACHE_DIR=1\`), ` +
      `or mount the cache: ${mount(dir, `${cmd} …`)}`
    )
  },
  '/root/.cache/pip'
)

export const pipenvCache = detector(
  'pipenv-cache',
  [rx('pipenv-cache', `^(${ANY}\\.cache\\/pipenv)\\/`, ['.cache/pipenv/'])],
  (f, dir) => `${sameRunRm(f, dir)}, or mount it: ${mount(dir, 'pipenv install --deploy …')}`,
  '/root/.cache/pipenv'
)

export const poetryCache = detector(
  'poetry-cache',
  // virtualenvs/ under the same directory is Poetry's default venv location: the app itself.
  [
    rx('poetry-cache', `^(${ANY}\\.cache\\/pypoetry\\/(?:cache|artifacts))\\/`, [
      '.cache/pypoetry/'
    ])
  ],
  (f, dir) => {
    const root = dir.replace(/\/(?:cache|artifacts)$/, '')
    return (
      `use \`poetry install --no-cache\` in ${quoted(f.instruction, 'the RUN that installs')}, or end it with ` +
      `\`&& rm -rf ${root}/cache ${root}/artifacts\`; or mount the cache: ${mount(root, 'poetry install …')}`
    )
  },
  '/root/.cache/pypoetry/cache'
)

export const uvCache = detector(
  'uv-cache',
  [rx('uv-cache', `^(${ANY}\\.cache\\/uv)\\/`, ['.cache/uv/'])],
  (f, dir) =>
    `add \`--no-cache\` to \`uv\` in ${quoted(f.instruction, 'the RUN that installs')} ` +
    `(or set \`ENV UV_NO_CACHE=1\`), or mount the cache: ${mount(dir, 'uv sync …')}`,
  '/root/.cache/uv'
)

export const condaPkgs = detector(
  'conda-pkgs',
  [
    rx(
      'conda-pkgs',
      `^(${ANY}(?:conda|miniconda\\d*|anaconda\\d*|miniforge\\d*|mambaforge|micromamba|\\.conda)\\/pkgs)\\/`,
      ['/pkgs/']
    )
  ],
  f =>
    `end ${quoted(f.instruction, 'the RUN that installs')} with \`&& conda clean -afy\` (mamba/micromamba: \`clean -afy\`)`,
  '/opt/conda/pkgs'
)

export const npmCache = detector(
  'npm-cache',
  [rx('npm-cache', `^(${ANY}\\.npm\\/(?:_cacache|_logs))\\/`, ['.npm/_'])],
  (f, dir) => {
    const home = dir.replace(/\/_(?:cacache|logs)$/, '')
    return (
      `end ${quoted(f.instruction, 'the RUN that installs')} with \`&& npm cache clean --force\`, ` +
      `or mount the cache: ${mount(home, 'npm ci …')}`
    )
  },
  '/root/.npm/_cacache'
)

const YARN_PROJECT = new RegExp(`^(${ANY}\\.yarn\\/cache)\\/`)
const YARN_GLOBAL = new RegExp(`^(${ANY}\\.yarn\\/berry\\/cache)\\/`)

/** Yarn Berry's project cache is the dependency store itself under PnP (`.pnp.cjs`). */
function yarnProjectCache(path: string, ctx: HintContext): string | undefined {
  const m = YARN_PROJECT.exec(path)
  if (!m) return undefined
  const project = m[1].slice(0, -'.yarn/cache'.length)
  const pnp = ctx.live.has(`${project}.pnp.cjs`) || ctx.live.has(`${project}.pnp.js`)
  return pnp ? undefined : m[1]
}

const pnpSeen = new WeakMap<HintContext, boolean>()

function hasPnp(ctx: HintContext): boolean {
  let seen = pnpSeen.get(ctx)
  if (seen === undefined) {
    seen = false
    for (const p of ctx.live.keys()) if (p === '.pnp.cjs' || p.endsWith('/.pnp.cjs')) seen = true
    pnpSeen.set(ctx, seen)
  }
  return seen
}

/** The global Berry cache is what PnP loads from when enableGlobalCache is on (Yarn 4). */
function yarnGlobalCache(path: string, ctx: HintContext): string | undefined {
  const m = YARN_GLOBAL.exec(path)
  return m && !hasPnp(ctx) ? m[1] : undefined
}

export const yarnCache = detector(
  'yarn-cache',
  [
    rx('yarn-cache', `^(${ANY}\\.cache\\/yarn)\\/`, ['.cache/yarn/']),
    { id: 'yarn-cache', needles: ['.yarn/berry/cache/'], match: yarnGlobalCache },
    { id: 'yarn-cache', needles: ['.yarn/cache/'], match: yarnProjectCache }
  ],
  (f, dir) => {
    if (dir.includes('/.yarn/')) {
      return (
        `end ${quoted(f.instruction, 'the RUN that installs')} with \`&& yarn cache clean --all\` ` +
        `(Yarn Berry with the node-modules linker does not need the cache at run time), or mount it: ${mount(dir, 'yarn install --immutable')}`
      )
    }
    return (
      `end ${quoted(f.instruction, 'the RUN that installs')} with \`&& yarn cache clean\`, ` +
      `or mount the cache: ${mount(dir, 'yarn install --frozen-lockfile')}`
    )
  },
  '/usr/local/share/.cache/yarn'
)

export const pnpmStore = detector(
  'pnpm-store',
  [
    rx('pnpm-store', `^(${ANY}\\.local\\/share\\/pnpm\\/store)\\/`, ['pnpm/store/']),
    rx('pnpm-store', `^(${ANY}\\.pnpm-store)\\/`, ['.pnpm-store/'])
  ],
  (f, dir) =>
    `mount the store as a cache instead of keeping it in ${quoted(f.instruction, 'the layer')}: ${mount(dir, 'pnpm install --frozen-lockfile')}, ` +
    `or \`pnpm deploy --prod\` in a build stage and copy only that (\`pnpm store prune\` only trims it)`,
  '/root/.local/share/pnpm/store'
)

const MULTISTAGE_BINARY =
  'build in a separate stage and `COPY --from=build` only the binary onto a runtime image (`gcr.io/distroless/static`, `scratch`)'

export const goBuildCache = detector(
  'go-build-cache',
  [rx('go-build-cache', `^(${ANY}\\.cache\\/go-build)\\/`, ['.cache/go-build/'])],
  (f, dir) =>
    `${MULTISTAGE_BINARY}; or mount the cache on ${quoted(f.instruction, 'the build')}: ${mount(dir, 'go build …')}`,
  '/root/.cache/go-build'
)

export const goModCache = detector(
  'go-mod-cache',
  [rx('go-mod-cache', `^(${ANY}go\\/pkg\\/mod)\\/`, ['go/pkg/mod/'])],
  (f, dir) =>
    `${MULTISTAGE_BINARY}; or mount the module cache: ${mount(dir, 'go mod download')}, ` +
    `or end ${quoted(f.instruction, 'the RUN')} with \`&& go clean -modcache\``,
  '/go/pkg/mod'
)

export const mavenRepo = detector(
  'maven-repo',
  [rx('maven-repo', `^(${ANY}\\.m2\\/repository)\\/`, ['.m2/repository/'])],
  (f, dir) =>
    `build in a separate stage and \`COPY --from=build\` only the jar onto a JRE image; ` +
    `or mount the repository on ${quoted(f.instruction, 'the build')}: ${mount(dir.replace(/\/repository$/, ''), 'mvn -B package')}`,
  '/root/.m2/repository'
)

export const gradleCache = detector(
  'gradle-cache',
  [
    rx('gradle-cache', `^(${ANY}\\.gradle\\/(?:caches|wrapper\\/dists|daemon|native))\\/`, [
      '.gradle/'
    ])
  ],
  (f, dir) =>
    `build in a separate stage and \`COPY --from=build\` only the jar onto a JRE image; ` +
    `or mount the caches on ${quoted(f.instruction, 'the build')}: ${mount(dir, 'gradle build --no-daemon')}`,
  '/root/.gradle/caches'
)

export const cargoRegistry = detector(
  'cargo-registry',
  [rx('cargo-registry', `^(${ANY}\\.cargo\\/(?:registry|git))\\/`, ['.cargo/'])],
  (f, dir) =>
    `${MULTISTAGE_BINARY}; or mount the registry on ${quoted(f.instruction, 'the build')}: ${mount(dir, 'cargo build --release')}`,
  '/root/.cargo/registry'
)

export const ccache = detector(
  'ccache',
  [rx('ccache', `^(${ANY}(?:\\.ccache|\\.cache\\/ccache|\\.cache\\/sccache))\\/`, ['ccache/'])],
  (f, dir) => `mount the compiler cache: ${mount(dir, 'make …')}, or ${sameRunRm(f, dir)}`,
  '/root/.ccache'
)

export const composerCache = detector(
  'composer-cache',
  [
    rx('composer-cache', `^(${ANY}\\.composer\\/cache)\\/`, ['.composer/cache/']),
    rx('composer-cache', `^(${ANY}\\.cache\\/composer)\\/`, ['.cache/composer/'])
  ],
  f =>
    `use \`composer install --no-dev --no-cache\` in ${quoted(f.instruction, 'the RUN that installs')}, ` +
    `or end it with \`&& composer clear-cache\``,
  '/root/.composer/cache'
)

export const gemCache = detector(
  'gem-cache',
  // $GEM_HOME/cache/*.gem, /usr/local/bundle/cache/*.gem, vendor/cache/*.gem
  [rx('gem-cache', `^(${ANY}cache)\\/[^/]+\\.gem$`, ['.gem'])],
  (f, dir) =>
    `${sameRunRm(f, `${dir}/*.gem`)} (the gems are already installed), and install with \`gem install --no-document\``,
  '/usr/local/bundle/cache'
)

export const nugetCache = detector(
  'nuget-cache',
  [
    rx('nuget-cache', `^(${ANY}\\.nuget\\/packages)\\/`, ['.nuget/packages/']),
    rx('nuget-cache', `^(${ANY}\\.local\\/share\\/NuGet)\\/`, ['.local/share/NuGet/'])
  ],
  (f, dir) =>
    `${quoted(f.instruction, 'the restore')} keeps ${dir}: publish in a separate stage (\`dotnet publish -c Release -o /out\`) and copy /out onto ` +
    `\`mcr.microsoft.com/dotnet/aspnet\` or \`runtime\`; or mount the packages: ${mount(dir, 'dotnet restore')}`,
  '/root/.nuget/packages'
)

export const LANGUAGE_CACHE_DETECTORS: PathDetector[] = [
  pipCache,
  pipenvCache,
  poetryCache,
  uvCache,
  condaPkgs,
  npmCache,
  yarnCache,
  pnpmStore,
  goBuildCache,
  goModCache,
  mavenRepo,
  gradleCache,
  cargoRegistry,
  ccache,
  composerCache,
  gemCache,
  nugetCache
]
