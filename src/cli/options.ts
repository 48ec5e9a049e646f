// The command line's flags, parsed into the same typed options the action uses.

import { statSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Thresholds } from '../diff/verdict.js'
import { UsageError } from '../errors.js'
import {
  hintIds,
  parseBuildArgs,
  readLimits,
  readThresholds,
  type InputGetter,
  type Limits
} from '../inputs.js'
import type { RegistryOptions } from '../image/registry/client.js'
import type { MeasureOptions } from '../measure.js'

const OPTIONS = {
  platform: { type: 'string' },
  fast: { type: 'boolean' },
  'insecure-registry': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
  dockerfile: { type: 'string' },
  'base-dockerfile': { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  'ignore-hints': { type: 'string' },
  'python-bytecode': { type: 'boolean' },
  'estimate-compressed': { type: 'boolean' },
  'max-size': { type: 'string' },
  'max-increase': { type: 'string' },
  'warn-increase': { type: 'string' },
  'ignore-base-change': { type: 'boolean' },
  'fail-on-hints': { type: 'string' },
  name: { type: 'string' },
  sha: { type: 'string' },
  against: { type: 'string' },
  'baseline-dir': { type: 'string' },
  'max-entries': { type: 'string' },
  'max-path-length': { type: 'string' },
  'max-json-size': { type: 'string' },
  'no-progress': { type: 'boolean' },
  'fix-diff': { type: 'boolean' },
  sarif: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
} satisfies ParseArgsConfig['options']

export type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values']

export function parseCommandLine(argv: string[]): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    // Node's own text for an unknown flag ends in unbalanced quotes (`as in '-- "--x"`).
    const code = (e as { code?: string }).code
    const flag = /'(-[^']*)'/.exec((e as Error).message)?.[1]
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      throw new Error(`unknown option ${flag} (a path that starts with - goes after --)`)
    }
    throw e
  }
}

/** The flags as the action's input getter: the CLI's flags are named as the inputs are. */
function flags(v: Values): InputGetter {
  return name => {
    const value = (v as Record<string, unknown>)[name]
    return value === true ? 'true' : typeof value === 'string' ? value : ''
  }
}

function limitsOf(v: Values): Limits {
  return readLimits(flags(v), '--')
}

export function thresholdsOf(v: Values): Thresholds {
  return readThresholds(flags(v), '--')
}

/** What `measure` needs from the flags (the progress callback is added by the caller). */
export function measureOptionsOf(v: Values, side: 'head' | 'base' = 'head'): MeasureOptions {
  const ignoreHints = hintIds(v['ignore-hints'] ?? '', '--ignore-hints')
  if ((v['build-arg'] || v.target) && !v.dockerfile && !v['base-dockerfile']) {
    throw new UsageError('--build-arg and --target describe the Dockerfile: give --dockerfile too')
  }
  const dockerfile = side === 'head' ? v.dockerfile : v['base-dockerfile']
  if (dockerfile) readable(dockerfile, side === 'head' ? '--dockerfile' : '--base-dockerfile')
  return {
    ...(v.platform ? { platform: v.platform } : {}),
    estimateCompressed: v['estimate-compressed'] === true,
    limits: limitsOf(v),
    ...(dockerfile
      ? {
          dockerfile: {
            path: dockerfile,
            file: dockerfile,
            buildArgs: parseBuildArgs((v['build-arg'] ?? []).join('\n'), '--build-arg'),
            ...(v.target ? { target: v.target } : {})
          }
        }
      : {}),
    ignoreHints,
    pythonBytecode: v['python-bytecode'] === true,
    registry: registryOptionsOf(v)
  }
}

/** docker:// sources: the Docker config's logins, plain HTTP for the hosts named. */
export function registryOptionsOf(v: Values): RegistryOptions {
  const insecure = (v['insecure-registry'] ?? []).flatMap(h => h.split(',')).filter(Boolean)
  return insecure.length > 0 ? { insecureRegistries: insecure } : {}
}

/** The Dockerfile must be a file (measure reads it; here only that is checked, early). */
function readable(path: string, flag: string): void {
  let isFile: boolean
  try {
    isFile = statSync(path).isFile()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UsageError(
      `${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`
    )
  }
  if (!isFile) throw new UsageError(`${flag} ${path}: not a file`)
}
