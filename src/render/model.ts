// What the renderers (PR comment, job summary, CLI markdown) are given beside the judged
// images (diff/result.ts): plain data, so the renderers stay pure functions.

export interface RenderContext {
  /** `https://github.com/owner/repo`, for links to Dockerfile lines. */
  repoUrl?: string
  /** The PR head commit: Dockerfile line links point at it. */
  headSha?: string
  /** Link to the workflow run. */
  runUrl?: string
  acceptLabel: string
  /** Hidden marker identifying the comment (see github/comment.ts). */
  marker: string
  /** Matrix legs that left no readable report (aggregate mode): a row each. */
  missing?: MissingLeg[]
}

export interface MissingLeg {
  leg: string
  /** Why, in plain text (escaped by the renderer). */
  reason: string
  /** `fail-on-missing`: the missing leg fails the verdict. */
  fails: boolean
}

export interface RenderOptions {
  /** Hard limit of the output in characters (GitHub comments: 65,536). */
  maxLength: number
}
