// What an image name and a platform may look like, checked wherever they enter: the inputs,
// the images config and the measure artifact a fork uploads. They end up in status contexts,
// file names on the data branch, log lines and markdown; a strict shape keeps every one of
// those safe without relying on escaping alone. Imports nothing of ours.

/** Letters, digits, `.`, `_`, `-`, segments joined by `/`; starts with a letter or digit. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*$'
export const MAX_NAME_LENGTH = 100

/** `os/arch[/variant]`, lower case, as the OCI image index spells them (`linux/arm/v7`). */
export const PLATFORM_PATTERN = '^[a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9.]+)?$'
export const MAX_PLATFORM_LENGTH = 64

/** Images per run (inputs, config) and results per measure artifact. */
export const MAX_IMAGES = 20

const NAME = new RegExp(NAME_PATTERN)
const PLATFORM = new RegExp(PLATFORM_PATTERN)

export function isValidName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME.test(name)
}

export function isValidPlatform(platform: string): boolean {
  return platform.length <= MAX_PLATFORM_LENGTH && PLATFORM.test(platform)
}

/** Shows a refused value safely inside an error message: JSON-quoted, bounded. */
export function quoted(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value
  return JSON.stringify(cut)
}

/** Throws when `name` is not a valid image name; `where` names the input or file. */
export function checkName(name: string, where: string): string {
  if (isValidName(name)) return name
  throw new Error(
    `${where}: the image name ${quoted(name)} is not allowed; use letters, digits, ".", "_", "-" and "/" (at most ${MAX_NAME_LENGTH} characters, starting with a letter or digit), e.g. "api" or "services/api"`
  )
}

/** The platform choice that measures every platform of an image index (registry, archive). */
export const ALL_PLATFORMS = 'all'

/** Like `checkPlatform`, but also takes `all` (every platform of the index): for inputs. */
export function checkPlatformChoice(platform: string, where: string): string {
  if (platform === ALL_PLATFORMS || isValidPlatform(platform)) return platform
  throw new Error(
    `${where}: the platform ${quoted(platform)} is neither "all" nor os/arch[/variant] in lower case, e.g. "linux/amd64" or "linux/arm/v7"`
  )
}

/** Throws when `platform` is not `os/arch[/variant]`; `where` names the input or file. */
export function checkPlatform(platform: string, where: string): string {
  if (isValidPlatform(platform)) return platform
  throw new Error(
    `${where}: the platform ${quoted(platform)} is not os/arch[/variant] in lower case, e.g. "linux/amd64" or "linux/arm/v7"`
  )
}
