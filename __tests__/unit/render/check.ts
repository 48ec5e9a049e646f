// Structural checks on rendered markdown. No CommonMark/GFM engine is available offline, so
// the tests assert the properties that make the output safe and well-formed instead.

import { expect } from '@jest/globals'

/** Tags the renderer itself writes; anything else came from untrusted text. */
const OUR_TAGS = new Set(['details', 'summary', 'code', 'a', 'b', 'sub'])

export function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1
}

/** Text outside `<code>…</code>`, where GitHub would look for mentions and references. */
export function outsideCode(body: string): string {
  return body.replace(/<code>[^]*?<\/code>/g, '<code></code>')
}

export function expectWellFormed(body: string, marker?: string): void {
  if (marker !== undefined) {
    expect(body.startsWith(marker)).toBe(true)
    expect(occurrences(body, marker)).toBe(1)
  }
  const comments = occurrences(body, '<!--')
  expect(comments).toBe(marker === undefined ? 0 : 1)
  expectOnlyOurTags(body)
  expectBalanced(body, '<details', '</details>')
  for (const tag of ['code', 'a', 'b', 'sub', 'summary'])
    expectBalanced(body, `<${tag}`, `</${tag}>`)
  expect(occurrences(body, '```') % 2).toBe(0)
  expectNoPings(body)
  expectTablesIntact(body)
  // eslint-disable-next-line no-control-regex -- looking for control characters
  expect(body).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/)
  expect(body.split('\n').some(line => line.startsWith('::'))).toBe(false)
}

function expectOnlyOurTags(body: string): void {
  const tags = new Set([...body.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map(m => m[1].toLowerCase()))
  for (const tag of tags) expect(OUR_TAGS.has(tag) ? tag : `unexpected <${tag}>`).toBe(tag)
}

/** Opening and closing tags match in count and never close more than is open. */
function expectBalanced(body: string, open: string, close: string): void {
  const re = new RegExp(`${open}[ >]|${close}`, 'g')
  let depth = 0
  for (const m of body.matchAll(re)) {
    depth += m[0] === close ? -1 : 1
    expect(depth).toBeGreaterThanOrEqual(0)
  }
  expect(`${open}: ${depth} left open`).toBe(`${open}: 0 left open`)
}

/** Character references decoded, as GitHub's filters see the text after parsing. */
export function decode(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

/** No `@name` or `#123` that GitHub would turn into a ping or a cross-reference. */
export function expectNoPings(html: string): void {
  const prose = decode(outsideCode(html))
  expect(prose).not.toMatch(/(^|[^\w`])@[a-z0-9]/i)
  expect(prose).not.toMatch(/(^|[^\w])#[0-9]/)
}

/** Every row of a table has as many cell separators as its header. */
function expectTablesIntact(body: string): void {
  let cells: number | undefined
  for (const line of body.split('\n')) {
    if (!line.startsWith('|')) {
      cells = undefined
      continue
    }
    const n = occurrences(line, '|')
    cells ??= n
    expect(`${n} cells in ${line.slice(0, 80)}`).toBe(`${cells} cells in ${line.slice(0, 80)}`)
  }
}
