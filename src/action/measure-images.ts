// Measures every configured image: build it (or take the given image/archive), read it, hint it.

import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { Analysis } from '../analysis/analyze.js'
import {
  buildImage,
  detectBuilder,
  removeImage,
  throwawayTag,
  unsupported
} from '../builder/builder.js'
import { errorMessage } from '../errors.js'
import type { ActionInputs, ImageSpec } from '../inputs.js'
import {
  ALL_PLATFORMS,
  measure,
  measureEach,
  type DockerfileSource,
  type MeasureOptions
} from '../measure.js'
import { confinedPath } from './confine.js'
import * as log from './log.js'
import type { BuildInfo } from '../model.js'

export interface Measured {
  spec: ImageSpec
  analysis: Analysis
  /** The built image's throwaway tag, removed at the end unless keep-image. */
  builtTag?: string
}

export interface MeasureEnv {
  workspace: string
  inputs: ActionInputs
  /** Pull request events: context, file and archive must stay inside the checkout. */
  confine?: boolean
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
  const dockerfile = dockerfileOf(spec, cwd, env.confine === true)
  const resolvePath = pathResolver(cwd, spec.name, env.confine === true)
  let source = spec.archive ? resolvePath(spec.archive, 'archive') : spec.image
  let build: BuildInfo | undefined
  let builtTag: string | undefined
  if (spec.build) {
    const built = await buildSpec(spec, cwd, resolvePath)
    source = built.tag
    builtTag = built.tag
    build = built.info
  }
  if (!source) throw new Error(`nothing to measure for image "${spec.name}"`)
  const from = source
  const measured = { spec, ...(builtTag ? { builtTag } : {}) }
  try {
    const analysis = await log.group(`Reading ${spec.name} (${from})`, () =>
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
  const dockerfile = dockerfileOf(spec, env.workspace, env.confine === true)
  const analyses = await log.group(`Reading ${spec.name} (${source}, every platform)`, () =>
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
    onWarning: m => log.warning(m),
    ...(spec.build ? { buildArgs: spec.build.buildArgs } : {}),
    registry: {
      ...(env.inputs.token ? { githubToken: env.inputs.token } : {}),
      insecureRegistries: env.inputs.insecureRegistries
    }
  }
}

type PathResolver = (path: string, key: string) => string

async function buildSpec(
  spec: ImageSpec,
  cwd: string,
  resolvePath: PathResolver
): Promise<{ tag: string; info: BuildInfo }> {
  const b = spec.build!
  resolvePath(b.context, 'context')
  const file = resolvePath(b.file, 'file')
  if (!existsSync(file)) {
    throw new Error(
      `the Dockerfile ${b.file} does not exist (image "${spec.name}"): set the input \`file\` or \`context\`, or give \`image\`/\`archive\` to measure an image built elsewhere`
    )
  }
  for (const note of unsupported(await detectBuilder(), b)) log.warning(`${spec.name}: ${note}`)
  const tag = throwawayTag(spec.name)
  // The build runs the PR's Dockerfile: its log is untrusted, streamed inside stop-commands.
  const result = await log.group(`Building ${spec.name} (${b.file})`, () =>
    log.withStoppedCommands(writeLine =>
      buildImage({
        spec: b,
        cwd,
        ...(spec.platform ? { platform: spec.platform } : {}),
        tag,
        log: writeLine
      })
    )
  )
  log.info(
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

function dockerfileOf(
  spec: ImageSpec,
  cwd: string,
  confine: boolean
): DockerfileSource | undefined {
  if (!spec.dockerfile) return undefined
  const file = pathResolver(cwd, spec.name, confine)(spec.dockerfile, 'file')
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

function pathResolver(cwd: string, name: string, confine: boolean): PathResolver {
  const resolvePath: PathResolver = (path, key) => {
    if (path.startsWith('oci:')) return `oci:${resolvePath(path.slice(4), key)}`
    if (confine) return confinedPath(cwd, path, `image "${name}": \`${key}\``)
    return isAbsolute(path) ? path : join(cwd, path)
  }
  return resolvePath
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
    log.warning(`could not remove a built image: ${errorMessage(e)}`)
  )
}
