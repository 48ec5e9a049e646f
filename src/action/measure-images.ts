// Measures every configured image: build it (or take the given image/archive), read it, hint it.

import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import * as core from '@actions/core'
import type { Analysis } from '../analysis/analyze.js'
import type { BuildInfo } from '../analysis/report.js'
import {
  buildImage,
  detectBuilder,
  removeImage,
  throwawayTag,
  unsupported
} from '../build/builder.js'
import { errorMessage } from '../errors.js'
import type { ActionInputs, ImageSpec } from '../inputs.js'
import {
  ALL_PLATFORMS,
  measure,
  measureEach,
  type DockerfileSource,
  type MeasureOptions
} from '../measure.js'

export interface Measured {
  spec: ImageSpec
  analysis: Analysis
  /** The built image's throwaway tag, removed at the end unless keep-image. */
  builtTag?: string
}

export interface MeasureEnv {
  workspace: string
  inputs: ActionInputs
}

export async function measureImages(env: MeasureEnv): Promise<Measured[]> {
  const out: Measured[] = []
  try {
    // Sequentially: one engine, and builds compete for the same two cores.
    for (const spec of env.inputs.images) {
      if (spec.platform === ALL_PLATFORMS) out.push(...(await measurePlatforms(spec, env)))
      else out.push(await measureImage(spec, env))
    }
  } catch (e) {
    // The caller never gets the images built before the failure: remove them here.
    await cleanupQuietly(out, env.inputs.keepImage)
    throw e
  }
  return out
}

export async function measureImage(
  spec: ImageSpec,
  env: MeasureEnv,
  cwd = env.workspace
): Promise<Measured> {
  const dockerfile = dockerfileOf(spec, cwd)
  let source = spec.archive ? resolvePath(cwd, spec.archive) : spec.image
  let build: BuildInfo | undefined
  let builtTag: string | undefined
  if (spec.build) {
    const built = await buildSpec(spec, cwd)
    source = built.tag
    builtTag = built.tag
    build = built.info
  }
  if (!source) throw new Error(`nothing to measure for image "${spec.name}"`)
  const from = source
  const measured = { spec, ...(builtTag ? { builtTag } : {}) }
  try {
    const analysis = await core.group(`Reading ${spec.name} (${from})`, () =>
      measure(from, {
        ...measureOptions(spec, env, dockerfile),
        ...(build ? { build } : {})
      })
    )
    return { ...measured, analysis }
  } catch (e) {
    // Built but not readable (e.g. over max-entries): the image is not left behind.
    await cleanupQuietly([measured], env.inputs.keepImage)
    throw e
  }
}

/**
 * `platform: all`: every platform of a registry index, one Measured each, named as the spec
 * and told apart by platform (baselines are kept per name and platform).
 */
async function measurePlatforms(spec: ImageSpec, env: MeasureEnv): Promise<Measured[]> {
  if (!spec.image || spec.build || spec.archive) {
    throw new Error(
      `image "${spec.name}": platform \`all\` reads every platform of a registry image; give \`image: docker://HOST/REPO:TAG\` (pushed by build-push-action), or one platform`
    )
  }
  const source = spec.image
  const dockerfile = dockerfileOf(spec, env.workspace)
  const analyses = await core.group(`Reading ${spec.name} (${source}, every platform)`, () =>
    measureEach(source, measureOptions(spec, env, dockerfile))
  )
  return analyses.map(analysis => ({
    spec: { ...spec, platform: analysis.report.image.platform },
    analysis
  }))
}

function measureOptions(
  spec: ImageSpec,
  env: MeasureEnv,
  dockerfile: DockerfileSource | undefined
): MeasureOptions {
  return {
    ...(spec.platform ? { platform: spec.platform } : {}),
    estimateCompressed: env.inputs.estimateCompressed,
    limits: env.inputs.limits,
    ...(dockerfile ? { dockerfile } : {}),
    ignoreHints: env.inputs.ignoreHints,
    pythonBytecode: env.inputs.pythonBytecode,
    onWarning: m => core.warning(m),
    registry: {
      ...(env.inputs.token ? { githubToken: env.inputs.token } : {}),
      insecureRegistries: env.inputs.insecureRegistries
    }
  }
}

async function buildSpec(spec: ImageSpec, cwd: string): Promise<{ tag: string; info: BuildInfo }> {
  const b = spec.build!
  const file = resolvePath(cwd, b.file)
  if (!existsSync(file)) {
    throw new Error(
      `the Dockerfile ${b.file} does not exist (image "${spec.name}"): set the input \`file\` or \`context\`, or give \`image\`/\`archive\` to measure an image built elsewhere`
    )
  }
  for (const note of unsupported(await detectBuilder(), b)) core.warning(`${spec.name}: ${note}`)
  const tag = throwawayTag(spec.name)
  const result = await core.group(`Building ${spec.name} (${b.file})`, () =>
    buildImage({
      spec: b,
      cwd,
      ...(spec.platform ? { platform: spec.platform } : {}),
      tag,
      log: line => core.info(line)
    })
  )
  core.info(
    `built ${spec.name} in ${(result.durationMs / 1000).toFixed(1)} s with ${result.builder}`
  )
  return {
    tag,
    info: {
      durationMs: result.durationMs,
      builder: result.builder,
      dockerfile: b.file,
      context: b.context,
      ...(b.target ? { target: b.target } : {})
    }
  }
}

function dockerfileOf(spec: ImageSpec, cwd: string): DockerfileSource | undefined {
  if (!spec.dockerfile) return undefined
  const file = resolvePath(cwd, spec.dockerfile)
  if (!spec.build && !existsSync(file)) {
    throw new Error(
      `the Dockerfile ${spec.dockerfile} given with \`file\` does not exist (image "${spec.name}")`
    )
  }
  return {
    path: spec.dockerfile,
    file,
    ...(spec.build ? { buildArgs: spec.build.buildArgs } : {}),
    ...(spec.build?.target ? { target: spec.build.target } : {})
  }
}

function resolvePath(cwd: string, path: string): string {
  if (path.startsWith('oci:')) return `oci:${resolvePath(cwd, path.slice(4))}`
  return isAbsolute(path) ? path : join(cwd, path)
}

export async function cleanup(
  measured: Array<Pick<Measured, 'builtTag'>>,
  keepImage: boolean
): Promise<void> {
  if (keepImage) return
  for (const m of measured) if (m.builtTag) await removeImage(m.builtTag)
}

/** Cleanup on the way out: its own failure is only a warning. */
export async function cleanupQuietly(
  measured: Array<Pick<Measured, 'builtTag'>>,
  keepImage: boolean
): Promise<void> {
  await cleanup(measured, keepImage).catch(e =>
    core.warning(`could not remove a built image: ${errorMessage(e)}`)
  )
}
