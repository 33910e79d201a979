import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { classifyRequest } from '../forge/requests.js'
import { matches, type Match, type RequestRecord } from '../forge/request-rules.js'

/**
 * A loopback proxy in front of a live forge: the action is given its address, so every request
 * it sends (API and git smart HTTP alike) is recorded as the test forge records them, and a hook
 * can run before one is passed on (a push racing the action's write). It forwards bytes as they
 * come, both ways, and changes nothing else: the answers are the live forge's own.
 */
export class ForgeProxy {
  readonly requests: RequestRecord[] = []
  private readonly hooks: Array<{ match: Match; hook: () => Promise<void> }> = []
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    readonly url: string
  ) {}

  static async start(upstream: string): Promise<ForgeProxy> {
    const target = new URL(upstream)
    const holder: { proxy?: ForgeProxy } = {}
    const server = createServer((req, res) => void holder.proxy!.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const proxy = new ForgeProxy(server, target, `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`)
    holder.proxy = proxy
    server.on('connection', (socket) => {
      proxy.sockets.add(socket)
      socket.on('close', () => proxy.sockets.delete(socket))
    })
    return proxy
  }

  before(match: Match, hook: () => Promise<void>): void {
    this.hooks.push({ match, hook })
  }

  count(match: Match = {}): RequestRecord[] {
    return this.requests.filter((r) => matches(match, r))
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy')
    const path = url.pathname.slice(this.upstream.pathname.replace(/\/$/, '').length) || '/'
    const record = classifyRequest('/api/v1/', req.method ?? 'GET', path, url.searchParams)
    this.requests.push(record)
    const at = this.hooks.findIndex((h) => matches(h.match, record))
    if (at >= 0) await this.hooks.splice(at, 1)[0].hook()
    const out = request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: this.upstream.host }
      },
      (answer) => {
        record.status = answer.statusCode
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    out.on('error', () => res.destroy())
    req.pipe(out)
  }
}
