// The local command line over the same core as the action. Exit codes: 0 done, 1 a threshold
// failed, 2 the request could not be carried out (bad flag, missing image, corrupt archive) —
// always one clear line on stderr, never a stack trace.

import { errorMessage } from '../errors.js'
import { DEFAULT_LIMITS } from '../inputs.js'
import { VERSION } from '../version.js'
import { analyzeCommand, checkCommand, compareCommand, recordCommand } from './commands.js'
import { processIo, type CliIo } from './io.js'
import { parseCommandLine, type Values } from './options.js'

export const USAGE = `image-size-guard ${VERSION}: where the bytes of a container image go

Usage:
  image-size-guard analyze <source> [options]          layers, largest files, waste, hints
  image-size-guard compare <base> <head> [options]     layer-aligned diff of two images
  image-size-guard record <source> [options]           store a baseline in --baseline-dir
  image-size-guard check <source> [options]            compare with a recorded baseline

<source>, <base>, <head> are each one of:
  an image in the local Docker engine     myapp:latest, sha256:…
  an archive file                         image.tar, image.tar.gz (docker/podman save,
                                          skopeo, buildx --output type=oci|docker)
  an OCI image layout directory           oci:path/to/dir
  an image in a registry (not pulled)     docker://ghcr.io/owner/app:tag, docker://nginx,
                                          docker://HOST/REPO@sha256:… (logins from
                                          ~/.docker/config.json and credential helpers)

Reading:
  --platform <os/arch[/variant]>   platform of a multi-platform source (default: this machine's);
                                   \`all\` with docker://: every platform, one report each
  --fast                           analyze docker:// from manifests and configs only:
                                   compressed sizes per layer and platform, no layer download
  --insecure-registry <host>       read docker:// from this host over plain HTTP (repeatable;
                                   localhost and 127.0.0.1 always may)
  --dockerfile <path>              the Dockerfile that built the image: layers and hints get
                                   its line numbers, and its FROM marks the base image
  --base-dockerfile <path>         compare: the Dockerfile that built <base>
  --build-arg <KEY=VALUE>          build arguments the image was built with (repeatable)
  --target <stage>                 the stage the image was built from
  --estimate-compressed            gzip each uncompressed layer to estimate the registry size
  --max-entries <n>                refuse images with more tar entries (default ${DEFAULT_LIMITS.maxEntries})
  --max-path-length <n>            refuse longer entry paths (default ${DEFAULT_LIMITS.maxPathLength})
  --max-json-size <size>           refuse larger manifests/configs (default 64MiB)

Hints:
  --ignore-hints <ids>             leave these hint ids out (comma-separated; docs/hints.md)
  --python-bytecode                also report Python bytecode shipped next to its sources

Verdict (compare, check; exit code 1 on fail):
  --max-size <size>                absolute cap, e.g. 500MB (MB = 10^6 bytes, MiB = 2^20 bytes)
  --max-increase <rule>            10%, 25MB, "10% & 25MB" (both exceeded), "10% | 25MB" (either)
  --warn-increase <rule>           same forms; warns only
  --ignore-base-change             gate only on the Dockerfile's own layers
  --fail-on-hints <ids|severity>   new hints that fail (compare/check)

Baselines (record, check):
  --baseline-dir <dir>             where baselines live (default .image-size-guard)
  --name <name>                    the image's name (default: from the source)
  --sha <commit>                   record: the commit measured (default: git rev-parse HEAD)
  --against <commit>               check: the baseline commit (default: the newest recorded)

Output:
  --json                           print the JSON report (docs/report-schema.md)
  --markdown                       print the markdown report (as in the PR comment)
  --fix-diff                       analyze: print the hints' mechanical fixes to the Dockerfile
                                   as a unified diff (git apply); needs --dockerfile
  --sarif <file>                   analyze: also write the hints as SARIF 2.1.0 (code scanning)
  --no-progress                    no progress line on stderr
  -h, --help                       this text
  -v, --version                    the version

Exit codes: 0 done, 1 a threshold failed, 2 the request could not be carried out.
`

type Command = (args: string[], values: Values, io: CliIo) => Promise<number>

const COMMANDS: Record<string, Command> = {
  analyze: analyzeCommand,
  compare: compareCommand,
  record: recordCommand,
  check: checkCommand
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed
  try {
    parsed = parseCommandLine(argv)
  } catch (e) {
    return usageError(io, errorMessage(e))
  }
  const { values, positionals } = parsed
  if (values.help) return print(io, USAGE, 0)
  if (values.version) return print(io, `${VERSION}\n`, 0)
  const [name, ...rest] = positionals
  if (name === undefined) return usageError(io, 'no command given')
  const command = COMMANDS[name]
  if (!command) return usageError(io, `unknown command "${name}"`)
  if ((values['fix-diff'] || values.sarif !== undefined) && name !== 'analyze')
    return usageError(io, '--fix-diff and --sarif are options of analyze')
  if (values.json && values.markdown)
    return usageError(io, '--json and --markdown exclude each other')
  try {
    return await command(rest, values, io)
  } catch (e) {
    io.stderr(`image-size-guard: ${errorMessage(e)}\n`)
    return 2
  }
}

export function usageError(io: CliIo, message: string): number {
  io.stderr(
    `image-size-guard: ${message.replace(/\.$/, '')}. Run image-size-guard --help for usage.\n`
  )
  return 2
}

function print(io: CliIo, text: string, code: number): number {
  io.stdout(text)
  return code
}
