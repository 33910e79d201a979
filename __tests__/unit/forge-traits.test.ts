import { GITHUB_WRITE_LIMIT, traitsOf, type ServerSigns } from '../../src/forge/forge-traits.js'

describe('what differs per forge and release, from what its answers showed', () => {
  it.each<[string, ServerSigns, object]>([
    [
      'github.com: bot API commits signed, its limits kept, look-ups in GraphQL, a pattern pin through Git Data',
      { kind: 'github', limited: true },
      {
        name: 'GitHub',
        apiCommitSigning: 'bot',
        writeLimit: GITHUB_WRITE_LIMIT,
        rateLimited: true,
        graphqlLookUp: true,
        contentsWriteKeepsMode: false
      }
    ],
    [
      'GitHub Enterprise Server with rate limits off (the default): no budgets, no bot signing',
      { kind: 'github', enterprise: '3.14.2', limited: false },
      {
        name: 'GitHub Enterprise Server 3.14.2',
        apiCommitSigning: 'never',
        writeLimit: null,
        rateLimited: false,
        graphqlLookUp: true
      }
    ],
    [
      'GitHub Enterprise Server with rate limits on: its announced limits kept, still no bot signing',
      { kind: 'github', enterprise: '3.16.0', limited: true },
      { apiCommitSigning: 'never', writeLimit: GITHUB_WRITE_LIMIT, rateLimited: true }
    ],
    [
      'Gitea or Forgejo: no limits, REST look-ups, a contents write keeps the mode',
      { kind: 'gitea', limited: false },
      {
        family: 'gitea',
        apiCommitSigning: 'server-key',
        writeLimit: null,
        rateLimited: false,
        graphqlLookUp: false,
        contentsWriteKeepsMode: true
      }
    ]
  ])('%s', (_what, signs, expected) => {
    expect(traitsOf(signs)).toMatchObject(expected)
  })
})
