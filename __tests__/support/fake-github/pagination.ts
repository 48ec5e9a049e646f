/** GitHub-style page slicing plus the `Link` header octokit's paginate() follows. */
import type { HandlerContext } from './types.js'

const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

export interface Page<T> {
  items: T[]
  headers: Record<string, string>
}

function pageUrl(ctx: HandlerContext, page: number): string {
  const params = new URLSearchParams(ctx.url.search)
  params.set('page', String(page))
  return `${ctx.state.baseUrl}${ctx.url.pathname}?${params.toString()}`
}

/** Reads per_page (clamped to 1..100 like GitHub) and page (from 1). */
export function pageParams(ctx: HandlerContext): { perPage: number; page: number } {
  const requested = Number(ctx.query.per_page ?? DEFAULT_PER_PAGE)
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, requested || DEFAULT_PER_PAGE))
  const page = Math.max(1, Math.floor(Number(ctx.query.page ?? 1)) || 1)
  return { perPage, page }
}

export function paginate<T>(ctx: HandlerContext, all: T[]): Page<T> {
  const { perPage, page } = pageParams(ctx)
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const links: string[] = []
  if (page > 1) links.push(`<${pageUrl(ctx, Math.min(page - 1, last))}>; rel="prev"`)
  if (page < last) links.push(`<${pageUrl(ctx, page + 1)}>; rel="next"`)
  if (page < last) links.push(`<${pageUrl(ctx, last)}>; rel="last"`)
  if (page > 1) links.push(`<${pageUrl(ctx, 1)}>; rel="first"`)
  const items = all.slice((page - 1) * perPage, page * perPage)
  return { items, headers: links.length > 0 ? { link: links.join(', ') } : {} }
}
