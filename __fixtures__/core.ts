// Typed stand-ins for @actions/core, registered with jest.unstable_mockModule before the
// module under test is imported (as actions/typescript-action does). `summary` keeps what
// was written, so a test can read the job summary back; `group` runs its body.

import type * as core from '@actions/core'
import { jest } from '@jest/globals'

export const debug = jest.fn<typeof core.debug>()
export const info = jest.fn<typeof core.info>()
export const notice = jest.fn<typeof core.notice>()
export const warning = jest.fn<typeof core.warning>()
export const error = jest.fn<typeof core.error>()
export const setFailed = jest.fn<typeof core.setFailed>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const getInput = jest.fn<typeof core.getInput>()
export const group = jest.fn(<T>(_name: string, fn: () => Promise<T>): Promise<T> => fn())

/** What the job summary received, in order. */
export const summaryWritten: string[] = []
const pending: string[] = []
export const summary = {
  addRaw: jest.fn((text: string) => {
    pending.push(text)
    return summary
  }),
  write: jest.fn(async () => {
    summaryWritten.push(pending.splice(0).join(''))
    return summary
  })
}

/** The outputs set so far, the last value of each name. */
export function outputs(): Record<string, string> {
  return Object.fromEntries(setOutput.mock.calls.map(([k, v]) => [k, String(v)]))
}

/** Every line logged through info, notice, warning, error and setFailed, in one list. */
export function logged(): string[] {
  return [info, notice, warning, error, setFailed].flatMap(f =>
    f.mock.calls.map(([m]) => String(m))
  )
}

/** Clears calls and the summary between tests (jest's clearMocks keeps the implementations). */
export function resetCore(): void {
  summaryWritten.length = 0
  pending.length = 0
}
