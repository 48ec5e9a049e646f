// Reads every input once into a typed object. Parsing is pure: `readInputs` takes a getter
// (and a file reader for the images config), so tests pass tables and the action passes
// core.getInput.

import { basename, posix } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import {
  CONFIG_FILE,
  DEFAULT_ACCEPT_LABEL,
  DEFAULT_ARTIFACT_NAME,
  DEFAULT_DATA_BRANCH,
  Inputs
} from './constants.js'
import { HINT_IDS, validateHintIds } from './analysis/hints/catalog.js'
import type { BuildSpec } from './builder/builder.js'
import type { CommentMode } from './github/comment.js'
import { parseIncreaseRule, parseMaxSize } from './diff/thresholds.js'
import { inputLabel } from './errors.js'
import { checkName, checkPlatformChoice, MAX_IMAGES } from './names.js'
import type { Thresholds } from './diff/verdict.js'
import { parseSize, SIZE_HELP } from './units.js'

export type InputGetter = (name: string) => string
export type FileReader = (path: string) => string | undefined

export type Mode = 'auto' | 'record' | 'compare' | 'measure' | 'report' | 'aggregate'

export interface Limits {
  maxEntries: number
  maxPathLength: number
  maxJsonBytes: number
}

/** One image to measure: from the engine, an archive, or built from a Dockerfile. */
export interface ImageSpec {
  name: string
  image?: string
  archive?: string
  build?: BuildSpec
  /** The Dockerfile, when known (built, or given with `file` next to `image`). */
  dockerfile?: string
  platform?: string
  thresholds: Thresholds
}

export interface ActionInputs {
  images: ImageSpec[]
  keepImage: boolean
  mode: Mode
  dataBranch: string
  baselineFallback: 'build' | 'none'
  ignoreHints: string[]
  pythonBytecode: boolean
  acceptLabel: string
  comment: CommentMode
  commentKey?: string
  status: boolean
  suggestions: boolean
  trendLength: number
  artifactName: string
  /** This matrix leg's name (`measure`); absent: derived from the measured images. */
  leg?: string
  /** The legs `aggregate` expects (missing ones are listed). */
  legs: string[]
  failOnMissing: boolean
  /** Baselines kept per image and platform (0: all). */
  keepBaselines: number
  token: string
  estimateCompressed: boolean
  limits: Limits
  /** Registry hosts that may be read over plain HTTP (docker:// images). */
  insecureRegistries: string[]
  /** docker:// images: `full` streams the layers, `fast` reads manifests and configs only. */
  registryRead: 'full' | 'fast'
}

export const DEFAULT_LIMITS: Limits = {
  maxEntries: 5_000_000,
  maxPathLength: 4096,
  maxJsonBytes: 64 * 1024 * 1024
}

export function readInputs(
  get: InputGetter,
  readFile: FileReader,
  repoName = 'image'
): ActionInputs {
  const thresholds = readThresholds(get)
  return {
    images: readImages(get, readFile, thresholds, repoName),
    keepImage: parseBoolean(get(Inputs.KeepImage), Inputs.KeepImage, false),
    mode: parseEnum(
      get(Inputs.Mode),
      Inputs.Mode,
      ['auto', 'record', 'compare', 'measure', 'report', 'aggregate'],
      'auto'
    ),
    dataBranch: optional(get(Inputs.DataBranch)) ?? DEFAULT_DATA_BRANCH,
    baselineFallback: parseEnum(
      get(Inputs.BaselineFallback),
      Inputs.BaselineFallback,
      ['build', 'none'],
      'build'
    ),
    ignoreHints: hintIds(get(Inputs.IgnoreHints), Inputs.IgnoreHints),
    pythonBytecode: parseBoolean(get(Inputs.PythonBytecode), Inputs.PythonBytecode, false),
    acceptLabel: optional(get(Inputs.AcceptLabel)) ?? DEFAULT_ACCEPT_LABEL,
    comment: parseEnum(
      get(Inputs.Comment),
      Inputs.Comment,
      ['always', 'on-change', 'on-failure', 'never'],
      'always'
    ),
    ...(optional(get(Inputs.CommentKey)) ? { commentKey: get(Inputs.CommentKey).trim() } : {}),
    status: parseBoolean(get(Inputs.Status), Inputs.Status, true),
    suggestions: parseBoolean(get(Inputs.Suggestions), Inputs.Suggestions, true),
    trendLength: parseCount(get(Inputs.TrendLength), Inputs.TrendLength, 20),
    artifactName: optional(get(Inputs.ArtifactName)) ?? DEFAULT_ARTIFACT_NAME,
    ...(optional(get(Inputs.Leg)) ? { leg: parseLegName(get(Inputs.Leg), Inputs.Leg) } : {}),
    legs: parseList(get(Inputs.Legs)).map(l => parseLegName(l, Inputs.Legs)),
    failOnMissing: parseBoolean(get(Inputs.FailOnMissing), Inputs.FailOnMissing, true),
    keepBaselines:
      get(Inputs.KeepBaselines).trim() === '0'
        ? 0
        : parseCount(get(Inputs.KeepBaselines), Inputs.KeepBaselines, 500),
    token: get(Inputs.GithubToken).trim(),
    estimateCompressed: parseBoolean(
      get(Inputs.EstimateCompressed),
      Inputs.EstimateCompressed,
      false
    ),
    limits: readLimits(get),
    insecureRegistries: get(Inputs.InsecureRegistries)
      .split(/[\s,]+/)
      .filter(Boolean),
    registryRead: parseEnum(get(Inputs.RegistryRead), Inputs.RegistryRead, ['full', 'fast'], 'full')
  }
}

/** The reader's limits; the CLI reads its flags (`--max-entries`) through the same code. */
export function readLimits(get: InputGetter, prefix = ''): Limits {
  const name = (n: string) => `${prefix}${n}`
  return {
    maxEntries: parseCount(
      get(Inputs.MaxEntries),
      name(Inputs.MaxEntries),
      DEFAULT_LIMITS.maxEntries
    ),
    maxPathLength: parseCount(
      get(Inputs.MaxPathLength),
      name(Inputs.MaxPathLength),
      DEFAULT_LIMITS.maxPathLength
    ),
    maxJsonBytes: parseSizeInput(
      get(Inputs.MaxJsonSize),
      name(Inputs.MaxJsonSize),
      DEFAULT_LIMITS.maxJsonBytes
    )
  }
}

export function readThresholds(get: InputGetter, prefix = ''): Thresholds {
  const name = (n: string) => `${prefix}${n}`
  const maxSize = parseMaxSize(get(Inputs.MaxSize), name(Inputs.MaxSize))
  const maxIncrease = parseIncreaseRule(get(Inputs.MaxIncrease), name(Inputs.MaxIncrease))
  const warnIncrease = parseIncreaseRule(get(Inputs.WarnIncrease), name(Inputs.WarnIncrease))
  return {
    ...(maxSize !== undefined ? { maxSize } : {}),
    ...(maxIncrease ? { maxIncrease } : {}),
    ...(warnIncrease ? { warnIncrease } : {}),
    ignoreBaseChange: parseBoolean(
      get(Inputs.IgnoreBaseChange),
      name(Inputs.IgnoreBaseChange),
      false
    ),
    failOnHints: hintIds(get(Inputs.FailOnHints), name(Inputs.FailOnHints), SEVERITY_WORDS)
  }
}

const SEVERITY_WORDS = ['info', 'warning', 'error']

/** A list of hint ids (and, where allowed, severities); unknown ones are named in the error. */
export function hintIds(value: string, name: string, alsoAllowed: string[] = []): string[] {
  const ids = parseList(value)
  const unknown = validateHintIds(ids.filter(id => !alsoAllowed.includes(id)))
  if (unknown.length > 0) {
    throw new Error(
      `${inputLabel(name)}: unknown hint id(s) ${unknown.join(', ')}; known: ${[...alsoAllowed, ...HINT_IDS].join(', ')}`
    )
  }
  return ids
}

// ---------------------------------------------------------------- images

function readImages(
  get: InputGetter,
  readFile: FileReader,
  defaults: Thresholds,
  repoName: string
): ImageSpec[] {
  const specs = readImageSpecs(get, readFile, defaults, repoName)
  for (const spec of specs) refuseOptionLike(spec)
  return specs
}

/**
 * A value that starts with `-` would read as an option to the engine's CLI (`context:
 * --output=…`): refused, whatever wrote it. Paths that mean it can be written `./-x`.
 */
function refuseOptionLike(spec: ImageSpec): void {
  const values: Array<[string, string | undefined]> = [
    ['image', spec.image],
    ['archive', spec.archive],
    ['context', spec.build?.context],
    ['file', spec.build?.file ?? spec.dockerfile],
    ['target', spec.build?.target],
    ['network', spec.build?.network]
  ]
  for (const [key, value] of values) {
    if (value?.replace(/^oci:/, '').startsWith('-')) {
      throw new Error(
        `image "${spec.name}": \`${key}\` must not start with "-" (it would read as an option); write a path as ./${value.slice(0, 40)}`
      )
    }
  }
}

/** True when the images come from .github/image-size-guard.yml (no `images`, `image`, `archive`). */
export function usesConfigFile(get: InputGetter): boolean {
  return (
    !optional(get(Inputs.Images)) && !optional(get(Inputs.Image)) && !optional(get(Inputs.Archive))
  )
}

function readImageSpecs(
  get: InputGetter,
  readFile: FileReader,
  defaults: Thresholds,
  repoName: string
): ImageSpec[] {
  const text = optional(get(Inputs.Images))
  if (text) return parseImagesConfig(text, `input \`${Inputs.Images}\``, get, defaults)
  const single = singleImage(get, defaults, repoName)
  if (!usesConfigFile(get)) return [single]
  const config = readFile(CONFIG_FILE)
  if (config !== undefined) return parseImagesConfig(config, CONFIG_FILE, get, defaults)
  return [single]
}

function singleImage(get: InputGetter, thresholds: Thresholds, repoName: string): ImageSpec {
  const image = optional(get(Inputs.Image))
  const archive = optional(get(Inputs.Archive))
  if (image && archive) {
    throw new Error(
      `inputs \`${Inputs.Image}\` and \`${Inputs.Archive}\` are both set: give one of them`
    )
  }
  const build = buildSpec(get)
  const given = optional(get(Inputs.Name))
  const name = checkName(
    given ?? deriveName({ image, archive, file: build.file, repoName }),
    given
      ? inputLabel(Inputs.Name)
      : `the image name derived from the inputs (set \`${Inputs.Name}\`)`
  )
  const platform = optional(get(Inputs.Platform))
  if (platform) checkPlatformChoice(platform, inputLabel(Inputs.Platform))
  return {
    name,
    ...(image ? { image } : {}),
    ...(archive ? { archive } : {}),
    ...(!image && !archive ? { build } : {}),
    ...(!image && !archive
      ? { dockerfile: build.file }
      : optional(get(Inputs.File))
        ? { dockerfile: build.file }
        : {}),
    ...(platform ? { platform } : {}),
    thresholds
  }
}

function buildSpec(get: InputGetter): BuildSpec {
  const context = optional(get(Inputs.Context)) ?? '.'
  const target = optional(get(Inputs.Target))
  const network = optional(get(Inputs.Network))
  return {
    context,
    file: optional(get(Inputs.File)) ?? posix.join(context, 'Dockerfile'),
    ...(target ? { target } : {}),
    buildArgs: parseBuildArgs(get(Inputs.BuildArgs), Inputs.BuildArgs),
    secrets: parseLines(get(Inputs.BuildSecrets)),
    ...(network ? { network } : {}),
    cacheFrom: parseLines(get(Inputs.CacheFrom)),
    cacheTo: parseLines(get(Inputs.CacheTo))
  }
}

/** A name for the image when none is given: the Dockerfile's directory or suffix, the image name. */
export function deriveName(p: {
  image?: string
  archive?: string
  file?: string
  repoName: string
}): string {
  if (p.image)
    return (
      p.image
        .replace(/@.*$/, '')
        .replace(/:[^/:]*$/, '')
        .split('/')
        .pop() || 'image'
    )
  if (p.archive)
    return basename(p.archive.replace(/^oci:/, '')).replace(/(\.tar)?(\.gz|\.tgz)?$/, '') || 'image'
  const file = (p.file ?? 'Dockerfile').replace(/\\/g, '/')
  const base = posix.basename(file)
  const suffix = /^Dockerfile\.(.+)$/i.exec(base) ?? /^(.+)\.Dockerfile$/i.exec(base)
  if (suffix) return suffix[1]
  const dir = posix.basename(posix.dirname(posix.normalize(file)))
  return dir && dir !== '.' ? dir : p.repoName
}

const IMAGE_KEYS = [
  'name',
  'image',
  'archive',
  'context',
  'file',
  'target',
  'build-args',
  'platform',
  'max-size',
  'max-increase',
  'warn-increase',
  'ignore-base-change',
  'fail-on-hints'
]

/** The `images` YAML (input or .github/image-size-guard.yml): a list, or `{ images: [...] }`. */
export function parseImagesConfig(
  text: string,
  where: string,
  get: InputGetter,
  defaults: Thresholds
): ImageSpec[] {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (e) {
    const at = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : ''
    throw new Error(
      `${where} is not valid YAML${at}: ${(e as Error).message.split('\n')[0].replace(/:\s*$/, '')}`
    )
  }
  const list = Array.isArray(doc)
    ? doc
    : isRecord(doc) && Array.isArray(doc.images)
      ? doc.images
      : undefined
  if (!list || list.length === 0) {
    throw new Error(
      `${where} must be a non-empty YAML list of images (each with name and context/file, image or archive)`
    )
  }
  if (list.length > MAX_IMAGES) {
    throw new Error(
      `${where} lists ${list.length} images; at most ${MAX_IMAGES} are measured per run: split them over jobs (each with its own \`comment-key\`)`
    )
  }
  const specs = list.map((entry, i) => imageEntry(entry, `${where}, entry ${i + 1}`, get, defaults))
  const dup = specs.map(s => s.name).find((n, i, all) => all.indexOf(n) !== i)
  if (dup) throw new Error(`${where}: two images are named "${dup}"; names must be unique`)
  return specs
}

function imageEntry(
  entry: unknown,
  where: string,
  get: InputGetter,
  defaults: Thresholds
): ImageSpec {
  if (!isRecord(entry))
    throw new Error(`${where} must be a mapping like {name: api, context: services/api}`)
  const unknown = Object.keys(entry).filter(k => !IMAGE_KEYS.includes(k))
  if (unknown.length)
    throw new Error(
      `${where}: unknown key(s) ${unknown.join(', ')}; allowed: ${IMAGE_KEYS.join(', ')}`
    )
  const field = (k: string) => scalar(entry[k], `${where}, ${k}`)
  const own: InputGetter = n => field(n) ?? ''
  const fallback: InputGetter = n => (entry[n] === undefined ? get(n) : own(n))
  const image = field('image')
  const archive = field('archive')
  if (image && archive) throw new Error(`${where}: give image or archive, not both`)
  const build = buildSpec(n =>
    n === Inputs.BuildArgs
      ? buildArgsText(entry['build-args'], where)
      : ['context', 'file', 'target'].includes(n)
        ? own(n)
        : get(n)
  )
  const name = checkName(
    field('name') ?? deriveName({ image, archive, file: build.file, repoName: 'image' }),
    field('name') ? `${where}, name` : `${where} (set \`name\`)`
  )
  const platform = field('platform') ?? optional(get(Inputs.Platform))
  if (platform) checkPlatformChoice(platform, `${where}, platform`)
  const thresholds = hasThresholds(entry) ? readThresholds(fallback, `${where}, `) : defaults
  return {
    name,
    ...(image ? { image } : {}),
    ...(archive ? { archive } : {}),
    ...(!image && !archive
      ? { build, dockerfile: build.file }
      : field('file')
        ? { dockerfile: build.file }
        : {}),
    ...(platform ? { platform } : {}),
    thresholds
  }
}

function hasThresholds(entry: Record<string, unknown>): boolean {
  return ['max-size', 'max-increase', 'warn-increase', 'ignore-base-change', 'fail-on-hints'].some(
    k => k in entry
  )
}

function buildArgsText(value: unknown, where: string): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (isRecord(value))
    return Object.entries(value)
      .map(([k, v]) => `${k}=${scalar(v, `${where}, build-args.${k}`) ?? ''}`)
      .join('\n')
  throw new Error(`${where}, build-args must be a mapping (KEY: value) or KEY=VALUE lines`)
}

function scalar(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value)
  throw new Error(`${where} must be a single value, not a list or mapping`)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

// ---------------------------------------------------------------- scalars

export function optional(value: string): string | undefined {
  const v = value.trim()
  return v === '' ? undefined : v
}

/** YAML 1.2 core booleans, as @actions/core accepts them; empty → the default. */
export function parseBoolean(value: string, name: string, fallback: boolean): boolean {
  const v = value.trim()
  if (v === '') return fallback
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw new Error(`${inputLabel(name)} must be true or false, got "${v}"`)
}

export function parseCount(value: string, name: string, fallback: number): number {
  const v = value.trim().replace(/_/g, '')
  if (v === '') return fallback
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    throw new Error(`${inputLabel(name)} must be a whole number above 0, got "${value.trim()}"`)
  }
  return Number(v)
}

export function parseSizeInput(value: string, name: string, fallback: number): number {
  const v = value.trim()
  if (v === '') return fallback
  const bytes = parseSize(v)
  if (bytes === undefined || bytes < 1) {
    throw new Error(`${inputLabel(name)} must be ${SIZE_HELP}, got "${v}"`)
  }
  return bytes
}

export function parseEnum<T extends string>(
  value: string,
  name: string,
  allowed: T[],
  fallback: T
): T {
  const v = value.trim()
  if (v === '') return fallback
  if (!allowed.includes(v as T)) {
    throw new Error(`${inputLabel(name)} must be one of ${allowed.join(', ')}; got "${v}"`)
  }
  return v as T
}

/** A matrix leg's name: it ends an artifact name, so letters, digits and `._-` only. */
export function parseLegName(value: string, name: string): string {
  const v = value.trim()
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(v)) {
    throw new Error(
      `${inputLabel(name)}: "${v.slice(0, 100)}" is not a usable leg name (1–100 letters, digits, \`._-\`)`
    )
  }
  return v
}

/** Comma- or newline-separated list. */
export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

function parseLines(value: string): string[] {
  return value
    .split('\n')
    .map(s => s.trim())
    .filter(s => s !== '' && !s.startsWith('#'))
}

/** Multiline `KEY=VALUE` build args. */
export function parseBuildArgs(value: string, name: string): Record<string, string> {
  const args: Record<string, string> = {}
  for (const line of parseLines(value)) {
    const eq = line.indexOf('=')
    const key = eq < 0 ? line : line.slice(0, eq).trim()
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(`${inputLabel(name)}: "${line}" is not KEY=VALUE (one per line)`)
    }
    args[key] = eq < 0 ? '' : line.slice(eq + 1)
  }
  return args
}
