// Where the command line writes: the process's streams, or a test's buffers.

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  isTTY: boolean
}

export const processIo: CliIo = {
  stdout: t => process.stdout.write(t),
  stderr: t => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true
}
