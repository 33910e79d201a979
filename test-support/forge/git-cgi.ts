import { spawn } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** Environment for server-side git: nothing from the test process's own git settings. */
export function serverGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C', LC_ALL: 'C' }
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...extra }
}

/**
 * Serves one smart-HTTP request through `git http-backend` (CGI), streaming its answer.
 * `pathInfo` is the canonical /owner/repo.git/... path below `root`.
 */
/** Resolves with the number of body bytes sent. */
export function runHttpBackend(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  root: string,
  pathInfo: string,
  user: string
): Promise<number> {
  const url = new URL(req.url ?? '/', 'http://forge')
  const env = serverGitEnv({
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: pathInfo,
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    CONTENT_LENGTH: String(body.length),
    REMOTE_USER: user,
    REMOTE_ADDR: '127.0.0.1',
    GIT_PROTOCOL: String(req.headers['git-protocol'] ?? '')
  })
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding'])
  return new Promise((resolve) => {
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let head = Buffer.alloc(0)
    let headersSent = false
    let sent = 0
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        sent += chunk.length
        res.write(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') : head.indexOf('\n\n')
      if (end < 0) return
      const sep = head[end] === 13 ? 4 : 2
      let status = 200
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon < 0) continue
        const name = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (name.toLowerCase() === 'status') status = parseInt(value, 10)
        else res.setHeader(name, value)
      }
      res.statusCode = status
      headersSent = true
      sent += head.length - end - sep
      res.write(head.subarray(end + sep))
    })
    cgi.stderr.on('data', () => {})
    cgi.stdin.on('error', () => {})
    cgi.on('close', () => {
      if (!headersSent) {
        res.statusCode = 500
        res.write('http-backend failed')
      }
      res.end()
      resolve(sent)
    })
    cgi.stdin.end(body)
  })
}
