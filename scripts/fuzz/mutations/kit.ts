// What mutations are made of: the Mutation shape, the adapters that run one tar-level edit on
// the outer archive or on a layer blob, and the hostile values they draw from.

import type { Compression } from '../compress.js'
import type { Rng } from '../rng.js'
import type { Doc, MutState } from '../state.js'
import { packItems, parseItems, walkHeaders, type HeaderPos, type TarItem } from '../tar.js'

export type Group =
  | 'outer-tar'
  | 'layer-tar'
  | 'pax-gnu'
  | 'names-links'
  | 'json'
  | 'compression'
  | 'volume'
  | 'oci-dir'

/** 0: entries and documents; 1: outer tar bytes; 2: outer compression; 3: compressed bytes. */
export type Stage = 0 | 1 | 2 | 3

export interface MutationContext {
  rng: Rng
  /** The jest smoke test: volumes are scaled down. */
  small: boolean
}

export interface Mutation {
  name: string
  group: Group
  /** One line for docs/reliability.md. */
  about: string
  stage: Stage
  kinds: readonly ('archive' | 'dir')[]
  /** Edits the input; returns the variant chosen (recorded with the case). */
  apply(s: MutState, ctx: MutationContext): string
}

/** Marks every path a hostile input aims outside its sandbox: the harness looks for it. */
export const ESCAPE = 'isg-fuzz-escape'

export const ARCHIVE: readonly ('archive' | 'dir')[] = ['archive']
export const DIR: readonly ('archive' | 'dir')[] = ['dir']
export const BOTH: readonly ('archive' | 'dir')[] = ['archive', 'dir']

export class NotApplicable extends Error {}

// ----- tar-level edits, run on the outer archive or inside a layer blob -------------------------

export interface TarEdit {
  name: string
  about: string
  /** Returns the edited tar (a new buffer) and the variant. */
  edit(tar: Buffer, ctx: MutationContext): { tar: Buffer; variant: string }
}

export interface ItemEdit {
  name: string
  about: string
  /** Edits the entry list in place; returns the variant. */
  edit(items: TarItem[], ctx: MutationContext, where: 'outer' | 'layer'): string
}

export function outerTar(e: TarEdit, group: Group = 'outer-tar'): Mutation {
  return {
    name: `outer-${e.name}`,
    group,
    about: `outer archive: ${e.about}`,
    stage: 1,
    kinds: ARCHIVE,
    apply: (s, ctx) => {
      const { tar, variant } = e.edit(s.tarBytes(), ctx)
      s.setTarBytes(tar)
      return variant
    }
  }
}

export function layerTar(e: TarEdit, group: Group = 'layer-tar'): Mutation {
  return {
    name: `layer-${e.name}`,
    group,
    about: `a layer's tar: ${e.about}`,
    stage: 0,
    kinds: BOTH,
    apply: (s, ctx) => {
      const { doc, tar, compression } = pickLayer(s, ctx.rng)
      const out = e.edit(tar, ctx)
      s.setLayer(doc, out.tar, compression)
      return `${out.variant} @ ${short(doc.path)}`
    }
  }
}

export function outerItems(e: ItemEdit, group: Group): Mutation {
  return {
    name: `outer-${e.name}`,
    group,
    about: `outer archive: ${e.about}`,
    stage: 0,
    kinds: ARCHIVE,
    apply: (s, ctx) => e.edit(s.entries(), ctx, 'outer')
  }
}

export function layerItems(e: ItemEdit, group: Group): Mutation {
  return layerTar(
    {
      name: e.name,
      about: e.about,
      edit: (tar, ctx) => {
        const items = parseItems(tar)
        const variant = e.edit(items, ctx, 'layer')
        return { tar: packItems(items), variant }
      }
    },
    group
  )
}

export function pickLayer(
  s: MutState,
  rng: Rng
): { doc: Doc; tar: Buffer; compression: Compression } {
  const candidates = rng.shuffle(s.layerDocs())
  for (const doc of candidates) {
    const info = s.layerTar(doc)
    if (info) return { doc, ...info }
  }
  throw new NotApplicable('no readable layer blob')
}

export function short(path: string): string {
  return path.replace(/([0-9a-f]{12})[0-9a-f]{52}/g, '$1…')
}

// ----- picking places ------------------------------------------------------------------------

export function pickHeader(tar: Buffer, rng: Rng): HeaderPos {
  const headers = walkHeaders(tar)
  if (headers.length === 0) throw new NotApplicable('no tar header')
  return rng.pick(headers)
}

/** An index in [0, items.length] to insert at, or an existing item. */
export function pickItemIndex(items: TarItem[], rng: Rng): number {
  if (items.length === 0) throw new NotApplicable('no entries')
  return rng.int(items.length)
}

export function fileItems(items: TarItem[]): TarItem[] {
  return items.filter(i => i.type === 'file')
}

// ----- hostile values -------------------------------------------------------------------------

/** Entry names and manifest paths that try to leave the root, or are otherwise unusual. */
export function evilPath(rng: Rng): string {
  const n = rng.int(1_000_000)
  return rng.pick([
    `../${ESCAPE}-${n}`,
    `../../../../../../../../tmp/${ESCAPE}-${n}`,
    `/tmp/${ESCAPE}-${n}`,
    `/${ESCAPE}-${n}`,
    `a/../../${ESCAPE}-${n}`,
    `./../${ESCAPE}-${n}`,
    `blobs/sha256/../../../${ESCAPE}-${n}`,
    '..',
    '.',
    '',
    '/',
    '//',
    './',
    'a/b/../../..',
    `${ESCAPE}\0.json`,
    '\0',
    `name\nwith\nnewlines-${n}`,
    `\u001b[31mred\u001b[0m-${n}`,
    `..\\..\\${ESCAPE}-${n}`,
    `C:\\${ESCAPE}-${n}`,
    'manifest.json/',
    './manifest.json',
    '//manifest.json',
    'blobs//sha256/',
    '%2e%2e/%2e%2e/x',
    '\u202eevil',
    'a'.repeat(rng.pick([101, 256, 4097, 70_000])),
    'd/'.repeat(rng.pick([60, 2100, 40_000])) + 'f'
  ])
}

/** Values for a JSON field of the wrong type, or of the right type and a hostile value. */
export function evilJsonValue(rng: Rng): unknown {
  return rng.pick<unknown>([
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    'x',
    '../../etc/passwd',
    `/${ESCAPE}`,
    'sha256:' + '0'.repeat(64),
    'sha256:../../../../etc/passwd',
    'SHA256:' + 'A'.repeat(64),
    'sha512:' + 'f'.repeat(64),
    'a'.repeat(100_000),
    [],
    [null],
    [1, 'two', { three: 3 }],
    {},
    { __proto__: null, constructor: 'x' },
    JSON.parse('{"__proto__":{"polluted":true}}'),
    { digest: 'sha256:' + 'f'.repeat(64), size: -5, mediaType: 7 },
    Array.from({ length: 1000 }, (_, i) => i)
  ])
}

export function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
}

/** Huge, negative and malformed numbers as PAX/decimal text. */
export const EVIL_SIZES = [
  '-1',
  '-512',
  '99999999999999999999999',
  '1e300',
  '18446744073709551616',
  '9007199254740993',
  '0x7fffffff',
  'NaN',
  'Infinity',
  '-0',
  ' 12',
  '12abc',
  '',
  '1'.repeat(400)
]
