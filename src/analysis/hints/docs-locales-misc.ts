// Files that ship but are not needed at run time: documentation, extra locales, VCS
// metadata, temp files, logs, archives left next to their unpacked tree, and (opt-in)
// Python bytecode next to its sources. Patterns: shared IMAGES.md §6.4.

import { parentOf } from '../stack.js'
import { type HintContext, type Tally, retally } from './context.js'
import { bytes, inInstruction, isCopy, isRun, quoted } from './fix.js'
import { regexRule, type PathDetector } from './scan.js'

// ---------------------------------------------------------------- helpers

export type PackageFamily = 'dpkg' | 'apk' | 'rpm' | undefined

/** Which package manager the final filesystem has, from its databases. */
export function packageFamily(ctx: HintContext): PackageFamily {
  const has = (p: string) => ctx.live.has(p)
  if (has('var/lib/dpkg/status') || has('var/lib/dpkg/status.d')) return 'dpkg'
  if (has('lib/apk/db/installed') || has('usr/lib/apk/db/installed')) return 'apk'
  if (has('var/lib/rpm') || has('usr/lib/sysimage/rpm')) return 'rpm'
  return undefined
}

interface DirIndex {
  dirs: Set<string>
  /** parent directory → the version-less names of its subdirectories */
  stems: Map<string, Set<string>>
}

const dirCache = new WeakMap<HintContext, DirIndex>()

/** Every directory of the final filesystem (explicit entries and implied parents), indexed. */
function directories(ctx: HintContext): DirIndex {
  const hit = dirCache.get(ctx)
  if (hit) return hit
  const dirs = new Set<string>()
  const stems = new Map<string, Set<string>>()
  const add = (d: string) => {
    dirs.add(d)
    const parent = parentOf(d)
    let set = stems.get(parent)
    if (!set) stems.set(parent, (set = new Set()))
    set.add(stemName(basename(d)))
  }
  for (const [path, node] of ctx.live) {
    if (node.entry.kind === 'dir' && !dirs.has(path)) add(path)
    for (let p = parentOf(path); p !== '' && !dirs.has(p); p = parentOf(p)) add(p)
  }
  const index = { dirs, stems }
  dirCache.set(ctx, index)
  return index
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

// ---------------------------------------------------------------- docs

const DOC_ROOT =
  /^((?:usr\/|usr\/local\/)share\/(?:doc|man|info|gtk-doc|help|javadoc)|(?:.*?\/)?(?:gems\/\d[^/]*|bundle)\/doc)\//
// Licences stay: distributions keep */copyright even in their slimmest images.
const LICENCE = /^(?:copyright|licen[cs]e|copying|notice|authors?)(?:[.-].*)?$/i

export const docs: PathDetector = {
  id: 'docs',
  rules: () => [
    {
      id: 'docs',
      needles: ['share/', '/doc/'],
      match: path => {
        const m = DOC_ROOT.exec(path)
        return m && !LICENCE.test(basename(path)) ? m[1] : undefined
      }
    }
  ],
  fix: f => {
    const family = packageFamily(f.ctx)
    const same = `delete them at the end of ${quoted(f.instruction, 'the RUN that installs')} (\`rm -rf /usr/share/doc/* /usr/share/man/* /usr/share/info/*\`)`
    if (f.paths.some(p => /\/doc$/.test(p.path) && !p.path.startsWith('/usr/'))) {
      return `install gems with \`gem install --no-document\` (bundler: \`BUNDLE_NO_DOCUMENT\`), or ${same}`
    }
    if (family === 'rpm')
      return `install with \`dnf install --nodocs\` (or \`tsflags=nodocs\` in dnf.conf), or ${same}`
    if (family === 'apk') return `do not install \`*-doc\` packages, or ${same}`
    return (
      'keep dpkg from unpacking them: before installing, add /etc/dpkg/dpkg.cfg.d/excludes with ' +
      '`path-exclude=/usr/share/doc/*`, `path-include=/usr/share/doc/*/copyright`, ' +
      `\`path-exclude=/usr/share/man/*\`, \`path-exclude=/usr/share/info/*\` (as Ubuntu images do); or ${same}`
    )
  }
}

// ---------------------------------------------------------------- locales

const TRANSLATIONS = /^(usr\/share\/locale(?:-langpack)?\/([^/]+))\/./
const COMPILED = /^(usr\/lib\/locale\/[^/]+)(?:\/|$)/
const ALL_LOCALES = /^(usr\/lib\/locales-all)\//
/** A locale-archive this big holds many locales (one is ~3 MB). */
const ARCHIVE_MANY = 10_000_000

export const locales: PathDetector = {
  id: 'locales',
  rules: () => [
    {
      id: 'locales',
      needles: ['locale'],
      match: path =>
        TRANSLATIONS.exec(path)?.[1] ?? COMPILED.exec(path)?.[1] ?? ALL_LOCALES.exec(path)?.[1]
    }
  ],
  finalize: (tally, ctx) => retally(extraLocales(tally, ctx)),
  fix: f => {
    // decided on the whole tally, before the kept languages were taken out of it
    const kept = keptCache.get(f.ctx) ?? []
    const where = quoted(f.instruction, 'the RUN that installs')
    if (kept.length === 0) {
      // The C locale: gettext translates nothing, whatever is installed.
      const family = packageFamily(f.ctx)
      const keepOut =
        family === 'rpm'
          ? "keep rpm from installing them: before installing, `echo '%_install_langs C' > /etc/rpm/macros.image-language-conf`"
          : family === 'apk'
            ? 'do not install `*-lang` packages'
            : 'keep dpkg from unpacking them: before installing, add /etc/dpkg/dpkg.cfg.d/excludes with `path-exclude=/usr/share/locale/*` (as the -slim images do)'
      return (
        'no translation is in use: the image sets no LANG/LC_ALL and has no compiled locale but C, so programs print ' +
        `untranslated messages. ${keepOut}; or delete them at the end of ${where} (\`rm -rf /usr/share/locale/*/\`)`
      )
    }
    const name = kept.join(', ')
    const glob = kept[0]
    return (
      `install only the locale you use (${name}): Debian \`locales\` + \`locale-gen\` for one locale instead of \`locales-all\`, ` +
      'Fedora `glibc-langpack-<lang>` instead of `glibc-all-langpacks`; or delete the other translations at the end of ' +
      `${where} (\`find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name '${glob}*' -exec rm -rf {} +\`)`
    )
  }
}

function languageOf(locale: string): string {
  return locale.split(/[_.@]/)[0]
}

function groupLanguage(group: string): string | undefined {
  const name =
    /^usr\/share\/locale(?:-langpack)?\/([^/]+)$/.exec(group)?.[1] ??
    /^usr\/lib\/locale\/([^/]+)$/.exec(group)?.[1]
  if (name === undefined || name === 'locale-archive') return undefined
  return languageOf(name)
}

const isC = (lang: string) => lang === '' || lang === 'C' || lang === 'POSIX'

interface CompiledLocales {
  /** Languages of the compiled locales in /usr/lib/locale/<locale>/ (C and POSIX left out). */
  languages: Set<string>
  /** A locale-archive or locales-all is there: which languages it holds is unknown. */
  unknown: boolean
}

/** The locales a program could switch to (setlocale finds only compiled ones), whole image. */
function compiledLocales(ctx: HintContext): CompiledLocales {
  const found: CompiledLocales = { languages: new Set(), unknown: false }
  for (const path of ctx.live.keys()) {
    if (!path.startsWith('usr/lib/locale')) continue
    if (path === 'usr/lib/locale/locale-archive' || path.startsWith('usr/lib/locales-all/')) {
      found.unknown = true
      continue
    }
    const name = /^usr\/lib\/locale\/([^/]+)\//.exec(path)?.[1]
    if (name !== undefined && !isC(languageOf(name))) found.languages.add(languageOf(name))
  }
  return found
}

/**
 * The languages whose data is in use and kept: those of LC_ALL/LANG/LANGUAGE in the image ENV;
 * without them, one language a compiled locale could select (the largest); none when the
 * image can only run in the C locale (no compiled locale but C.utf8): then gettext translates
 * nothing and every translation is unused. A locale-archive hides which locales it holds: the
 * largest language is kept.
 */
function keptLanguages(tally: Tally, ctx: HintContext): string[] {
  const fromEnv = ['LC_ALL', 'LANG', 'LANGUAGE']
    .flatMap(n => (ctx.env.get(n) ?? '').split(':'))
    .map(languageOf)
    .filter(l => !isC(l))
  if (fromEnv.length > 0) return [...new Set(fromEnv)]
  const compiled = compiledLocales(ctx)
  if (!compiled.unknown && compiled.languages.size === 0) return []
  const perLang = new Map<string, number>()
  for (const lang of compiled.languages) perLang.set(lang, 0)
  for (const [group, g] of tally.groups) {
    const lang = groupLanguage(group)
    if (lang === undefined || isC(lang)) continue
    if (compiled.unknown || compiled.languages.has(lang))
      perLang.set(lang, (perLang.get(lang) ?? 0) + g.bytes)
  }
  const largest = [...perLang].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]
  return largest ? [largest[0]] : []
}

const keptCache = new WeakMap<HintContext, string[]>()

function extraLocales(tally: Tally, ctx: HintContext): Tally['groups'] {
  const languages = keptLanguages(tally, ctx)
  keptCache.set(ctx, languages)
  const kept = new Set(['C', 'POSIX', ...languages])
  const out: Tally['groups'] = new Map()
  for (const [group, g] of tally.groups) {
    const lang = groupLanguage(group)
    const many = g.bytes > ARCHIVE_MANY
    if (lang !== undefined ? kept.has(lang) : !many) continue
    out.set(group, g)
  }
  return out
}

// ---------------------------------------------------------------- vcs

export const vcs: PathDetector = {
  id: 'vcs',
  rules: () => [regexRule('vcs', /^((?:.*?\/)?\.(?:git|hg|svn))\//, ['.git/', '.hg/', '.svn/'])],
  fix: f => {
    const dir = f.paths[0]?.path ?? '.git'
    if (isCopy(f.instruction)) {
      return `${quoted(f.instruction)} copies ${dir}: add \`.git\` to .dockerignore`
    }
    return `clone with \`git clone --depth 1\` and end ${quoted(f.instruction, 'the RUN that clones')} with \`&& rm -rf ${dir}\`, or clone in a build stage`
  }
}

// ---------------------------------------------------------------- tmp, logs

export const tmpFiles: PathDetector = {
  id: 'tmp-files',
  rules: () => [regexRule('tmp-files', /^((?:var\/)?tmp\/[^/]+)/, ['tmp/'])],
  fix: f => {
    if (isCopy(f.instruction)) {
      return `${quoted(f.instruction)} copies into a temp directory: copy into a build stage, or bind-mount it for the RUN that needs it (\`RUN --mount=type=bind,source=…,target=…\`)`
    }
    return `end ${quoted(f.instruction, 'the RUN that writes them')} with \`&& rm -rf /tmp/* /var/tmp/*\`, or mount a tmpfs: \`RUN --mount=type=tmpfs,target=/tmp …\``
  }
}

const SPARSE_LOGS = /^\/var\/log\/(?:lastlog|faillog)$/

export const logs: PathDetector = {
  id: 'logs',
  rules: () => [regexRule('logs', /^(var\/log\/[^/]+)/, ['var/log/'])],
  fix: f => {
    const sparse = f.paths.find(p => SPARSE_LOGS.test(p.path))
    if (sparse && sparse.bytes >= f.bytes / 2) {
      return `${sparse.path} is a sparse file written by \`useradd\` with a large UID (${bytes(sparse.bytes)} in the tar): use \`useradd -l\` (\`--no-log-init\`)${inInstruction(f.instruction)}`
    }
    return `delete or truncate the logs at the end of ${quoted(f.instruction, 'the RUN that writes them')} (\`rm -rf /var/log/*.log /var/log/apt/*\`); log to stdout at run time`
  }
}

// ---------------------------------------------------------------- source archives

const ARCHIVE =
  /\.(?:tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?|tar\.zst|tzst|tar\.lz4|zip|7z|rar)$/i
const PACKAGE_FILE = /\.(?:deb|rpm)$/i

/** `apache-maven-3.9.6-bin` → `apache-maven`: the name without its version tail. */
function stemName(name: string): string {
  return name.toLowerCase().replace(/[-_.]v?\d.*$/, '')
}

function unpackedNextTo(path: string, ctx: HintContext): boolean {
  const dir = parentOf(path)
  const stem = basename(path).replace(ARCHIVE, '')
  const { dirs, stems } = directories(ctx)
  if (dirs.has(dir === '' ? stem : `${dir}/${stem}`)) return true
  const want = stemName(stem)
  return want.length >= 2 && stems.get(dir)?.has(want) === true
}

export const sourceArchives: PathDetector = {
  id: 'source-archives',
  rules: () => [
    {
      id: 'source-archives',
      match: (path, ctx) => {
        if (path.includes('/node_modules/') || path.includes('/site-packages/')) return undefined
        if (PACKAGE_FILE.test(path)) return path
        return ARCHIVE.test(path) && unpackedNextTo(path, ctx) ? path : undefined
      }
    }
  ],
  fix: f => {
    const what = f.paths[0]?.path ?? 'the archive'
    if (PACKAGE_FILE.test(what)) {
      return `delete ${what} in the same RUN that installs it${inInstruction(f.instruction)}, or install from a bind mount (\`RUN --mount=type=bind,source=…\`)`
    }
    if (isCopy(f.instruction)) {
      return `${quoted(f.instruction)} ships ${what} and a later step unpacks it: use \`ADD <archive> <dir>/\` (extracts local tars), or extract in a build stage and copy the result`
    }
    const where = isRun(f.instruction) ? ` in ${quoted(f.instruction)}` : ''
    return `download, extract and delete in one step${where}: \`curl -fsSL <url> | tar -xz -C <dir>\`, or \`rm ${what}\` in the same RUN`
  }
}

// ---------------------------------------------------------------- python bytecode (opt-in)

const PYCACHE = /^(.*)\/__pycache__\/([^/]+?)\.[^/.]+(?:\.opt-\d)?\.pyc$/
const LEGACY_PYC = /^(.*)\.py[co]$/

function pythonGroup(path: string): string {
  const i = path.indexOf('/site-packages/')
  if (i >= 0) return path.slice(0, i + '/site-packages'.length)
  return path.split('/').slice(0, 2).join('/')
}

export const pythonBytecode: PathDetector = {
  id: 'python-bytecode',
  rules: () => [
    {
      id: 'python-bytecode',
      needles: ['.pyc', '.pyo'],
      match: (path, ctx) => {
        const m = PYCACHE.exec(path)
        const source = m ? `${m[1]}/${m[2]}.py` : LEGACY_PYC.exec(path)?.[1]?.concat('.py')
        return source && ctx.live.has(source) ? pythonGroup(path) : undefined
      }
    }
  ],
  fix: f =>
    `set \`ENV PYTHONDONTWRITEBYTECODE=1\` before ${quoted(f.instruction, 'the install')}, or \`pip install --no-compile\`; ` +
    'Python recompiles at first import, which costs start-up time'
}
