/** Shared types of the fake GitHub server: identities, tokens, handler contract, errors. */
import type { IncomingHttpHeaders } from 'node:http'
import type { Operation } from '../openapi-validator.js'
import type { FakeState } from './state.js'
import type { RepoModel } from './repo-model.js'

export type Json = Record<string, unknown>

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'
export type Access = 'none' | 'read' | 'write'
/** GitHub App permission names (camel-cased) a GITHUB_TOKEN is scoped by. */
export type Scope = 'contents' | 'pullRequests' | 'issues' | 'statuses' | 'actions' | 'metadata'
export type TokenPermissions = Partial<Record<Scope, Access>>

export interface Identity {
  login: string
  id: number
  type: 'Bot' | 'User' | 'Organization'
}

export interface TokenOptions {
  login: string
  id?: number
  type?: Identity['type']
  /** Missing scopes default to `write` (metadata is always readable). */
  permissions?: TokenPermissions
  /** `owner/repo` names the token may see; other repos answer 404 like GitHub. */
  repos?: string[]
}

export interface TokenInfo {
  identity: Identity
  permissions: Record<Scope, Access>
  repos?: string[]
}

/** Everything a route handler may look at. */
export interface HandlerContext {
  state: FakeState
  repo?: RepoModel
  identity: Identity
  token: TokenInfo
  operation: Operation
  params: Record<string, unknown>
  query: Record<string, unknown>
  body: Json
  headers: IncomingHttpHeaders
  url: URL
}

export interface ApiResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Non-JSON payload (raw media types, zip bytes); skips schema validation. */
  raw?: { contentType: string; bytes: Buffer }
}

export interface Route {
  /** Token scope needed; any listed scope at `level` suffices (PR comments: issues or PRs). */
  access?: { scopes: Scope[]; level: 'read' | 'write' }
  handle(ctx: HandlerContext): ApiResponse
}

export type Routes = Record<string, Route>

/** Thrown by handlers; rendered as GitHub's error body `{message, documentation_url, status}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Json = {}
  ) {
    super(message)
  }
}

export const notFound = () => new ApiError(404, 'Not Found')

/** GitHub's 422 shape for model validations (`errors: [{resource, code, field, message}]`). */
export function validationFailed(
  resource: string,
  field: string,
  message: string,
  code = 'custom'
) {
  return new ApiError(422, 'Validation Failed', { errors: [{ resource, code, field, message }] })
}

export function requireRepo(ctx: HandlerContext): RepoModel {
  if (!ctx.repo) throw notFound()
  return ctx.repo
}

/** Route access declarations: `access.write('statuses')`. */
export const access = {
  read: (...scopes: Scope[]) => ({ scopes, level: 'read' as const }),
  write: (...scopes: Scope[]) => ({ scopes, level: 'write' as const })
}
