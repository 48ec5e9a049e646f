// OS package-manager indexes and caches: only needed while packages are installed.
// Patterns and fixes: shared IMAGES.md §6.1 and hadolint DL3009/DL3019/DL3032/DL3040/DL3036.
// A BuildKit cache mount (`--mount=type=cache,target=/var/lib/apt/lists`) never lands in a
// layer, so it cannot match here.

import { inInstruction, isRun, quoted } from './fix.js'
import { regexRule, type FixInput, type PathDetector } from './scan.js'

// Only the lists: Debian's and Ubuntu's images ship /etc/apt/apt.conf.d/docker-clean, which
// empties /var/cache/apt after every install, so a cache mount there stays empty.
const CACHE_MOUNT_LISTS = '`RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked …`'
const CACHE_MOUNT_ARCHIVES =
  '`RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked …`'

function sameRun(f: FixInput, command: string): string {
  return isRun(f.instruction)
    ? `end ${quoted(f.instruction)} with \`&& ${command}\``
    : `end the RUN that installs the packages with \`&& ${command}\`${inInstruction(f.instruction)}`
}

export const aptLists: PathDetector = {
  id: 'apt-lists',
  // lock and partial/ are part of the directory too; they are empty when apt is idle.
  rules: () => [regexRule('apt-lists', /^(var\/lib\/apt\/lists)\//, ['var/lib/apt/lists/'])],
  fix: f =>
    `${sameRun(f, 'rm -rf /var/lib/apt/lists/*')} (the lists are only needed while installing), ` +
    `or mount them as a BuildKit cache: ${CACHE_MOUNT_LISTS} (mount only the lists: ` +
    `Debian's docker-clean hook empties /var/cache/apt after every install)`
}

export const aptArchives: PathDetector = {
  id: 'apt-archives',
  rules: () => [
    {
      id: 'apt-archives',
      needles: ['var/cache/apt/'],
      match: path => {
        if (/^var\/cache\/apt\/archives\/(?:partial\/)?[^/]+\.deb$/.test(path))
          return 'var/cache/apt/archives'
        if (/^var\/cache\/apt\/[^/]+\.bin$/.test(path)) return path
        return undefined
      }
    }
  ],
  fix: f =>
    `${sameRun(f, 'apt-get clean')} (official Debian/Ubuntu images do this through ` +
    `/etc/apt/apt.conf.d/docker-clean, which this image lacks), or mount the caches: ${CACHE_MOUNT_ARCHIVES} ` +
    `(a mount on /var/cache/apt stays empty wherever Debian's docker-clean hook is installed)`
}

export const apkCache: PathDetector = {
  id: 'apk-cache',
  rules: () => [
    regexRule('apk-cache', /^(var\/cache\/apk|etc\/apk\/cache)\//, [
      'var/cache/apk/',
      'etc/apk/cache/'
    ])
  ],
  fix: f => {
    const alt = '`RUN --mount=type=cache,target=/var/cache/apk …`'
    if (/\bapk\s+(add|update|upgrade)\b/.test(f.instruction ?? '')) {
      return `use \`apk add --no-cache\` (and drop \`apk update\`/\`--update\`) in ${quoted(f.instruction)}, or ${alt}`
    }
    return `${sameRun(f, 'rm -rf /var/cache/apk/*')}, or use \`apk add --no-cache\`, or ${alt}`
  }
}

export const dnfCache: PathDetector = {
  id: 'dnf-cache',
  rules: () => [regexRule('dnf-cache', /^(var\/cache\/(?:dnf|yum|libdnf5))\//, ['var/cache/'])],
  fix: f => {
    const text = f.instruction ?? ''
    const tool = /\bmicrodnf\b/.test(text) ? 'microdnf' : /\byum\b/.test(text) ? 'yum' : 'dnf'
    return (
      `${sameRun(f, `${tool} clean all`)}, or mount the cache: ` +
      `\`RUN --mount=type=cache,target=/var/cache/${tool === 'yum' ? 'yum' : 'dnf'} …\``
    )
  }
}

export const zypperCache: PathDetector = {
  id: 'zypper-cache',
  rules: () => [regexRule('zypper-cache', /^(var\/cache\/zypp)\//, ['var/cache/zypp/'])],
  fix: f =>
    `${sameRun(f, 'zypper clean --all')}, or \`RUN --mount=type=cache,target=/var/cache/zypp …\``
}

export const OS_PACKAGE_DETECTORS: PathDetector[] = [
  aptLists,
  aptArchives,
  apkCache,
  dnfCache,
  zypperCache
]
