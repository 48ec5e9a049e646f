/**
 * Validates HTTP traffic against GitHub's published OpenAPI description (npm `@octokit/openapi`,
 * `generated/api.github.com.json`, OpenAPI 3.0.3).
 *
 * - The 13 MB spec is parsed once per process (module cache); nothing is compiled up front.
 * - Component schemas are converted to JSON Schema (draft-07, as ajv expects) on first use and
 *   registered in one shared ajv instance, so a component compiled for one operation is reused
 *   by every other one. Per-operation validators (params, body, each response status) are
 *   compiled lazily and cached.
 * - OpenAPI 3.0 specifics handled here: `nullable`, boolean `exclusiveMinimum/Maximum`,
 *   `$ref` siblings ignored, non-JSON-Schema keywords (`example`, `readOnly`, `x-*`…) dropped.
 *
 * Leniency (deliberate, see `LENIENT_FORMATS` and `convertSchema`): formats GitHub misuses are
 * accepted as any string, and `oneOf` is checked as `anyOf` because GitHub's alternatives overlap.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import ajvFormats, { type FormatsPlugin } from 'ajv-formats'

type Json = Record<string, unknown>

interface ParameterSpec {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Json
}

interface MediaSpec {
  schema?: Json
}

interface ResponseSpec {
  description?: string
  content?: Record<string, MediaSpec>
  headers?: Record<string, unknown>
}

interface OperationSpec {
  operationId: string
  parameters?: Array<ParameterSpec | { $ref: string }>
  requestBody?: { required?: boolean; content?: Record<string, MediaSpec> }
  responses: Record<string, ResponseSpec | { $ref: string }>
  externalDocs?: { url?: string }
}

interface OpenApiSpec {
  paths: Record<string, Record<string, unknown>>
  components: Record<string, Record<string, unknown>>
}

/** One documented operation, parameters already resolved. */
export interface Operation {
  operationId: string
  method: string
  template: string
  docUrl: string
  parameters: ParameterSpec[]
  spec: OperationSpec
}

export interface RouteMatch {
  operation: Operation
  /** Path parameters as they appear in the URL, percent-decoded. */
  rawParams: Record<string, string>
}

export type MatchResult =
  { kind: 'ok'; match: RouteMatch } | { kind: 'no-path' } | { kind: 'no-method'; allowed: string[] }

export interface RequestCheck {
  ok: boolean
  /** What GitHub would answer for the failure: 404 (route/path params), 400 (bad JSON), 422. */
  status: number
  message: string
  problems: string[]
  params: Record<string, unknown>
  query: Record<string, unknown>
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const SCHEMA_ID_BASE = 'https://fake-github.test/schemas/'
const SCHEMA_REF_PREFIX = '#/components/schemas/'

/**
 * GitHub declares `format: uri` on values that are URL templates (`{/other_user}`), relative
 * paths or empty strings, `email` on values such as `noreply` placeholders, and a few
 * non-standard formats; the fake only promises shape (type/required), so these accept any value.
 */
const LENIENT_FORMATS = ['uri', 'uri-template', 'email', 'int32', 'int64', 'double', 'binary']
const STRICT_FORMATS = ['date-time', 'date'] as const

// Keywords copied verbatim; anything else (example, readOnly, deprecated, x-*) is dropped.
const PLAIN_KEYWORDS = new Set([
  'type',
  'enum',
  'required',
  'format',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default'
])

let specCache: OpenApiSpec | undefined
let routeIndex: RouteIndex | undefined
let ajvInstance: Ajv | undefined
const registeredComponents = new Set<string>()
const validatorCache = new Map<string, ValidateFunction | null>()

/** Parses the spec once per process (~0.3 s); later calls are free. */
export function loadSpec(): OpenApiSpec {
  if (!specCache) {
    const require = createRequire(import.meta.url)
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
    specCache = JSON.parse(readFileSync(file, 'utf8')) as OpenApiSpec
  }
  return specCache
}

function getAjv(): Ajv {
  if (!ajvInstance) {
    // strict: false because OpenAPI schemas carry keywords ajv does not know (discriminator…).
    ajvInstance = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true })
    const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ??
      ajvFormats) as unknown as FormatsPlugin
    addFormats(ajvInstance, [...STRICT_FORMATS])
    for (const format of LENIENT_FORMATS) ajvInstance.addFormat(format, true)
  }
  return ajvInstance
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Follows a local `#/components/...` reference (parameters, responses, request bodies). */
function resolveRef<T>(value: T | { $ref: string }): T {
  let current: unknown = value
  for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
    if (depth > 10) throw new Error(`reference loop at ${current.$ref}`)
    const parts = current.$ref.replace(/^#\//, '').split('/')
    current = parts.reduce<unknown>((node, key) => (node as Json)[key], loadSpec())
  }
  return current as T
}

// ---------------------------------------------------------------------------------------------
// Schema conversion: OpenAPI 3.0 schema object -> JSON Schema draft-07 for ajv
// ---------------------------------------------------------------------------------------------

/** Converts one schema, collecting the component names it references. */
export function convertSchema(schema: unknown, refs: Set<string>): unknown {
  if (!isObject(schema)) return schema
  if (typeof schema.$ref === 'string') return convertRef(schema.$ref, refs)
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) convertKeyword(out, key, value, refs)
  applyExclusiveBounds(schema, out)
  return schema.nullable === true ? makeNullable(out) : out
}

function convertRef(ref: string, refs: Set<string>): Json {
  if (!ref.startsWith(SCHEMA_REF_PREFIX)) throw new Error(`unsupported schema $ref ${ref}`)
  const name = ref.slice(SCHEMA_REF_PREFIX.length)
  refs.add(name)
  return { $ref: SCHEMA_ID_BASE + name }
}

function convertKeyword(out: Json, key: string, value: unknown, refs: Set<string>): void {
  const sub = (v: unknown) => convertSchema(v, refs)
  if (key === 'properties' || key === 'patternProperties') {
    out[key] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, sub(v)]))
  } else if (key === 'allOf' || key === 'anyOf') {
    out[key] = (value as unknown[]).map(sub)
  } else if (key === 'oneOf') {
    // GitHub's oneOf alternatives overlap (nullable branches, open objects), so "exactly one"
    // rejects real payloads; "at least one" still catches shapes matching no alternative.
    out.anyOf = (value as unknown[]).map(sub)
  } else if (key === 'items') {
    out.items = Array.isArray(value) ? value.map(sub) : sub(value)
  } else if (key === 'additionalProperties' || key === 'not') {
    out[key] = typeof value === 'boolean' ? value : sub(value)
  } else if (key === 'pattern') {
    if (isValidPattern(value)) out.pattern = value
  } else if (PLAIN_KEYWORDS.has(key)) {
    out[key] = value
  }
}

function isValidPattern(value: unknown): boolean {
  try {
    new RegExp(String(value), 'u')
    return true
  } catch {
    return false
  }
}

// OpenAPI 3.0 uses boolean exclusive bounds; draft-07 wants the bound itself.
function applyExclusiveBounds(schema: Json, out: Json): void {
  if (schema.exclusiveMinimum === true && typeof schema.minimum === 'number') {
    out.exclusiveMinimum = schema.minimum
    delete out.minimum
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === 'number') {
    out.exclusiveMaximum = schema.maximum
    delete out.maximum
  }
}

/**
 * `nullable: true` becomes a `null` type (and `null` enum member) for simple schemas; schemas
 * built from allOf/anyOf/$ref get wrapped, since `null` would fail their sub-schemas.
 */
function makeNullable(out: Json): Json {
  if (Object.keys(out).length === 0) return out
  const composite = 'allOf' in out || 'anyOf' in out || 'not' in out || !('type' in out)
  if (composite) return { anyOf: [{ type: 'null' }, out] }
  const types = Array.isArray(out.type) ? out.type : [out.type]
  const result: Json = { ...out, type: [...new Set([...types, 'null'])] }
  if (Array.isArray(out.enum) && !out.enum.includes(null)) result.enum = [...out.enum, null]
  return result
}

/** Registers a component schema (and, transitively, what it references) with ajv once. */
function ensureComponent(name: string): void {
  if (registeredComponents.has(name)) return
  registeredComponents.add(name)
  const raw = loadSpec().components.schemas?.[name]
  if (raw === undefined) throw new Error(`spec has no component schema ${name}`)
  const refs = new Set<string>()
  const converted = convertSchema(raw, refs) as Json
  getAjv().addSchema({ ...converted, $id: SCHEMA_ID_BASE + name })
  for (const ref of refs) ensureComponent(ref)
}

/** Compiles (once, cached by key) an inline OpenAPI schema. */
function compileCached(key: string, build: () => unknown): ValidateFunction | null {
  if (validatorCache.has(key)) return validatorCache.get(key) ?? null
  const schema = build()
  let validate: ValidateFunction | null = null
  if (schema !== undefined) {
    const refs = new Set<string>()
    const converted = convertSchema(schema, refs)
    for (const ref of refs) ensureComponent(ref)
    validate = getAjv().compile(converted as Json)
  }
  validatorCache.set(key, validate)
  return validate
}

// ---------------------------------------------------------------------------------------------
// Route matching
// ---------------------------------------------------------------------------------------------

interface RouteEntry {
  template: string
  segments: string[]
  item: Record<string, unknown>
  greedyTail: boolean
}

interface RouteIndex {
  byLength: Map<number, RouteEntry[]>
  greedy: RouteEntry[]
}

const isParamSegment = (segment: string) => segment.startsWith('{') && segment.endsWith('}')

/**
 * Trailing parameters GitHub accepts with unencoded slashes (`git/ref/heads/feature/x`,
 * `contents/dir/file.json`, `compare/main...feature/x`). Any other parameter is one segment,
 * otherwise `DELETE /repos/o/r/pulls/1` would match `DELETE /repos/{owner}/{repo}`.
 */
const SLASHED_PARAMS = new Set(['{ref}', '{path}', '{basehead}', '{branch}'])

// Literal segments win over parameters, left to right, like GitHub's router.
function compareSpecificity(a: RouteEntry, b: RouteEntry): number {
  const length = Math.min(a.segments.length, b.segments.length)
  for (let i = 0; i < length; i++) {
    const diff = Number(isParamSegment(a.segments[i])) - Number(isParamSegment(b.segments[i]))
    if (diff !== 0) return diff
  }
  return b.segments.length - a.segments.length
}

function buildRouteIndex(): RouteIndex {
  const byLength = new Map<number, RouteEntry[]>()
  const greedy: RouteEntry[] = []
  for (const [template, item] of Object.entries(loadSpec().paths)) {
    const segments = template.split('/').slice(1)
    const entry = {
      template,
      segments,
      item,
      greedyTail: SLASHED_PARAMS.has(segments.at(-1) ?? '')
    }
    byLength.set(segments.length, [...(byLength.get(segments.length) ?? []), entry])
    if (entry.greedyTail) greedy.push(entry)
  }
  for (const list of byLength.values()) list.sort(compareSpecificity)
  greedy.sort(compareSpecificity)
  return { byLength, greedy }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

function matchSegments(entry: RouteEntry, segments: string[]): Record<string, string> | null {
  const params: Record<string, string> = {}
  const last = entry.segments.length - 1
  for (let i = 0; i <= last; i++) {
    const pattern = entry.segments[i]
    // A trailing parameter may swallow slashes (refs `heads/x`, content paths) when unencoded.
    const raw = i === last ? segments.slice(i).join('/') : segments[i]
    if (!isParamSegment(pattern)) {
      if (raw !== pattern) return null
      continue
    }
    const value = safeDecode(raw)
    // `contents/` (empty path) is the repository root on GitHub; other params need a value.
    if (value === undefined || (value === '' && pattern !== '{path}')) return null
    params[pattern.slice(1, -1)] = value
  }
  return params
}

function resolveParameters(item: Record<string, unknown>, op: OperationSpec): ParameterSpec[] {
  const shared = (item.parameters as Array<ParameterSpec | { $ref: string }> | undefined) ?? []
  const own = (op.parameters ?? []).map(p => resolveRef<ParameterSpec>(p))
  const ownKeys = new Set(own.map(p => `${p.in}:${p.name}`))
  const inherited = shared.map(p => resolveRef<ParameterSpec>(p))
  return [...own, ...inherited.filter(p => !ownKeys.has(`${p.in}:${p.name}`))]
}

function toOperation(entry: RouteEntry, method: string): Operation {
  const spec = entry.item[method] as OperationSpec
  return {
    operationId: spec.operationId,
    method: method.toUpperCase(),
    template: entry.template,
    docUrl: spec.externalDocs?.url ?? 'https://docs.github.com/rest',
    parameters: resolveParameters(entry.item, spec),
    spec
  }
}

/**
 * Real GitHub paths the spec does not spell out. octokit turns `getContent({ path: '' })` into
 * `/repos/o/r/contents` (no trailing slash), which GitHub serves as the root listing.
 */
const PATH_ALIASES: Array<[RegExp, string]> = [[/^(\/repos\/[^/]+\/[^/]+\/contents)$/, '$1/']]

/** Finds the documented operation for a request path (still percent-encoded) and method. */
export function matchOperation(method: string, requestPath: string): MatchResult {
  routeIndex ??= buildRouteIndex()
  const alias = PATH_ALIASES.find(([pattern]) => pattern.test(requestPath))
  const pathname = alias ? requestPath.replace(alias[0], alias[1]) : requestPath
  const segments = pathname.split('/').slice(1)
  const exact = routeIndex.byLength.get(segments.length) ?? []
  const greedy = routeIndex.greedy.filter(e => e.segments.length < segments.length)
  const lower = method.toLowerCase()
  const allowed = new Set<string>()
  for (const entry of [...exact, ...greedy]) {
    const rawParams = matchSegments(entry, segments)
    if (!rawParams) continue
    if (isObject(entry.item[lower])) {
      return { kind: 'ok', match: { operation: toOperation(entry, lower), rawParams } }
    }
    for (const m of HTTP_METHODS) if (isObject(entry.item[m])) allowed.add(m.toUpperCase())
  }
  return allowed.size > 0 ? { kind: 'no-method', allowed: [...allowed] } : { kind: 'no-path' }
}

// ---------------------------------------------------------------------------------------------
// Request validation
// ---------------------------------------------------------------------------------------------

/** Turns a URL string into the type its schema declares, so ajv can check it. */
function coerce(value: string | string[], schema: Json | undefined): unknown {
  const type = schema?.type
  if (type === 'array') {
    const list = (Array.isArray(value) ? value : [value]).flatMap(v => v.split(','))
    return list.map(v => coerce(v, schema?.items as Json | undefined))
  }
  const single = Array.isArray(value) ? value[value.length - 1] : value
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(single)) {
    return Number(single)
  }
  if (type === 'boolean' && (single === 'true' || single === 'false')) return single === 'true'
  return single
}

function describeErrors(errors: ErrorObject[] | null | undefined, root: string): string[] {
  const seen = new Set<string>()
  for (const error of errors ?? []) {
    const where = `${root}${error.instancePath}`
    const params = JSON.stringify(error.params)
    seen.add(`${where} ${error.message ?? 'is invalid'} ${params}`)
  }
  return [...seen].slice(0, 15)
}

function paramSchema(operation: Operation, location: 'path' | 'query'): Json | undefined {
  const params = operation.parameters.filter(p => p.in === location)
  if (params.length === 0) return undefined
  return {
    type: 'object',
    properties: Object.fromEntries(params.map(p => [p.name, p.schema ?? {}])),
    required: params.filter(p => p.required).map(p => p.name)
  }
}

function collectQuery(operation: Operation, search: URLSearchParams): Record<string, unknown> {
  const query: Record<string, unknown> = {}
  for (const param of operation.parameters.filter(p => p.in === 'query')) {
    const values = search.getAll(param.name)
    if (values.length > 0) query[param.name] = coerce(values, param.schema)
    else if (param.schema?.default !== undefined) query[param.name] = param.schema.default
  }
  return query
}

function collectPathParams(operation: Operation, raw: Record<string, string>) {
  const params: Record<string, unknown> = {}
  for (const param of operation.parameters.filter(p => p.in === 'path')) {
    if (raw[param.name] !== undefined) params[param.name] = coerce(raw[param.name], param.schema)
  }
  return params
}

function jsonBodySchema(operation: Operation): Json | undefined {
  const content = operation.spec.requestBody?.content ?? {}
  const key = Object.keys(content).find(k => k.includes('json'))
  return key ? content[key].schema : undefined
}

// GitHub phrases body failures as `Invalid request.\n\n"x" wasn't supplied.` etc.
function githubBodyLine(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return `"${String(error.params.missingProperty)}" wasn't supplied.`
  }
  const where = `properties/${error.instancePath.slice(1).split('/').join('/properties/')}`
  const value = JSON.stringify(error.data)
  if (error.keyword !== 'type') return `For '${where}', ${value} ${error.message ?? 'is invalid'}.`
  const type = String(error.params.type)
  return `For '${where}', ${value} is not a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}.`
}

function githubBodyMessage(errors: ErrorObject[]): string {
  return `Invalid request.\n\n${errors.slice(0, 5).map(githubBodyLine).join('\n')}`
}

function checkBody(operation: Operation, body: unknown, hasBody: boolean): RequestCheck | null {
  const requestBody = operation.spec.requestBody
  if (!requestBody) return null
  const fail = (message: string, problems: string[]) => ({
    ok: false,
    status: 422,
    message,
    problems,
    params: {},
    query: {}
  })
  if (!hasBody && !requestBody.required) return null
  // A missing required body reads like `{}` to GitHub: every required field "wasn't supplied".
  const value = hasBody ? body : {}
  const validate = compileCached(`${operation.operationId}:body`, () => jsonBodySchema(operation))
  if (!validate || validate(value)) return null
  const errors = (validate.errors ?? []).map(e => ({ ...e, data: lookup(value, e.instancePath) }))
  const problems = describeErrors(errors, 'body')
  return fail(githubBodyMessage(errors), hasBody ? problems : ['no request body', ...problems])
}

function lookup(value: unknown, pointer: string): unknown {
  const parts = pointer.split('/').slice(1)
  return parts.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value)
}

/**
 * Checks path/query parameters and the JSON body of a matched request. `body` is the parsed
 * JSON (undefined when there was none); `bodyParseError` is set when the bytes were not JSON.
 */
export function validateRequest(
  match: RouteMatch,
  search: URLSearchParams,
  body: unknown,
  hasBody: boolean,
  bodyParseError?: string
): RequestCheck {
  const { operation } = match
  const params = collectPathParams(operation, match.rawParams)
  const query = collectQuery(operation, search)
  const base = { ok: true, status: 200, message: '', problems: [] as string[], params, query }

  const pathCheck = compileCached(`${operation.operationId}:path`, () =>
    paramSchema(operation, 'path')
  )
  if (pathCheck && !pathCheck(params)) {
    // GitHub's router simply does not match `/issues/abc`, hence 404 rather than 422.
    return {
      ...base,
      ok: false,
      status: 404,
      message: 'Not Found',
      problems: describeErrors(pathCheck.errors, 'path')
    }
  }
  const queryCheck = compileCached(`${operation.operationId}:query`, () =>
    paramSchema(operation, 'query')
  )
  if (queryCheck && !queryCheck(query)) {
    const problems = describeErrors(queryCheck.errors, 'query')
    return { ...base, ok: false, status: 422, message: 'Invalid request.', problems }
  }
  if (bodyParseError) {
    return {
      ...base,
      ok: false,
      status: 400,
      message: 'Problems parsing JSON',
      problems: [bodyParseError]
    }
  }
  const bodyFailure = checkBody(operation, body, hasBody)
  return bodyFailure ? { ...bodyFailure, params, query } : base
}

// ---------------------------------------------------------------------------------------------
// Response validation
// ---------------------------------------------------------------------------------------------

function documentedResponse(operation: Operation, status: number): ResponseSpec | undefined {
  const responses = operation.spec.responses
  const entry =
    responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default
  return entry ? resolveRef<ResponseSpec>(entry) : undefined
}

function responseSchema(response: ResponseSpec): Json | undefined {
  const content = response.content ?? {}
  const key = Object.keys(content).find(k => k.includes('json'))
  return key ? content[key].schema : undefined
}

/**
 * Checks a response the fake produced against the documented one for that status. Returns the
 * problems found (empty when fine). Error statuses GitHub does not document for the operation
 * (the spec lists only some of them) are not checked; undocumented success statuses are bugs.
 */
export function validateResponse(
  operation: Operation,
  status: number,
  body: unknown,
  headers: Record<string, string>
): string[] {
  const response = documentedResponse(operation, status)
  if (!response) {
    return status < 400 ? [`status ${status} is not documented for ${operation.operationId}`] : []
  }
  const problems: string[] = []
  if (status >= 300 && status < 400 && response.headers?.Location && !headers.location) {
    problems.push(`status ${status} must send a Location header`)
  }
  const schema = responseSchema(response)
  if (!schema) {
    if (body !== undefined && status !== 302) problems.push(`status ${status} must have no body`)
    return problems
  }
  const validate = compileCached(`${operation.operationId}:res:${status}`, () => schema)
  if (validate && !validate(body)) problems.push(...describeErrors(validate.errors, 'response'))
  return problems
}
