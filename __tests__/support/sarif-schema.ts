// The SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK ships it (@microsoft/jest-sarif:
// sarif-2.1.0-rtm.5.json, the schema published with the 2.1.0 standard; JSON Schema
// draft-04, hence ajv-draft-04), compiled once for tests.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats, { type FormatsPlugin } from 'ajv-formats'

// Both are CommonJS with a `default` export (see src/baseline/schema.ts).
type Ajv04 = typeof import('ajv-draft-04').default
const Ajv = ((ajvDraft04 as unknown as { default?: Ajv04 }).default ??
  ajvDraft04) as unknown as Ajv04
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ??
  ajvFormats) as unknown as FormatsPlugin

const require = createRequire(import.meta.url)

export function sarifValidator(): (data: unknown) => string[] {
  const pkg = dirname(require.resolve('@microsoft/jest-sarif/package.json'))
  const schema = JSON.parse(
    readFileSync(join(pkg, 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8')
  ) as object
  // The schema's `language` pattern (`…]?$`) is not valid with the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
  addFormats(ajv)
  const validate = ajv.compile(schema)
  return data =>
    validate(data) ? [] : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`)
}
