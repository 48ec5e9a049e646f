// Turns anything thrown into the one line a person reads in the log: never a stack trace.

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message.trim() || e.name
  return String(e)
}

/** An error in what the user asked for (bad input, missing image): CLI exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** How a message names an input: `input \`max-increase\`` (action), `--max-increase` (the CLI passes that). */
export function inputLabel(name: string): string {
  return name.startsWith('--') ? name : `input \`${name}\``
}
