// Every hint id, with its family, title, threshold, severity cap and documentation anchor.
// docs/hints.md describes each one; users silence ids with `ignore-hints` / `--ignore-hints`,
// so ids are a public interface: never rename one, only add.

import type { Severity } from '../report.js'

export type HintFamily = 'os-packages' | 'language-caches' | 'build-tools' | 'files' | 'structural'

/**
 * `own`: only files in layers the Dockerfile made count (the base image's files cannot be
 * fixed by editing a RUN). `all`: base layers count too, because the fix (a multistage build
 * onto a slim base) removes them as well.
 */
export type HintScope = 'own' | 'all'

export interface CatalogEntry {
  id: string
  family: HintFamily
  title: string
  /** No hint below this many bytes. */
  minBytes: number
  /** The severity rule never goes above this for the id. */
  maxSeverity: Severity
  scope: HintScope
  /** The fix when no instruction is known (also the one-line summary in docs). */
  fix: string
}

const kB = 1000
const MB = 1000 * kB

const CACHE = {
  family: 'language-caches',
  minBytes: 100 * kB,
  maxSeverity: 'error',
  scope: 'own'
} as const
const OS = {
  family: 'os-packages',
  minBytes: 100 * kB,
  maxSeverity: 'error',
  scope: 'own'
} as const
const FILES = { family: 'files', minBytes: 1 * MB, maxSeverity: 'error', scope: 'own' } as const
const STRUCT = {
  family: 'structural',
  minBytes: 1 * MB,
  maxSeverity: 'error',
  scope: 'own'
} as const

export const CATALOG: readonly CatalogEntry[] = [
  // OS package managers
  {
    ...OS,
    id: 'apt-lists',
    title: 'apt package lists left in the image',
    fix: 'end the RUN that runs `apt-get update` with `&& rm -rf /var/lib/apt/lists/*`, or mount them: `RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked`'
  },
  {
    ...OS,
    id: 'apt-archives',
    title: 'Downloaded .deb packages and apt caches',
    fix: 'end the same RUN with `&& apt-get clean`, or mount `/var/cache/apt` as a BuildKit cache'
  },
  {
    ...OS,
    id: 'apk-cache',
    title: 'apk package cache',
    fix: 'use `apk add --no-cache` (no `apk update`), or `RUN --mount=type=cache,target=/var/cache/apk`'
  },
  {
    ...OS,
    id: 'dnf-cache',
    title: 'dnf/yum package cache',
    fix: 'end the same RUN with `&& dnf clean all` (`yum clean all`), or mount `/var/cache/dnf` as a BuildKit cache'
  },
  {
    ...OS,
    id: 'zypper-cache',
    title: 'zypper package cache',
    fix: 'end the same RUN with `&& zypper clean --all`, or mount `/var/cache/zypp` as a BuildKit cache'
  },
  {
    ...OS,
    id: 'recommends',
    title: 'Packages apt installed only as Recommends',
    minBytes: 1 * MB,
    fix: 'add `--no-install-recommends` to `apt-get install`; name explicitly any recommended package the application uses'
  },
  // Language package caches
  {
    ...CACHE,
    id: 'pip-cache',
    title: 'pip cache',
    fix: 'add `--no-cache-dir` to `pip install` (or `ENV PIP_NO_CACHE_DIR=1`), or `RUN --mount=type=cache,target=/root/.cache/pip`'
  },
  {
    ...CACHE,
    id: 'pipenv-cache',
    title: 'pipenv cache',
    fix: 'end the same RUN with `&& rm -rf ~/.cache/pipenv`, or mount it as a BuildKit cache'
  },
  {
    ...CACHE,
    id: 'poetry-cache',
    title: 'Poetry cache',
    fix: 'use `poetry install --no-cache` or end the same RUN with `&& rm -rf ~/.cache/pypoetry/cache ~/.cache/pypoetry/artifacts`; or mount `POETRY_CACHE_DIR` as a BuildKit cache'
  },
  {
    ...CACHE,
    id: 'uv-cache',
    title: 'uv cache',
    fix: 'use `uv … --no-cache` (or `ENV UV_NO_CACHE=1`), or `RUN --mount=type=cache,target=/root/.cache/uv`'
  },
  {
    ...CACHE,
    id: 'conda-pkgs',
    title: 'conda package cache',
    fix: 'end the same RUN with `&& conda clean -afy`'
  },
  {
    ...CACHE,
    id: 'npm-cache',
    title: 'npm cache',
    fix: 'end the same RUN with `&& npm cache clean --force`, or `RUN --mount=type=cache,target=/root/.npm`'
  },
  {
    ...CACHE,
    id: 'yarn-cache',
    title: 'Yarn cache',
    fix: 'end the same RUN with `&& yarn cache clean` (Berry: `yarn cache clean --all`), or mount the cache folder as a BuildKit cache'
  },
  {
    ...CACHE,
    id: 'pnpm-store',
    title: 'pnpm store',
    fix: 'mount the store as a BuildKit cache (`--mount=type=cache,target=/root/.local/share/pnpm/store`), or `pnpm deploy --prod` in a build stage and copy only the result'
  },
  {
    ...CACHE,
    id: 'go-build-cache',
    title: 'Go build cache',
    fix: 'build in a separate stage and copy only the binary, or `RUN --mount=type=cache,target=/root/.cache/go-build`'
  },
  {
    ...CACHE,
    id: 'go-mod-cache',
    title: 'Go module cache',
    fix: 'build in a separate stage and copy only the binary, or `RUN --mount=type=cache,target=/go/pkg/mod`'
  },
  {
    ...CACHE,
    id: 'maven-repo',
    title: 'Maven local repository',
    fix: 'build in a separate stage and copy only the jar, or `RUN --mount=type=cache,target=/root/.m2`'
  },
  {
    ...CACHE,
    id: 'gradle-cache',
    title: 'Gradle caches',
    fix: 'build in a separate stage and copy only the jar, or `RUN --mount=type=cache,target=/root/.gradle/caches`'
  },
  {
    ...CACHE,
    id: 'cargo-registry',
    title: 'Cargo registry and git checkouts',
    fix: 'build in a separate stage and copy only the binary, or mount `$CARGO_HOME/registry` and `$CARGO_HOME/git` as BuildKit caches'
  },
  {
    ...CACHE,
    id: 'ccache',
    title: 'ccache/sccache compiler cache',
    fix: 'mount the compiler cache as a BuildKit cache, or delete it in the same RUN'
  },
  {
    ...CACHE,
    id: 'composer-cache',
    title: 'Composer cache',
    fix: 'use `composer install --no-cache` or end the same RUN with `&& composer clear-cache`'
  },
  {
    ...CACHE,
    id: 'gem-cache',
    title: 'Downloaded .gem files',
    fix: 'end the same RUN with `&& rm -rf "$GEM_HOME/cache"` (bundler: `/usr/local/bundle/cache`)'
  },
  {
    ...CACHE,
    id: 'nuget-cache',
    title: 'NuGet package cache',
    fix: 'publish in a separate stage (`dotnet publish`) and copy only the output onto a runtime image'
  },
  // Toolchains
  {
    id: 'build-tools',
    family: 'build-tools',
    title: 'Compilers and build tools in the final image',
    minBytes: 2 * MB,
    maxSeverity: 'error',
    scope: 'all',
    fix: 'build in a separate stage and `COPY --from=build` only the artefacts into a slim final stage'
  },
  // Files
  {
    ...FILES,
    id: 'docs',
    title: 'Documentation, man and info pages',
    maxSeverity: 'warning',
    fix: 'stop installing docs (dpkg `path-exclude` in /etc/dpkg/dpkg.cfg.d/, `dnf --nodocs`), or delete them in the same RUN (keep */copyright)'
  },
  {
    ...FILES,
    id: 'locales',
    title: 'More locales than one',
    maxSeverity: 'warning',
    fix: 'install only the locale you use, or delete the others in the same RUN'
  },
  {
    ...FILES,
    id: 'vcs',
    title: 'Version-control directories (.git)',
    minBytes: 100 * kB,
    fix: 'add `.git` to .dockerignore, or `git clone --depth 1 … && rm -rf .git` in the same RUN'
  },
  {
    ...FILES,
    id: 'tmp-files',
    title: 'Files left in /tmp or /var/tmp',
    fix: 'delete them at the end of the same RUN, or `RUN --mount=type=tmpfs,target=/tmp`'
  },
  {
    ...FILES,
    id: 'logs',
    title: 'Log files',
    maxSeverity: 'warning',
    fix: 'delete or truncate logs in the same RUN; use `useradd -l` for a large /var/log/lastlog'
  },
  {
    ...FILES,
    id: 'source-archives',
    title: 'Archives left next to what they unpacked',
    fix: 'download, extract and delete in one RUN (`curl -fsSL … | tar -xz -C …`), or extract in a build stage'
  },
  {
    ...FILES,
    id: 'python-bytecode',
    title: 'Python bytecode next to its sources',
    maxSeverity: 'info',
    fix: 'set `ENV PYTHONDONTWRITEBYTECODE=1` while installing, or `pip install --no-compile`'
  },
  {
    ...FILES,
    id: 'dev-dependencies',
    title: 'devDependencies installed in node_modules',
    minBytes: 100 * kB,
    fix: 'install production dependencies only: `npm ci --omit=dev` (`yarn install --production`, `pnpm install --prod`); build in a stage when the build needs the dev ones'
  },
  {
    ...FILES,
    id: 'test-output',
    title: 'Test suites, coverage output and source maps of the app',
    minBytes: 100 * kB,
    fix: 'add them to .dockerignore when a COPY of the context brings them (not a path the COPY names), or delete them in the RUN that makes them'
  },
  {
    ...FILES,
    id: 'unstripped-binaries',
    title: 'Binaries with symbol tables and debug sections',
    minBytes: 100 * kB,
    fix: 'build Go with `-ldflags="-s -w"`; otherwise `strip --strip-unneeded` the binaries in the RUN or build stage that makes them'
  },
  // Structural
  {
    ...STRUCT,
    id: 'distro-base-for-static',
    title: 'A static binary on a distribution base image',
    scope: 'all',
    fix: 'make the final stage `FROM scratch` (or distroless static) and copy only the binary, plus CA certificates and tzdata if it uses them'
  },
  {
    ...STRUCT,
    id: 'deleted-later',
    title: 'Files deleted in a later layer still ship',
    fix: 'delete files in the same RUN that creates them, or build them in another stage'
  },
  {
    ...STRUCT,
    id: 'overwritten',
    title: 'Files replaced in a later layer still ship',
    fix: 'write the final version once: merge the steps into one RUN, or build the file in another stage'
  },
  {
    ...STRUCT,
    id: 'metadata-rewrite',
    title: 'Files copied again only to change owner or mode',
    fix: 'use `COPY --chown=… --chmod=…`, or set owner and mode in the RUN that creates the files'
  },
  {
    ...STRUCT,
    id: 'duplicate-files',
    title: 'Identical files at several paths',
    maxSeverity: 'warning',
    fix: 'keep one copy and link to it, or `mv` instead of `cp`'
  },
  {
    ...STRUCT,
    id: 'package-db-churn',
    title: 'Package databases rewritten by several install layers',
    maxSeverity: 'info',
    fix: 'merge the package installs into one RUN'
  }
]

export type HintId = string

export const HINT_IDS: readonly string[] = CATALOG.map(e => e.id)

const BY_ID = new Map(CATALOG.map(e => [e.id, e]))

export function catalogEntry(id: string): CatalogEntry {
  const e = BY_ID.get(id)
  if (!e) throw new Error(`unknown hint id "${id}"`)
  return e
}

/** The ids in `ids` that are not in the catalog (the caller rejects them, listing HINT_IDS). */
export function validateHintIds(ids: readonly string[]): string[] {
  return ids.filter(id => !BY_ID.has(id))
}

/** Documentation link of an id, relative to the repository root. */
export function docsAnchor(id: string): string {
  return `docs/hints.md#${id}`
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 }

export function severityRank(s: Severity): number {
  return RANK[s]
}

/**
 * error: ≥ 100 MB, or ≥ 25 % of the image and ≥ 10 MB.
 * warning: ≥ 10 MB, or ≥ 5 % of the image and ≥ 1 MB.
 * info: anything smaller. Then capped by the id's maxSeverity.
 */
export function severityFor(id: string, bytes: number, imageBytes: number): Severity {
  const share = imageBytes > 0 ? bytes / imageBytes : 0
  let s: Severity = 'info'
  if (bytes >= 100 * MB || (share >= 0.25 && bytes >= 10 * MB)) s = 'error'
  else if (bytes >= 10 * MB || (share >= 0.05 && bytes >= 1 * MB)) s = 'warning'
  const cap = catalogEntry(id).maxSeverity
  return RANK[s] > RANK[cap] ? cap : s
}
