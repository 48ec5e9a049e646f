// The report a matrix leg leaves on a push (on a pull request it leaves the fork-safe measure
// payload, see report-schema.ts): which commit it measured, and the trimmed reports.

import { MEASURE_SCHEMA, SHA_PATTERN } from './report-schema.js'

export const LEG_KIND = 'image-size-guard-leg'
export const LEG_SCHEMA_VERSION = 1

const measureProperties = (MEASURE_SCHEMA as { properties: Record<string, object> }).properties

export const LEG_SCHEMA = {
  type: 'object',
  properties: {
    schemaVersion: { const: LEG_SCHEMA_VERSION },
    kind: { const: LEG_KIND },
    sha: { type: 'string', maxLength: 64, pattern: SHA_PATTERN },
    // The same bounded result list as the measure payload.
    results: measureProperties.results
  },
  required: ['schemaVersion', 'kind', 'sha', 'results'],
  additionalProperties: false
}
