// Runs main.ts's run() in the test process, through its ports: @actions/core is the typed
// mock of __fixtures__/core.ts (inputs in, outputs, log and summary out), GitHub is the fake
// API server, the image is an archive written in the test (no engine). The environment is
// what a runner sets; it is restored after each run.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import * as core from '../../../__fixtures__/core.js'
import { buildImage, writeLegacyArchive } from '../../support/image-fixtures.js'

const ROOT = mkdtempSync(join(tmpdir(), 'isg-main-'))
afterAll(() => rmSync(ROOT, { recursive: true, force: true }))

let dirs = 0
export function tempDir(name: string): string {
  const dir = join(ROOT, `${++dirs}-${name}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

const actionYml = parseYaml(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string | boolean | number }>
}

/** core.getInput answers as the runner would: the workflow's `with:` over action.yml's defaults. */
export function setInputs(token: string, inputs: Record<string, string>): void {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYml.inputs)) throw new Error(`input "${name}" is not in action.yml`)
  }
  core.getInput.mockImplementation(name => {
    const def = actionYml.inputs[name]?.default
    const value =
      inputs[name] ??
      (def === undefined ? '' : String(def).replace(/\$\{\{\s*github\.token\s*\}\}/g, token))
    return value.trim()
  })
}

/** A workspace holding `image.tar`: a base layer and an app layer of `appBytes`. */
export async function workspaceWithImage(appBytes: number): Promise<string> {
  const dir = tempDir('workspace')
  const image = await buildImage({
    reference: 'acme/app:test',
    layers: [
      {
        createdBy: 'ADD rootfs.tar /',
        entries: [
          { path: 'bin', type: 'dir' },
          { path: 'bin/sh', size: 3000, mode: 0o755 }
        ]
      },
      {
        createdBy: 'COPY app /app # buildkit',
        entries: [
          { path: 'app', type: 'dir' },
          { path: 'app/data.bin', size: appBytes, seed: appBytes }
        ]
      }
    ]
  })
  writeFileSync(join(dir, 'image.tar'), await writeLegacyArchive(image))
  return dir
}

export interface RunEnv {
  event?: string
  payload: Record<string, unknown>
  sha: string
  ref: string
  workspace: string
  apiUrl: string
  runId?: number
}

const KEYS = [
  'GITHUB_EVENT_NAME',
  'GITHUB_EVENT_PATH',
  'GITHUB_REPOSITORY',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_RUN_ID',
  'GITHUB_SERVER_URL',
  'GITHUB_API_URL',
  'GITHUB_WORKSPACE',
  'RUNNER_TEMP'
]

/** Calls `run` with the runner's variables set; returns RUNNER_TEMP of that run. */
export async function withRunner(env: RunEnv, run: () => Promise<void>): Promise<string> {
  const dir = tempDir('runner')
  const eventPath = join(dir, 'event.json')
  writeFileSync(eventPath, JSON.stringify(env.payload))
  const saved = Object.fromEntries(KEYS.map(k => [k, process.env[k]]))
  Object.assign(process.env, {
    ...(env.event ? { GITHUB_EVENT_NAME: env.event } : {}),
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_SHA: env.sha,
    GITHUB_REF: env.ref,
    GITHUB_RUN_ID: String(env.runId ?? 4242),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: env.apiUrl,
    GITHUB_WORKSPACE: env.workspace,
    RUNNER_TEMP: dir
  })
  if (!env.event) delete process.env.GITHUB_EVENT_NAME
  try {
    await run()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
  return dir
}

const repository = {
  full_name: 'acme/app',
  name: 'app',
  owner: { login: 'acme' },
  default_branch: 'main'
}

export function pushPayload(sha: string): Record<string, unknown> {
  return { ref: 'refs/heads/main', before: '0'.repeat(40), after: sha, repository }
}

export function pullRequestPayload(pr: {
  number: number
  headSha: string
  baseSha: string
  headRef: string
  baseRef: string
}): Record<string, unknown> {
  return {
    action: 'synchronize',
    number: pr.number,
    pull_request: {
      number: pr.number,
      user: { login: 'octocat' },
      head: { sha: pr.headSha, ref: pr.headRef, repo: { full_name: 'acme/app', fork: false } },
      base: { sha: pr.baseSha, ref: pr.baseRef, repo: { full_name: 'acme/app', fork: false } },
      labels: []
    },
    repository
  }
}

export function workflowRunPayload(runId: number, headSha: string): Record<string, unknown> {
  return {
    action: 'completed',
    workflow_run: { id: runId, head_sha: headSha, event: 'pull_request', conclusion: 'success' },
    repository
  }
}
