// The JSON documents of an image: manifest.json, index.json, nested indexes, manifests and the
// config. Invalid, huge, deeply nested, self-referencing, pointing outside the archive, fields
// of the wrong type, 10k manifests, mismatched diff_ids, and blobs that are JSON where a layer
// is expected (or a layer where JSON is).

import { createHash } from 'node:crypto'
import type { Rng } from '../rng.js'
import type { Doc, MutState } from '../state.js'
import {
  BOTH,
  ESCAPE,
  evilJsonValue,
  evilPath,
  nested,
  NotApplicable,
  short,
  type Mutation,
  type MutationContext
} from './kit.js'

type Role = 'manifest.json' | 'index.json' | 'config' | 'manifest' | 'index' | 'other'

interface JsonDoc {
  doc: Doc
  value: unknown
  role: Role
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function roleOf(path: string, value: unknown): Role {
  if (path === 'manifest.json' || path === 'index.json') return path
  if (!isObject(value)) return 'other'
  if ('rootfs' in value) return 'config'
  if (Array.isArray(value.layers)) return 'manifest'
  if (Array.isArray(value.manifests)) return 'index'
  return 'other'
}

function jsonDocs(s: MutState, roles?: Role[]): JsonDoc[] {
  const all = s.jsonDocs().map(({ doc, value }) => ({ doc, value, role: roleOf(doc.path, value) }))
  const wanted = roles ? all.filter(d => roles.includes(d.role)) : all
  if (wanted.length === 0) throw new NotApplicable(`no ${roles?.join('/') ?? 'JSON'} document`)
  return wanted
}

function pickDoc(s: MutState, rng: Rng, roles?: Role[]): JsonDoc {
  return rng.pick(jsonDocs(s, roles))
}

function setJson(doc: Doc, value: unknown): void {
  doc.set(Buffer.from(JSON.stringify(value)))
}

function json(
  name: string,
  about: string,
  apply: (s: MutState, ctx: MutationContext) => string
): Mutation {
  return { name, group: 'json', about, stage: 0, kinds: BOTH, apply }
}

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const blobPath = (digest: string): string => `blobs/sha256/${digest.slice(7)}`

/** Adds a JSON blob under its own digest; returns the digest. */
function addBlob(s: MutState, value: unknown): string {
  const data = Buffer.from(JSON.stringify(value))
  const digest = `sha256:${sha(data)}`
  s.addFile(blobPath(digest), data)
  return digest
}

/** index.json, created (listing nothing) when the seed has none. */
function topIndex(s: MutState): JsonDoc {
  const found = s.jsonDocs().find(d => d.doc.path === 'index.json')
  if (found) return { ...found, role: 'index.json' }
  const value = { schemaVersion: 2, manifests: [] }
  const doc = s.addFile('index.json', Buffer.from(JSON.stringify(value)))
  return { doc, value, role: 'index.json' }
}

function manifestsOf(value: unknown): unknown[] {
  if (!isObject(value) || !Array.isArray(value.manifests))
    throw new NotApplicable('no manifests list')
  return value.manifests
}

const MT = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  list: 'application/vnd.docker.distribution.manifest.list.v2+json'
}

// ----- documents as text -----------------------------------------------------------------------

const jsonTruncate = json('json-truncate', 'a JSON document cut short', (s, { rng }) => {
  const { doc, role } = pickDoc(s, rng)
  const data = doc.get()
  const at = rng.int(data.length)
  doc.set(data.subarray(0, at))
  return `${role} ${short(doc.path)} at ${at}/${data.length}`
})

const GARBAGE: [string, (text: string, rng: Rng) => Buffer][] = [
  [
    'flipped bytes',
    (t, rng) => {
      const b = Buffer.from(t)
      for (let i = 0; i < 4; i++) b[rng.int(b.length)] ^= 1 << rng.int(8)
      return b
    }
  ],
  [
    'invalid UTF-8',
    t =>
      Buffer.concat([
        Buffer.from(t.slice(0, 10)),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(t.slice(10))
      ])
  ],
  ['BOM', t => Buffer.from(`\uFEFF${t}`)],
  ['trailing garbage', t => Buffer.from(`${t} }]garbage`)],
  ['NaN token', t => Buffer.from(t.replace(/\d+/, 'NaN'))],
  ['comment', t => Buffer.from(`// hi\n${t}`)],
  [
    'duplicate keys',
    t => Buffer.from(t.replace(/^\{/, '{"schemaVersion":99,"manifests":7,"Layers":0,'))
  ],
  [
    '__proto__ key',
    t =>
      Buffer.from(
        t.replace(/^\{/, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},')
      )
  ],
  ['raw control chars', t => Buffer.from(t.replace(/"([a-z])/, '"\u0001\u0007\n$1'))],
  ['UTF-16', t => Buffer.from(t, 'utf16le')],
  ['empty', () => Buffer.alloc(0)],
  ['whitespace only', () => Buffer.from('   \n\t  ')],
  ['a bare string', () => Buffer.from('"manifest"')],
  ['null', () => Buffer.from('null')]
]

const jsonGarbage = json(
  'json-garbage',
  'invalid JSON: flipped bytes, invalid UTF-8, BOM, trailing garbage, NaN, comments, duplicate and __proto__ keys, UTF-16, empty',
  (s, { rng }) => {
    const { doc, role } = pickDoc(s, rng)
    const [name, garble] = rng.pick(GARBAGE)
    doc.set(garble(doc.get().toString('utf8'), rng))
    return `${name} in ${role} ${short(doc.path)}`
  }
)

const jsonDeepNesting = json(
  'json-deep-nesting',
  'JSON nested 1k-100k levels deep (stack overflows in JSON.parse/stringify?), as a document or in one field',
  (s, { rng }) => {
    const { doc, role } = pickDoc(s, rng)
    const depth = rng.pick([1_000, 10_000, 100_000])
    const kind = rng.pick(['array', 'object'] as const)
    const deep = nested(depth, kind)
    const text = doc.get().toString('utf8')
    const field = rng.pick([
      'whole',
      'Config',
      'Layers',
      'manifests',
      'config',
      'history',
      'rootfs',
      'platform'
    ])
    if (field === 'whole') doc.set(Buffer.from(deep))
    else if (role === 'manifest.json') doc.set(Buffer.from(`[{"${field}":${deep},"Layers":[]}]`))
    else doc.set(Buffer.from(text.replace(/^\s*\{/, `{"${field}":${deep},`)))
    return `${depth} ${kind}s in ${field} of ${role} ${short(doc.path)}`
  }
)

// ----- values ----------------------------------------------------------------------------------

/** Paths to every value of a JSON tree (bounded). */
function valuePaths(value: unknown, limit = 2000): (string | number)[][] {
  const out: (string | number)[][] = [[]]
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (out.length >= limit) return
    const keys: (string | number)[] = Array.isArray(v)
      ? v.map((_, i) => i)
      : isObject(v)
        ? Object.keys(v)
        : []
    for (const k of keys) {
      const p = [...path, k]
      out.push(p)
      walk((v as Record<string | number, unknown>)[k], p)
    }
  }
  walk(value, [])
  return out
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  let node = root as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>
  node[path[path.length - 1]] = value
  return root
}

const typeConfusion = json(
  'json-type-confusion',
  'one value of a document replaced by another type or a hostile value (null, -1, 1e308, huge strings, __proto__)',
  (s, { rng }) => {
    const { doc, value, role } = pickDoc(s, rng)
    const path = rng.pick(valuePaths(value))
    const replacement = evilJsonValue(rng)
    setJson(doc, setAt(value, path, replacement))
    return `${role}${path
      .map(p => `[${JSON.stringify(p)}]`)
      .join('')
      .slice(0, 60)} = ${String(JSON.stringify(replacement)).slice(0, 30)}`
  }
)

const jsonHuge = json(
  'json-huge',
  'a JSON document over maxJsonBytes (limit lowered to hit it), padded to MBs, or an unneeded huge JSON blob',
  (s, ctx) => {
    const { rng } = ctx
    const { doc, role } = pickDoc(s, rng)
    const data = doc.get()
    const kind = rng.pick([
      'limit below it',
      'padded past the limit',
      'unrelated huge blob'
    ] as const)
    if (kind === 'limit below it') {
      s.options.maxJsonBytes = rng.range(1, Math.max(1, data.length - 1))
      return `maxJsonBytes ${s.options.maxJsonBytes} < ${role} (${data.length} B)`
    }
    const size = ctx.small ? 300_000 : rng.pick([1_100_000, 3_000_000])
    s.options.maxJsonBytes = 1_000_000
    const padded = Buffer.concat([data, Buffer.alloc(size - data.length, 0x20)])
    if (kind === 'padded past the limit') doc.set(padded)
    else
      s.addFile(
        `blobs/sha256/${'e'.repeat(64)}`,
        Buffer.concat([Buffer.from('{"x":"'), Buffer.alloc(size, 0x61), Buffer.from('"}')])
      )
    return `${kind}: ${size} B, maxJsonBytes 1000000 (${role})`
  }
)

function randomDigest(rng: Rng): string {
  return `sha256:${rng.bytes(32).toString('hex')}`
}

const index10k = json(
  'index-10k-manifests',
  'index.json with 10k manifest descriptors (absent blobs, duplicates of the real one, random platforms)',
  (s, ctx) => {
    const { rng } = ctx
    const target = rng.chance(0.7) ? topIndex(s) : pickDoc(s, rng, ['index', 'index.json'])
    const list = manifestsOf(target.value)
    const real = list.filter(isObject)
    const n = ctx.small ? 1_000 : 10_000
    for (let i = 0; i < n; i++) {
      const copy = real.length > 0 && rng.chance(0.2)
      list.push(
        copy
          ? { ...rng.pick(real) }
          : {
              mediaType: rng.pick([MT.manifest, MT.index, undefined]),
              digest: randomDigest(rng),
              size: rng.int(1e6),
              platform: {
                os: 'linux',
                architecture: rng.pick(['amd64', 'arm64', 's390x', `a${i}`])
              }
            }
      )
    }
    setJson(target.doc, target.value)
    return `${n} descriptors in ${short(target.doc.path)}`
  }
)

const indexSelfReference = json(
  'index-self-reference',
  'image indexes that list themselves or each other (A -> B -> A), with and without media types',
  (s, { rng }) => {
    const top = topIndex(s)
    const withType = rng.chance(0.5)
    const kind = rng.pick(['self', 'pair', 'nested self'] as const)
    const desc = (digest: string): Record<string, unknown> => ({
      ...(withType ? { mediaType: MT.index } : {}),
      digest,
      size: 100
    })
    // A blob that lists its own digest: its name is what the reader trusts, not its hash.
    const selfDigest = randomDigest(rng)
    const otherDigest = randomDigest(rng)
    const write = (digest: string, lists: string[]): void => {
      s.addFile(
        blobPath(digest),
        Buffer.from(
          JSON.stringify({ schemaVersion: 2, mediaType: MT.index, manifests: lists.map(desc) })
        )
      )
    }
    if (kind === 'self') write(selfDigest, [selfDigest])
    else if (kind === 'pair') {
      write(selfDigest, [otherDigest])
      write(otherDigest, [selfDigest])
    } else {
      write(selfDigest, [otherDigest])
      write(otherDigest, [otherDigest])
    }
    manifestsOf(top.value).unshift(desc(selfDigest))
    setJson(top.doc, top.value)
    return `${kind}${withType ? ' (typed)' : ' (by shape)'}`
  }
)

const indexDeepChain = json(
  'index-deep-chain',
  'a chain of nested indexes 7-30 deep in front of the real manifest',
  (s, { rng }) => {
    const top = topIndex(s)
    const list = manifestsOf(top.value)
    const depth = rng.pick([7, 8, 9, 30])
    let head: unknown[] = list.length > 0 ? [list[0]] : []
    for (let i = 0; i < depth; i++) {
      const digest = addBlob(s, { schemaVersion: 2, mediaType: MT.index, manifests: head })
      head = [{ mediaType: MT.index, digest, size: 10 }]
    }
    list.splice(0, list.length, ...head)
    setJson(top.doc, top.value)
    return `${depth} levels`
  }
)

const EVIL_DIGESTS = [
  'sha256:../../../../etc/passwd',
  `sha256:../${ESCAPE}`,
  'sha256:' + 'A'.repeat(64),
  'sha256:' + 'a'.repeat(63),
  'sha512:' + 'a'.repeat(64),
  'md5:d41d8cd98f00b204e9800998ecf8427e',
  'sha256:' + 'a'.repeat(64) + '/../../x',
  '',
  'sha256:',
  ':' + 'a'.repeat(64)
]

const pathsOutside = json(
  'paths-outside',
  'manifest.json Config/Layers and descriptor digests that point outside the archive (../, absolute, bad digests)',
  (s, { rng }) => {
    const docs = jsonDocs(s, ['manifest.json', 'manifest', 'index', 'index.json'])
    const { doc, value, role } = rng.pick(docs)
    if (role === 'manifest.json' && Array.isArray(value) && isObject(value[0])) {
      const entry = value[0]
      const field = rng.pick(['Config', 'Layers'])
      const evil = rng.pick([evilPath(rng), '../../../etc/passwd', '/etc/passwd', 'manifest.json'])
      if (field === 'Config') entry.Config = evil
      else if (Array.isArray(entry.Layers) && entry.Layers.length > 0)
        entry.Layers[rng.int(entry.Layers.length)] = evil
      setJson(doc, value)
      return `manifest.json ${field} = ${JSON.stringify(evil.slice(0, 30))}`
    }
    const descriptors = valuePaths(value).filter(p => p[p.length - 1] === 'digest')
    if (descriptors.length === 0) throw new NotApplicable('no digests')
    const digest = rng.pick(EVIL_DIGESTS)
    setJson(doc, setAt(value, rng.pick(descriptors), digest))
    return `${role} digest = ${JSON.stringify(digest.slice(0, 30))}`
  }
)

const diffIdsMismatch = json(
  'diff-ids-mismatch',
  'config rootfs.diff_ids shorter, longer, duplicated, garbage strings, not a list, 10k long',
  (s, { rng }) => {
    const { doc, value } = pickDoc(s, rng, ['config'])
    const rootfs = (value as { rootfs?: { diff_ids?: unknown } }).rootfs ?? {}
    const ids = Array.isArray(rootfs.diff_ids) ? [...(rootfs.diff_ids as unknown[])] : []
    const kind = rng.pick([
      'one less',
      'one more',
      'duplicated',
      'garbage',
      'not a list',
      '10k',
      'empty'
    ] as const)
    if (kind === 'one less') ids.pop()
    else if (kind === 'one more') ids.push(randomDigest(rng))
    else if (kind === 'duplicated') ids.push(...ids)
    else if (kind === 'garbage')
      ids[rng.int(Math.max(1, ids.length))] = rng.pick(['', 'x', '../..', 42] as unknown[])
    else if (kind === '10k') for (let i = 0; i < 10_000; i++) ids.push(randomDigest(rng))
    rootfs.diff_ids = kind === 'not a list' ? 'sha256:x' : kind === 'empty' ? [] : ids
    ;(value as { rootfs: unknown }).rootfs = rootfs
    setJson(doc, value)
    return kind
  }
)

const CONFIG_FIELDS = [
  ['history'],
  ['history', 0],
  ['history', 0, 'created_by'],
  ['history', 0, 'empty_layer'],
  ['history', 0, 'created'],
  ['history', 0, 'comment'],
  ['config'],
  ['config', 'Env'],
  ['config', 'Cmd'],
  ['config', 'Entrypoint'],
  ['config', 'User'],
  ['config', 'WorkingDir'],
  ['config', 'Labels'],
  ['config', 'ExposedPorts'],
  ['os'],
  ['architecture'],
  ['variant'],
  ['created'],
  ['rootfs', 'type']
] as const

const configChaos = json(
  'config-chaos',
  'image config fields the analysis reads, of the wrong type or huge (history, created_by, Env, Cmd, Labels, 100k history rows)',
  (s, ctx) => {
    const { rng } = ctx
    const { doc, value } = pickDoc(s, rng, ['config'])
    const config = value as Record<string, unknown>
    const kind = rng.pick([
      'field',
      'field',
      'huge history',
      'huge created_by',
      'huge Env'
    ] as const)
    if (kind === 'field') {
      const path = [...rng.pick(CONFIG_FIELDS)]
      ensurePath(config, path)
      const replacement = evilJsonValue(rng)
      setJson(doc, setAt(config, path, replacement))
      return `${path.join('.')} = ${String(JSON.stringify(replacement)).slice(0, 30)}`
    }
    const n = ctx.small ? 5_000 : 100_000
    if (kind === 'huge history')
      config.history = Array.from({ length: n }, (_, i) => ({
        created_by: `RUN ${i}`,
        empty_layer: i % 2 === 0
      }))
    if (kind === 'huge created_by') config.history = [{ created_by: 'RUN ' + 'x'.repeat(n * 10) }]
    if (kind === 'huge Env')
      config.config = { Env: Array.from({ length: n }, (_, i) => `V${i}=${i}`) }
    setJson(doc, config)
    return kind
  }
)

function ensurePath(root: Record<string, unknown>, path: (string | number)[]): void {
  let node: Record<string | number, unknown> = root
  for (const [i, k] of path.slice(0, -1).entries()) {
    if (typeof node[k] !== 'object' || node[k] === null)
      node[k] = typeof path[i + 1] === 'number' ? [{}] : {}
    node = node[k] as Record<string | number, unknown>
  }
}

const manifestJsonChaos = json(
  'manifest-json-chaos',
  'manifest.json with 1000 entries, entries naming missing configs, garbage RepoTags; a reference asked for',
  (s, { rng }) => {
    const { doc, value } = pickDoc(s, rng, ['manifest.json'])
    if (!Array.isArray(value) || value.length === 0) throw new NotApplicable('empty manifest.json')
    const kind = rng.pick([
      '1000 copies',
      'missing config first',
      'garbage RepoTags',
      'reference asked'
    ] as const)
    if (kind === '1000 copies')
      for (let i = 0; i < 1000; i++) value.push({ ...value[0], RepoTags: [`x/y:${i}`] })
    if (kind === 'missing config first')
      value.unshift({ Config: `${'b'.repeat(64)}.json`, RepoTags: ['other:1'], Layers: [] })
    if (kind === 'garbage RepoTags')
      value[0].RepoTags = rng.pick<unknown>([7, [null, 5, {}], 'x', ['::::', '@@@', '']])
    s.options.reference = rng.pick([
      'example/app:1.0',
      'other:1',
      'nope:0',
      'sha256:' + 'a'.repeat(64),
      '',
      '::',
      '@'
    ])
    setJson(doc, value)
    return `${kind}, reference ${JSON.stringify(s.options.reference)}`
  }
)

const platformChaos = json(
  'platform-chaos',
  'descriptor and config platforms that are odd or of the wrong type; --platform asked with junk',
  (s, { rng }) => {
    s.options.platform = rng.pick([
      '',
      '/',
      'linux/',
      'a/b/c/d',
      'LINUX/AMD64',
      'linux/arm/v7',
      'windows/amd64',
      'linux/amd64/v1',
      '💥/x',
      'linux/arm64/v8',
      ...s.platforms
    ])
    const docs = jsonDocs(s, ['index', 'index.json', 'config'])
    const { doc, value, role } = rng.pick(docs)
    const odd = rng.pick<unknown>([
      { os: '', architecture: '/' },
      { os: 123 },
      null,
      'linux/amd64',
      { os: 'linux', architecture: 'amd64', variant: 'v9/../x' },
      { os: 'unknown', architecture: 'unknown' }
    ])
    if (role === 'config') Object.assign(value as object, isObject(odd) ? odd : { os: odd })
    else for (const d of manifestsOf(value)) if (isObject(d)) d.platform = odd
    setJson(doc, value)
    return `${role}: ${JSON.stringify(odd)}, --platform ${JSON.stringify(s.options.platform)}`
  }
)

const mediaTypeChaos = json(
  'media-type-chaos',
  'media types swapped (index <-> manifest <-> config <-> layer), unknown or missing',
  (s, { rng }) => {
    const { doc, value, role } = pickDoc(s, rng, ['index', 'index.json', 'manifest'])
    const paths = valuePaths(value).filter(p => p[p.length - 1] === 'mediaType')
    if (paths.length === 0) throw new NotApplicable('no media types')
    const to = rng.pick<unknown>([
      MT.index,
      MT.manifest,
      MT.config,
      MT.layer,
      MT.list,
      'application/x-evil',
      undefined,
      7
    ])
    setJson(doc, setAt(value, rng.pick(paths), to))
    return `${role} ${short(doc.path)} -> ${String(to)}`
  }
)

const layersAtDirectory = json(
  'layers-at-directory',
  'manifest.json Layers naming a directory of the archive (or the archive root)',
  (s, { rng }) => {
    const { doc, value } = pickDoc(s, rng, ['manifest.json'])
    if (!Array.isArray(value) || !isObject(value[0]) || !Array.isArray(value[0].Layers))
      throw new NotApplicable('no Layers')
    const layers = value[0].Layers as unknown[]
    const dir = rng.pick([
      'blobs',
      'blobs/sha256',
      'blobs/sha256/',
      '.',
      './',
      ...layers.map(l => String(l).split('/')[0])
    ])
    layers[rng.int(Math.max(1, layers.length))] = dir
    setJson(doc, value)
    return JSON.stringify(dir)
  }
)

const blobJsonAsLayer: Mutation = {
  name: 'blob-json-as-layer',
  group: 'json',
  about: 'a layer blob (named like a layer) whose content is JSON',
  stage: 0,
  kinds: BOTH,
  apply: (s, { rng }) => {
    const layers = s.layerDocs()
    if (layers.length === 0) throw new NotApplicable('no layers')
    const doc = rng.pick(layers)
    const text = rng.pick([
      '{}',
      '[]',
      '{"layers":[{"digest":"sha256:' + 'a'.repeat(64) + '"}]}',
      '[' + '1,'.repeat(50_000) + '1]',
      '{"rootfs":{"diff_ids":[]}}'
    ])
    doc.set(Buffer.from(text))
    return `${short(doc.path)} = ${text.slice(0, 30)}`
  }
}

const BLOB_GARBAGE: [string, (rng: Rng) => Buffer][] = [
  ['random', rng => rng.bytes(rng.range(1, 5000))],
  ['empty', () => Buffer.alloc(0)],
  ['one zero block', () => Buffer.alloc(512)],
  ['zip', () => Buffer.from('PK\u0003\u0004garbage')],
  ['gzip magic only', () => Buffer.from([0x1f, 0x8b])],
  ['gzip header only', () => Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])],
  ['zstd magic only', () => Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
  ['bzip2', () => Buffer.from('BZh91AY&SY')],
  ['xz', () => Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['skippable frame only', () => Buffer.from([0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4])]
]

const blobGarbageAsLayer: Mutation = {
  name: 'blob-garbage-as-layer',
  group: 'json',
  about:
    'a layer blob that is random bytes, empty, a lone zero block, zip/bzip2/xz, or only a gzip/zstd magic',
  stage: 0,
  kinds: BOTH,
  apply: (s, { rng }) => {
    const layers = s.layerDocs()
    if (layers.length === 0) throw new NotApplicable('no layers')
    const doc = rng.pick(layers)
    const [name, make] = rng.pick(BLOB_GARBAGE)
    doc.set(make(rng))
    return `${short(doc.path)}: ${name}`
  }
}

export const JSON_MUTATIONS: Mutation[] = [
  jsonTruncate,
  jsonGarbage,
  jsonDeepNesting,
  typeConfusion,
  jsonHuge,
  index10k,
  indexSelfReference,
  indexDeepChain,
  pathsOutside,
  diffIdsMismatch,
  configChaos,
  manifestJsonChaos,
  platformChaos,
  mediaTypeChaos,
  layersAtDirectory,
  blobJsonAsLayer,
  blobGarbageAsLayer
]
