import type { ApiLander } from '../../src/landing/api-lander.js'
import { AutoLander } from '../../src/landing/auto-lander.js'
import type { GitLander } from '../../src/landing/git-lander.js'
import type { Landing, LandRequest } from '../../src/landing/lander.js'

// The transport input as a decision: which lander serves a template, and what a hand-over costs.
const landed: Landing = { kind: 'landed', commit: 'c'.repeat(40), attempts: 1 }
const cannot: Landing = { kind: 'cannot', reason: 'the forge has no contents write here (HTTP 405)', attempts: 1 }
const request = { log: () => {} } as unknown as LandRequest

function lander(choice: 'auto' | 'api' | 'git', api: Landing, signing: 'auto' | 'require' = 'auto') {
  const seen: Array<['api' | 'git', number]> = []
  const apiLander = { land: async () => (seen.push(['api', 0]), api) } as unknown as ApiLander
  const gitLander = {
    land: async (r: LandRequest) => (seen.push(['git', r.writesMade ?? 0]), landed)
  } as unknown as GitLander
  return { seen, auto: new AutoLander(choice, signing, apiLander, async () => gitLander) }
}

describe('AutoLander', () => {
  it.each([
    ['auto: the API serves it', 'auto', landed, 'auto', 'landed', 'api', [['api', 0]]],
    [
      'auto: the API cannot, git takes it, counting the API’s write',
      'auto',
      cannot,
      'auto',
      'landed',
      'git',
      [
        ['api', 0],
        ['git', 1]
      ]
    ],
    [
      'auto under commit-signing: require: no hand-over, a failure',
      'auto',
      cannot,
      'require',
      'failed',
      'api',
      [['api', 0]]
    ],
    ['api: what the API says stands', 'api', cannot, 'auto', 'cannot', 'api', [['api', 0]]],
    ['git: straight to git', 'git', landed, 'auto', 'landed', 'git', [['git', 0]]]
  ] as const)('%s', async (_what, choice, api, signing, kind, transport, seen) => {
    const { auto, seen: asked } = lander(choice, api, signing)
    const out = await auto.land(request)
    expect([out.kind, out.transport, asked]).toEqual([kind, transport, seen])
  })

  it('git that cannot run is a failure saying why, after the API’s reason', async () => {
    const apiLander = { land: async () => cannot } as unknown as ApiLander
    const out = await new AutoLander('auto', 'auto', apiLander, async () => 'git 2.31 or later is needed').land(request)
    expect(out).toMatchObject({
      kind: 'failed',
      reason: 'the forge has no contents write here (HTTP 405), and git 2.31 or later is needed'
    })
  })
})
