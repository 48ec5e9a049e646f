// The local command line over the same core as the action. Exit codes: 0 done, 1 a threshold
// failed (compare), 2 the request could not be carried out (bad flag, missing image, corrupt
// archive) — always one clear line on stderr, never a stack trace.

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { errorMessage } from '../errors.js'
import { DEFAULT_LIMITS, parseCount, parseSizeInput } from '../inputs.js'
import { measure } from '../measure.js'
import { renderTerminal } from '../render/terminal.js'
import { VERSION } from '../version.js'
import { progressReporter } from './progress.js'

export const USAGE = `image-size-guard ${VERSION}: where the bytes of a container image go

Usage:
  image-size-guard analyze <source> [options]

<source> is one of:
  an image in the local Docker engine     myapp:latest, sha256:…
  an archive file                         image.tar, image.tar.gz (docker/podman save,
                                          skopeo, buildx --output type=oci|docker)
  an OCI image layout directory           oci:path/to/dir

Options:
  --platform <os/arch[/variant]>   platform to read from a multi-platform source
                                   (default: this machine's)
  --json                           print the JSON report (docs/report-schema.md)
  --estimate-compressed            gzip each uncompressed layer to estimate the registry size
  --max-entries <n>                refuse images with more tar entries (default ${DEFAULT_LIMITS.maxEntries})
  --max-path-length <n>            refuse longer entry paths (default ${DEFAULT_LIMITS.maxPathLength})
  --max-json-size <size>           refuse larger manifests/configs (default 64MiB)
  --no-progress                    no progress line on stderr
  -h, --help                       this text
  -v, --version                    the version

Exit codes: 0 done, 1 a threshold failed, 2 the request could not be carried out.
`

const OPTIONS = {
  platform: { type: 'string' },
  json: { type: 'boolean' },
  'estimate-compressed': { type: 'boolean' },
  'max-entries': { type: 'string' },
  'max-path-length': { type: 'string' },
  'max-json-size': { type: 'string' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
} satisfies ParseArgsConfig['options']

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  isTTY: boolean
}

const processIo: CliIo = {
  stdout: t => process.stdout.write(t),
  stderr: t => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    io.stderr(`image-size-guard: ${errorMessage(e)}. Run image-size-guard --help for usage.\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) return print(io, USAGE, 0)
  if (values.version) return print(io, `${VERSION}\n`, 0)
  const [command, ...rest] = positionals
  try {
    if (command === 'analyze') return await analyzeCommand(rest, values, io)
    if (command === undefined) return usageError(io, 'no command given')
    return usageError(io, `unknown command "${command}"`)
  } catch (e) {
    io.stderr(`image-size-guard: ${errorMessage(e)}\n`)
    return 2
  }
}

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values']

async function analyzeCommand(args: string[], values: Values, io: CliIo): Promise<number> {
  if (args.length !== 1) return usageError(io, 'analyze takes exactly one <source>')
  const progress = progressReporter(io, !values['no-progress'] && !values.json)
  const { report } = await measure(args[0], {
    ...(values.platform ? { platform: values.platform } : {}),
    estimateCompressed: values['estimate-compressed'] === true,
    limits: {
      maxEntries: parseCount(
        values['max-entries'] ?? '',
        '--max-entries',
        DEFAULT_LIMITS.maxEntries
      ),
      maxPathLength: parseCount(
        values['max-path-length'] ?? '',
        '--max-path-length',
        DEFAULT_LIMITS.maxPathLength
      ),
      maxJsonBytes: parseSizeInput(
        values['max-json-size'] ?? '',
        '--max-json-size',
        DEFAULT_LIMITS.maxJsonBytes
      )
    },
    onProgress: progress.update
  }).finally(progress.done)
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderTerminal(report))
  return 0
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`image-size-guard: ${message}. Run image-size-guard --help for usage.\n`)
  return 2
}

function print(io: CliIo, text: string, code: number): number {
  io.stdout(text)
  return code
}
