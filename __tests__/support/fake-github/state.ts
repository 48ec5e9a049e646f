/** Server-wide state: clock, id sequences, users, tokens and the repositories. */
import { FaultInjector } from './faults.js'
import { RepoModel } from './repo-model.js'
import type { Access, Identity, Scope, TokenInfo, TokenOptions } from './types.js'

/** The identity behind an Actions GITHUB_TOKEN (real id of the github-actions app user). */
export const ACTIONS_BOT: Identity = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }

const ALL_SCOPES: Scope[] = [
  'contents',
  'pullRequests',
  'issues',
  'statuses',
  'actions',
  'metadata'
]

export interface RepoOptions {
  defaultBranch?: string
  fork?: boolean
}

export class FakeState {
  baseUrl = ''
  readonly faults = new FaultInjector()
  readonly tokens = new Map<string, TokenInfo>()
  private readonly users = new Map<string, Identity>([[ACTIONS_BOT.login, ACTIONS_BOT]])
  private readonly repos = new Map<string, RepoModel>()
  private clock: number
  private sequence = 1000

  constructor(now: Date = new Date()) {
    this.clock = Math.floor(now.getTime() / 1000) * 1000
  }

  /** Strictly increasing timestamps (one second apart) so ordering never ties. */
  tick(): string {
    this.clock += 1000
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }

  nextId(): number {
    return ++this.sequence
  }

  /** Users exist on first mention; `[bot]` logins are Bots, like on GitHub. */
  user(login: string): Identity {
    let identity = this.users.get(login)
    if (!identity) {
      identity = { login, id: this.nextId(), type: login.endsWith('[bot]') ? 'Bot' : 'User' }
      this.users.set(login, identity)
    }
    return identity
  }

  registerUser(identity: Identity): Identity {
    this.users.set(identity.login, identity)
    return identity
  }

  addToken(token: string, options: TokenOptions): TokenInfo {
    const known = this.users.get(options.login)
    const identity = this.registerUser({
      login: options.login,
      id: options.id ?? known?.id ?? this.nextId(),
      type: options.type ?? known?.type ?? (options.login.endsWith('[bot]') ? 'Bot' : 'User')
    })
    const permissions = Object.fromEntries(
      ALL_SCOPES.map(scope => [scope, options.permissions?.[scope] ?? 'write'])
    ) as Record<Scope, Access>
    // Metadata is readable by every installation token.
    if (permissions.metadata === 'none') permissions.metadata = 'read'
    const info = { identity, permissions, repos: options.repos }
    this.tokens.set(token, info)
    return info
  }

  allRepos(): RepoModel[] {
    return [...this.repos.values()]
  }

  findRepo(owner: string, name: string): RepoModel | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase())
  }

  /** Returns the repository, creating it (with an initial commit) on first use. */
  repo(owner: string, name: string, options: RepoOptions = {}): RepoModel {
    const key = `${owner}/${name}`.toLowerCase()
    let model = this.repos.get(key)
    if (!model) {
      model = new RepoModel(this, owner, name, options)
      this.repos.set(key, model)
    }
    return model
  }
}
