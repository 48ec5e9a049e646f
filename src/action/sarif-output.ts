// The action's SARIF file (output `sarif-path`): every image's hints, the Dockerfiles read
// from the workspace for the fixes. Upload it with github/codeql-action/upload-sarif.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderSarif } from '../render/sarif.js'
import { VERSION } from '../version.js'
import type { ImageResult } from '../diff/result.js'

/** The results' Dockerfiles as the workspace holds them, by repository-relative path. */
export function workspaceDockerfiles(
  workspace: string,
  results: ImageResult[]
): Map<string, string> {
  const dockerfiles = new Map<string, string>()
  for (const r of results) {
    const file = r.dockerfile ? join(workspace, r.dockerfile) : undefined
    if (r.dockerfile && file && existsSync(file))
      dockerfiles.set(r.dockerfile, readFileSync(file, 'utf8'))
  }
  return dockerfiles
}

export function writeSarif(workspace: string, results: ImageResult[]): string {
  const dockerfiles = workspaceDockerfiles(workspace, results)
  const log = renderSarif(
    results.map(r => ({ name: r.name, platform: r.platform, hints: r.report.hints })),
    { version: VERSION, dockerfiles }
  )
  const dir = join(process.env.RUNNER_TEMP || process.cwd(), 'image-size-guard')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, 'results.sarif')
  writeFileSync(path, `${JSON.stringify(log, null, 2)}\n`)
  return path
}
