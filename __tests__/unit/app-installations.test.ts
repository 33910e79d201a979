import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto'
import { ApiError } from '../../src/forge/api-error.js'
import { AppInstallations, AppRejectedError } from '../../src/forge/app-installations.js'
import { appJwt } from '../../src/forge/app-jwt.js'
import type { ForgeClient } from '../../src/forge/forge-client.js'

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>

describe("the App's JWT", () => {
  it('RS256 by the App’s key; iat a minute back, exp nine minutes on, iss the App', () => {
    const now = Date.UTC(2026, 11, 4, 12, 0, 0)
    const { jwt, expiresAtMs } = appJwt('4242', privateKey, now)
    const [head, body, signature] = jwt.split('.')
    expect(decode(head)).toEqual({ alg: 'RS256', typ: 'JWT' })
    expect(decode(body)).toEqual({ iat: now / 1000 - 60, exp: now / 1000 + 540, iss: 4242 })
    expect(expiresAtMs).toBe(now + 540_000)
    const key = createPublicKey(privateKey)
    expect(verify('sha256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))).toBe(true)
  })

  it('a client ID goes as its string', () => {
    expect(decode(appJwt('Iv23liAbc', privateKey).jwt.split('.')[1]).iss).toBe('Iv23liAbc')
  })
})

/** A client that answers the App's endpoints from a table, and records what was asked. */
function fakeClient(installed: Record<string, number>, lifetimeMs: () => number, clock: () => number) {
  const asked: string[] = []
  let n = 0
  const client = {
    call: async (method: string, path: string, call: { authorization?: string }) => {
      asked.push(`${method} ${path}`)
      if (!call.authorization?.startsWith('Bearer ')) throw new Error('not as the App')
      const owner = /^\/(?:orgs|users)\/([^/]+)\/installation$/.exec(path)?.[1]
      if (owner) {
        if (!(owner in installed)) throw new ApiError(404, 'HTTP 404: Not Found')
        return { data: { id: installed[owner] } }
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
      return { data: { token: `ghs_${++n}`, expires_at: new Date(clock() + lifetimeMs()).toISOString() } }
    }
  } as unknown as ForgeClient
  return { client, asked }
}

describe('tokens per owner', () => {
  let now = Date.UTC(2026, 11, 4, 12, 0, 0)
  const clock = () => now
  const app = (installed: Record<string, number>, lifetime = 3_600_000) => {
    const fake = fakeClient(installed, () => lifetime, clock)
    const secrets: string[] = []
    const tokens = new AppInstallations({
      appId: '4242',
      key: privateKey,
      client: fake.client,
      owners: ['gamma', 'acme'],
      secret: (s) => secrets.push(s),
      log: () => {},
      now: clock
    })
    return { tokens, asked: fake.asked, secrets }
  }

  it('one installation look-up and one mint per owner, however many ask at once', async () => {
    const { tokens, asked, secrets } = app({ acme: 1, beta: 2 })
    const got = await Promise.all(['acme', 'ACME', 'beta', 'acme'].map((o) => tokens.gitToken(o)))
    expect(got).toEqual(['ghs_1', 'ghs_1', 'ghs_2', 'ghs_1'])
    // The run's own requests (no owner): the first owner listed that has the App (gamma has not).
    expect(await tokens.gitToken(undefined)).toBe('ghs_1')
    expect(asked.filter((a) => a.startsWith('POST'))).toHaveLength(2)
    // Every token is handed over for masking before it is used.
    expect(secrets).toEqual(expect.arrayContaining(['ghs_1', 'ghs_2']))
  })

  it.each<[string, number, number, boolean]>([
    ['an hour’s token, 54 minutes on: kept', 3_600_000, 54 * 60_000, false],
    ['an hour’s token, 56 minutes on (inside the 5-minute margin): renewed', 3_600_000, 56 * 60_000, true],
    ['a 2 s token, 1.4 s on: kept (its margin is a quarter of its life)', 2000, 1400, false],
    ['a 2 s token, 1.6 s on: renewed, before it expires', 2000, 1600, true]
  ])('%s', async (_, lifetime, later, renewed) => {
    now = Date.UTC(2026, 11, 4, 12, 0, 0)
    const { tokens } = app({ acme: 1 }, lifetime)
    const first = await tokens.gitToken('acme')
    now += later
    expect((await tokens.gitToken('acme')) !== first).toBe(renewed)
  })

  it('an owner without the App: told once, remembered, and the others unaffected', async () => {
    const { tokens, asked } = app({ acme: 1 })
    await expect(tokens.gitToken('gamma')).rejects.toMatchObject({
      notInstalled: true,
      message: expect.stringMatching(/not installed on gamma/)
    })
    await expect(tokens.gitToken('gamma')).rejects.toMatchObject({ notInstalled: true })
    expect(asked.filter((a) => /gamma/.test(a))).toEqual([
      'GET /orgs/gamma/installation',
      'GET /users/gamma/installation'
    ])
    expect(await tokens.gitToken('acme')).toBe('ghs_1')
  })

  it('installed on none of the owners: the run stops, naming them', async () => {
    const { tokens } = app({})
    await expect(tokens.gitToken(undefined)).rejects.toMatchObject({
      message: "the GitHub App is installed on none of the templates' owners (gamma, acme): install it there"
    })
  })

  it('a JWT GitHub refuses (401) stops the run, naming what to check', async () => {
    const client = {
      call: async () => {
        throw new ApiError(401, 'HTTP 401: A JSON web token could not be decoded')
      }
    } as unknown as ForgeClient
    const tokens = new AppInstallations({
      appId: '1',
      key: privateKey,
      client,
      owners: ['gamma', 'acme'],
      secret: () => {},
      log: () => {}
    })
    await expect(tokens.gitToken('acme')).rejects.toBeInstanceOf(AppRejectedError)
  })
})
