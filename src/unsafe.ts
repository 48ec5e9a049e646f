// The characters that must never reach a log, a terminal or markdown as they are: C0 and C1
// controls (tab and newlines included), DEL, bidi embeddings/overrides/isolates and marks, and
// lone surrogates. One definition for the renderers (render/escape.ts, render/terminal.ts) and
// the readers' messages (image/layer/errors.ts).

export const UNSAFE_CHARS =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]' +
  '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]'

/** A fresh global regex for UNSAFE_CHARS (global regexes carry state: one per use site). */
export function unsafeChars(extra = ''): RegExp {
  return new RegExp(`${UNSAFE_CHARS}${extra}`, 'g')
}
