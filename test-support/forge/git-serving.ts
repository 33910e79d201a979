import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FlavourFacts } from './flavours.js'
import { runHttpBackend } from './git-cgi.js'
import { httpPushRefusal } from './push-refusals.js'
import type { RepoStore } from './repo-store.js'
import type { RequestRecord } from './request-rules.js'

export interface GitContext {
  store: RepoStore
  facts: FlavourFacts
  /** The forge's base URL (absolute redirects name it). */
  url: string
}

/**
 * Git smart HTTP for one request: a renamed repository redirected like the API (git follows only
 * 301), 401 without credentials, the HTTP layer's push refusals, then `git http-backend`; every
 * branch a push moved is recorded (the workflow-run side reacts to it).
 */
export async function serveGit(
  ctx: GitContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  url: URL,
  record: RequestRecord
): Promise<void> {
  const [owner, name] = (record.repo ?? '/').split('/')
  const meta = record.repo ? ctx.store.find(owner, name) : undefined
  const moved = record.repo && !meta ? ctx.store.movedTo(owner, name) : undefined
  if (moved) {
    // Renamed: git smart HTTP is redirected like the API (git itself follows only 301).
    const tail = url.pathname.slice(
      url.pathname.indexOf(record.phase === 'advertise' ? '/info/refs' : `/git-${record.service}`)
    )
    const location = `/${moved.fullName}.git${tail}${url.search}`
    record.status = ctx.facts.redirectStatus
    res.writeHead(ctx.facts.redirectStatus, {
      Location: ctx.facts.absoluteRedirect ? `${ctx.url}${location}` : location
    })
    return void res.end()
  }
  if (!meta || !record.service) return sendText(res, record, 404, 'Not found\n')
  if (!record.authorized) {
    res.setHeader('WWW-Authenticate', `Basic realm="${ctx.facts.family === 'github' ? 'GitHub' : 'Gitea'}"`)
    return sendText(res, record, 401, 'Unauthorized\n')
  }
  if (record.service === 'receive-pack') {
    const refusal = httpPushRefusal(ctx.facts, meta)
    if (refusal) return sendText(res, record, 403, `${refusal}\n`)
  }
  const suffix = url.pathname.slice(
    url.pathname.indexOf(record.phase === 'advertise' ? '/info/refs' : `/git-${record.service}`)
  )
  const before = record.service === 'receive-pack' && record.phase === 'rpc' ? await ctx.store.branches(meta) : null
  record.status = 200
  record.bytes = await runHttpBackend(
    req,
    res,
    body,
    ctx.store.root,
    `/${meta.owner}/${meta.name}.git${suffix}`,
    'cascade-bot'
  )
  record.status = res.statusCode
  record.doneAt = Date.now()
  if (before) {
    for (const [branch, sha] of await ctx.store.branches(meta))
      if (before.get(branch) !== sha) ctx.store.pushed(meta, branch, sha)
  }
}

function sendText(res: ServerResponse, record: RequestRecord, status: number, text: string): void {
  record.status = status
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(text)
}
