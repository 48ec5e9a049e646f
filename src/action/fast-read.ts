// `registry-read: fast`: the images are read from their registry's manifests and configs only
// (no layer downloaded). What that knows — compressed sizes per platform and layer — goes to
// the job summary and the outputs; `max-size` is held against the compressed size. No comment,
// baseline or comparison: those need the full read.

import * as core from '@actions/core'
import { summarizeCompressed } from '../analysis/compressed.js'
import * as log from './log.js'
import { Outputs } from '../constants.js'
import { inspectRegistryImage } from '../image/registry/inspect.js'
import { isRegistrySource } from '../image/registry/reference.js'
import type { ActionInputs, ImageSpec } from '../inputs.js'
import { renderCompressedMarkdown, type NamedSummary } from '../render/compressed-markdown.js'
import { formatBytes } from '../units.js'

export async function runFastRead(inputs: ActionInputs): Promise<void> {
  const read: NamedSummary[] = []
  for (const spec of inputs.images) read.push(await readOne(spec, inputs))
  await core.summary.addRaw(renderCompressedMarkdown(read)).write()
  const platforms = read.flatMap(r => r.summary.images.map(i => ({ name: r.name, image: i })))
  const failures = read.flatMap(r => r.failures)
  core.setOutput(Outputs.Verdict, failures.length > 0 ? 'fail' : 'pass')
  core.setOutput(
    Outputs.CompressedBytes,
    String(platforms.reduce((n, p) => n + p.image.compressedBytes, 0))
  )
  core.setOutput(
    Outputs.Results,
    JSON.stringify(
      platforms.map(p => ({
        name: p.name,
        platform: p.image.platform,
        compressedBytes: p.image.compressedBytes,
        manifestDigest: p.image.manifestDigest
      }))
    )
  )
  if (failures.length > 0) throw new Error(failures.join('; '))
}

async function readOne(spec: ImageSpec, inputs: ActionInputs): Promise<NamedSummary> {
  const source = spec.image
  if (!source || !isRegistrySource(source)) {
    throw new Error(
      `registry-read: fast reads images from a registry, but image "${spec.name}" is not a docker://HOST/REPO:TAG image`
    )
  }
  const summary = await log.group(`Reading ${spec.name} (${source}, manifests only)`, async () =>
    summarizeCompressed(
      await inspectRegistryImage(source, {
        ...(spec.platform ? { platform: spec.platform } : {}),
        maxJsonBytes: inputs.limits.maxJsonBytes,
        registry: {
          ...(inputs.token ? { githubToken: inputs.token } : {}),
          insecureRegistries: inputs.insecureRegistries
        }
      })
    )
  )
  const max = spec.thresholds.maxSize
  const failures =
    max === undefined
      ? []
      : summary.images
          .filter(i => i.compressedBytes > max)
          .map(
            i =>
              `${spec.name} (${i.platform}): compressed size ${formatBytes(i.compressedBytes)} is over max-size ${formatBytes(max)}`
          )
  for (const i of summary.images)
    log.info(`${spec.name} (${i.platform}): ${formatBytes(i.compressedBytes)} compressed`)
  return { name: spec.name, summary, failures }
}
