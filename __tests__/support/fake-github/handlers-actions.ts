/** Actions: workflow runs and artifacts (list, get, download via a 302 to a blob URL). */
import { paginate } from './pagination.js'
import { artifactJson, workflowRunJson } from './representations.js'
import type { RepoModel } from './repo-model.js'
import {
  access,
  ApiError,
  notFound,
  requireRepo,
  type HandlerContext,
  type Routes
} from './types.js'

/** Non-API path serving artifact zips, standing in for GitHub's short-lived blob storage URL. */
export const ARTIFACT_BLOB_PREFIX = '/_artifact-blobs/'

function runOf(ctx: HandlerContext) {
  const repo = requireRepo(ctx)
  const run = repo.runs.get(Number(ctx.params.run_id))
  if (!run) throw notFound()
  return { repo, run }
}

function artifactOf(ctx: HandlerContext) {
  const repo = requireRepo(ctx)
  const artifact = repo.artifacts.get(Number(ctx.params.artifact_id))
  if (!artifact) throw notFound()
  return { repo, artifact }
}

function runArtifacts(repo: RepoModel, runId: number, name: unknown) {
  return [...repo.artifacts.values()]
    .filter(a => a.runId === runId)
    .filter(a => typeof name !== 'string' || a.name === name)
}

export const actionsRoutes: Routes = {
  'actions/get-workflow-run': {
    access: access.read('actions'),
    handle(ctx) {
      const { repo, run } = runOf(ctx)
      return { status: 200, body: workflowRunJson(repo, run) }
    }
  },
  'actions/list-workflow-run-artifacts': {
    access: access.read('actions'),
    handle(ctx) {
      const { repo, run } = runOf(ctx)
      const all = runArtifacts(repo, run.id, ctx.query.name)
      const page = paginate(ctx, all)
      const body = {
        total_count: all.length,
        artifacts: page.items.map(a => artifactJson(repo, a))
      }
      return { status: 200, body, headers: page.headers }
    }
  },
  'actions/get-artifact': {
    access: access.read('actions'),
    handle(ctx) {
      const { repo, artifact } = artifactOf(ctx)
      return { status: 200, body: artifactJson(repo, artifact) }
    }
  },
  'actions/download-artifact': {
    access: access.read('actions'),
    handle(ctx) {
      const { artifact } = artifactOf(ctx)
      if (ctx.params.archive_format !== 'zip') throw notFound()
      if (artifact.expired) throw new ApiError(410, 'Artifact has expired')
      const location = `${ctx.state.baseUrl}${ARTIFACT_BLOB_PREFIX}${artifact.id}?sig=fake`
      return { status: 302, headers: { location } }
    }
  }
}

/** Finds the bytes behind a blob URL path (`/_artifact-blobs/<id>`), searching all repos. */
export function artifactBytes(repos: RepoModel[], pathname: string): Buffer | undefined {
  const id = Number(pathname.slice(ARTIFACT_BLOB_PREFIX.length))
  for (const repo of repos) {
    const artifact = repo.artifacts.get(id)
    if (artifact) return artifact.bytes
  }
  return undefined
}
