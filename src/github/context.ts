// Maps the Actions environment and event payload to what the action needs. Pure over `env`
// and the payload text, so tests pass both in.

import { readFileSync } from 'node:fs'

export interface ActionContext {
  eventName: string
  repository: { owner: string; repo: string }
  sha: string
  ref: string
  runId: string
  serverUrl: string
  apiUrl: string
  workspace: string
  payload: Record<string, unknown>
}

export function readActionContext(env: NodeJS.ProcessEnv): ActionContext {
  const eventName = env.GITHUB_EVENT_NAME
  if (!eventName) {
    throw new Error(
      'image-size-guard runs as a step of a GitHub Actions workflow (GITHUB_EVENT_NAME is not set). ' +
        'To measure an image on your machine, use the command line: npx image-size-guard analyze <image>'
    )
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo)
    throw new Error(`GITHUB_REPOSITORY is "${env.GITHUB_REPOSITORY ?? ''}", expected owner/repo`)
  return {
    eventName,
    repository: { owner, repo },
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    payload: readPayload(env.GITHUB_EVENT_PATH)
  }
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {}
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new Error(
      `cannot read the event payload GITHUB_EVENT_PATH=${path}: ${(e as Error).message}`
    )
  }
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {}
  } catch (e) {
    throw new Error(`the event payload ${path} is not valid JSON: ${(e as Error).message}`)
  }
}
