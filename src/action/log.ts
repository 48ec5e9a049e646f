// The one log writer of the action. Everything printed that may carry text from an image, a
// build, an artifact, a baseline or the PR goes through here, so no line of it can act as a
// workflow command (see neutraliseCommands in src/unsafe.ts). Long untrusted text (a build
// log, a report) is printed inside a `::stop-commands::` block whose token is fresh and
// random per block, so nothing inside can guess it to resume command processing.

import { randomBytes } from 'node:crypto'
import * as core from '@actions/core'
import { logText, neutraliseCommands } from '../unsafe.js'
import type { Log } from '../model.js'

export interface AnnotationProps {
  title?: string
  file?: string
  startLine?: number
}

export function info(message: string): void {
  core.info(neutraliseCommands(message))
}

export function warning(message: string, props?: AnnotationProps): void {
  core.warning(neutraliseCommands(message), props && safeProps(props))
}

export function error(message: string, props?: AnnotationProps): void {
  core.error(neutraliseCommands(message), props && safeProps(props))
}

export function notice(message: string, props?: AnnotationProps): void {
  core.notice(neutraliseCommands(message), props && safeProps(props))
}

/** The job's failure message (an error annotation), neutralised like any other line. */
export function fail(message: string): void {
  core.setFailed(neutraliseCommands(message))
}

/** `core.group` with a neutralised, one-line title. */
export function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return core.group(logText(title), fn)
}

/** The Log the adapters (store, resolver, client) write through. */
export const coreLog: Log = {
  info,
  warning: m => warning(m),
  debug: m => core.debug(neutraliseCommands(m))
}

function safeProps(p: AnnotationProps): AnnotationProps {
  return {
    ...(p.title !== undefined ? { title: logText(p.title) } : {}),
    ...(p.file !== undefined ? { file: logText(p.file) } : {}),
    ...(p.startLine !== undefined ? { startLine: p.startLine } : {})
  }
}

/** A fresh stop-commands token: 128 random bits, unguessable by what runs inside the block. */
export function stopToken(): string {
  return randomBytes(16).toString('hex')
}

/** Prints text from the image or the PR inside a stop-commands block. */
export function logUntrusted(text: string): void {
  const token = stopToken()
  core.info(`::stop-commands::${token}`)
  core.info(neutraliseCommands(text))
  core.info(`::${token}::`)
}

/**
 * Runs `fn` with a line writer whose lines land inside one stop-commands block (a build
 * log, streamed as it comes). The block is closed even when `fn` throws.
 */
export async function withStoppedCommands<T>(
  fn: (writeLine: (line: string) => void) => Promise<T>
): Promise<T> {
  const token = stopToken()
  core.info(`::stop-commands::${token}`)
  try {
    return await fn(line => core.info(neutraliseCommands(line)))
  } finally {
    core.info(`::${token}::`)
  }
}
