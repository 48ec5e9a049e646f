// The override label: it turns `fail` into `accepted` only when the person who added it has
// write permission on the repository. A PR author without write access cannot self-accept.

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'

export interface LabelEvent {
  event: string
  label?: string
  actor?: string
}

const CAN_ACCEPT: Permission[] = ['admin', 'maintain', 'write']

/**
 * Who accepted: the latest `labeled` event of `label` (after its last removal) whose actor
 * may write. Returns undefined when the label is absent or nobody with write access added it.
 */
export async function findAcceptance(
  label: string,
  currentLabels: string[],
  events: LabelEvent[],
  permissionOf: (login: string) => Promise<Permission>
): Promise<string | undefined> {
  if (!currentLabels.includes(label)) return undefined
  const lastRemoval = events
    .map(e => e.event === 'unlabeled' && e.label === label)
    .lastIndexOf(true)
  const adds = events
    .slice(lastRemoval + 1)
    .filter(e => e.event === 'labeled' && e.label === label && e.actor)
    .reverse()
  for (const e of adds) {
    if (CAN_ACCEPT.includes(await permissionOf(e.actor as string))) return e.actor
  }
  return undefined
}
