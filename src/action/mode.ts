// What a run does, decided from the input `mode` and the event.

import type { ActionContext } from '../github/context.js'
import type { Mode } from '../inputs.js'

export type RunMode = 'record' | 'compare' | 'measure' | 'report'

export const SUPPORTED_EVENTS = [
  'push',
  'pull_request',
  'pull_request_target',
  'merge_group',
  'workflow_run',
  'workflow_dispatch',
  'schedule'
]

/**
 * `auto`: a push (or a manual/scheduled run) on the default branch records a baseline;
 * pull requests and merge queues compare; `workflow_run` reports a measured fork PR;
 * other pushes compare with the previous commit.
 */
export function resolveMode(mode: Mode, ctx: ActionContext): RunMode {
  if (mode !== 'auto') return mode
  const event = ctx.eventName
  if (!SUPPORTED_EVENTS.includes(event)) {
    throw new Error(
      `image-size-guard does not know what to do on the "${event}" event; it runs on ${SUPPORTED_EVENTS.join(', ')} (or set the input \`mode\`)`
    )
  }
  if (event === 'workflow_run') return 'report'
  if (['pull_request', 'pull_request_target', 'merge_group'].includes(event)) return 'compare'
  return onDefaultBranch(ctx) ? 'record' : 'compare'
}

export function defaultBranch(ctx: ActionContext): string | undefined {
  const repo = ctx.payload.repository as { default_branch?: string } | undefined
  return repo?.default_branch
}

export function onDefaultBranch(ctx: ActionContext): boolean {
  const branch = defaultBranch(ctx)
  return branch !== undefined && ctx.ref === `refs/heads/${branch}`
}

/** The PR number of a pull_request(_target) run. */
export function pullRequestNumber(ctx: ActionContext): number | undefined {
  const pr = ctx.payload.pull_request as { number?: number } | undefined
  return typeof pr?.number === 'number' ? pr.number : undefined
}

/** The commit the comparison is about: the PR head for PRs (statuses attach to it), else the run's sha. */
export function subjectSha(ctx: ActionContext): string {
  const pr = ctx.payload.pull_request as { head?: { sha?: string } } | undefined
  return pr?.head?.sha ?? ctx.sha
}
