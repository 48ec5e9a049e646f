// The inputs, with the images config read from where it can be trusted. On pull request
// events the checkout is the PR's merge commit: its .github/image-size-guard.yml is the PR's
// own, and a PR could loosen its gate (`max-increase: 1000%`) or point `archive` anywhere.
// There the config is read from the base commit through the API; the PR's version applies
// once merged.

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { rawText } from '../baseline/git-store.js'
import { CONFIG_FILE, Inputs } from '../constants.js'
import { apiFailure, createClient, httpStatus } from '../github-api.js'
import type { ActionContext } from '../github/context.js'
import { readInputs, usesConfigFile, type ActionInputs, type InputGetter } from '../inputs.js'
import * as log from './log.js'

const PR_EVENTS = ['pull_request', 'pull_request_target']

/** Events whose checkout holds the PR's code: config paths are confined, the config is the base's. */
export function isPullRequestEvent(ctx: ActionContext): boolean {
  return PR_EVENTS.includes(ctx.eventName)
}

export async function loadInputs(ctx: ActionContext, get: InputGetter): Promise<ActionInputs> {
  const workspace = (path: string) => readWorkspaceFile(ctx.workspace, path)
  const base = (ctx.payload.pull_request as { base?: { sha?: string } } | undefined)?.base?.sha
  if (!isPullRequestEvent(ctx) || !usesConfigFile(get) || !base) {
    return readInputs(get, workspace, ctx.repository.repo)
  }
  const trusted = await readAtCommit(ctx, get(Inputs.GithubToken).trim(), base)
  if (trusted !== workspace(CONFIG_FILE)) {
    log.notice(
      `this pull request changes ${CONFIG_FILE}: the run uses the version of the base commit ${base.slice(0, 7)}; the change applies once merged`
    )
  }
  return readInputs(
    get,
    path => (path === CONFIG_FILE ? trusted : workspace(path)),
    ctx.repository.repo
  )
}

async function readAtCommit(
  ctx: ActionContext,
  token: string,
  sha: string
): Promise<string | undefined> {
  if (!token) {
    throw new Error(
      'the input `github-token` is empty: leave it at its default (${{ github.token }})'
    )
  }
  const octokit = createClient(token, ctx.apiUrl)
  try {
    const { data } = await octokit.rest.repos.getContent({
      ...ctx.repository,
      path: CONFIG_FILE,
      ref: sha,
      mediaType: { format: 'raw' }
    })
    return rawText(data)
  } catch (e) {
    if (httpStatus(e) === 404) return undefined
    throw apiFailure(
      e,
      `reading ${CONFIG_FILE} at the base commit ${sha.slice(0, 7)}`,
      'contents: read'
    )
  }
}

function readWorkspaceFile(workspace: string, path: string): string | undefined {
  const file = join(workspace, path)
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
}
