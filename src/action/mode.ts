// What a run does, decided from the input `mode` and the event.

import type { ActionContext } from '../github/context.js'
import type { Mode } from '../inputs.js'

export type RunMode = 'record' | 'compare' | 'measure' | 'report' | 'aggregate'

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
  const resolved = mode === 'auto' ? autoMode(ctx) : mode
  // Checked before anything is built: the artifact needs the PR's number and head commit, or
  // (a matrix leg on a push) the pushed commit.
  const isPr = pullRequestNumber(ctx) !== undefined && subjectOfPr(ctx) !== undefined
  if (resolved === 'measure' && !isPr && ctx.eventName !== 'push') {
    throw new Error(
      `\`mode: measure\` runs on pull_request events (phase 1 of the fork-safe setup, or a matrix leg) and pushes (a matrix leg), not on "${ctx.eventName}": it needs the PR number and head commit, or the pushed commit`
    )
  }
  return resolved
}

function autoMode(ctx: ActionContext): RunMode {
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

function subjectOfPr(ctx: ActionContext): string | undefined {
  return (ctx.payload.pull_request as { head?: { sha?: string } } | undefined)?.head?.sha
}

/** The commit the comparison is about: the PR head for PRs (statuses attach to it), else the run's sha. */
export function subjectSha(ctx: ActionContext): string {
  return subjectOfPr(ctx) ?? ctx.sha
}
