import { fileRead, REPO as GITEA_REPO, settingsOf } from '../../__fixtures__/decisions.js'
import type { LookUp } from '../../src/pipeline/look-up.js'
import { estimateQuota, quotaLine } from '../../src/pipeline/quota-estimate.js'

const settings = (inputs: Record<string, string> = {}) =>
  settingsOf({ 'server-url': 'https://github.com', 'api-url': 'https://api.github.com', ...inputs })

// As the GitHub repository is read (forge-shapes.ts parseRepo): push rights are left to the write.
const REPO = { ...GITEA_REPO, canPush: undefined }

let named = 0
/** A template (a repository of its own) whose files read `files` (path → content). */
const reading = (files: Record<string, string>): LookUp => {
  const name = `t${++named}`
  return {
    repo: { ...REPO, fullName: `acme/${name}`, name },
    branchExists: true,
    workflow: { path: '.github/workflows/publish-image.yml', bytes: null },
    workflows: [],
    files: new Map(Object.entries(files).map(([path, text]) => [path, fileRead(text)]))
  }
}
const pinnedTo = (version: string): LookUp => reading({ '.runtime-version': `${version}\n` })
const GITHUB = { contentsWriteKeepsMode: false }
const archived: LookUp = { ...pinnedTo('0.1.0'), repo: { ...REPO, fullName: 'acme/old', archived: true } }

describe('the quota a GitHub run expects to use', () => {
  it.each<[string, Record<string, string>, LookUp[], number, { toPin: number; restLookUps: number; requests: number }]>(
    [
      [
        'a re-run: nothing to pin, nothing through REST',
        {},
        [pinnedTo('1.2.3'), pinnedTo('1.2.3')],
        2,
        { toPin: 0, restLookUps: 0, requests: 0 }
      ],
      [
        'two to pin through the API: one PUT each',
        { transport: 'api' },
        [pinnedTo('0.1.0'), pinnedTo('0.1.0'), archived],
        3,
        { toPin: 2, restLookUps: 0, requests: 2 }
      ],
      [
        'through git: no REST request at all',
        { transport: 'git' },
        [pinnedTo('0.1.0')],
        1,
        { toPin: 1, restLookUps: 0, requests: 0 }
      ],
      // Looked up through REST: the repository, three probe paths, the pin; and counted as a pin (one PUT).
      ['one the batches left to REST', {}, [pinnedTo('1.2.3')], 2, { toPin: 0, restLookUps: 1, requests: 6 }],
      [
        'pull-request mode: about six more a pin',
        { mode: 'pull-request' },
        [pinnedTo('0.1.0')],
        1,
        { toPin: 1, restLookUps: 0, requests: 7 }
      ],
      [
        'two pins: one Git Data commit (the branch, the root tree, the tree, the commit, the ref)',
        { pins: '.runtime-version\nrequirements.txt: rt==' },
        [reading({ '.runtime-version': '0.1.0\n', 'requirements.txt': 'rt==0.1.0\n' })],
        1,
        { toPin: 1, restLookUps: 0, requests: 5 }
      ],
      [
        'one pattern pin in a folder: Git Data too (a contents PUT would make it 100644), one tree more',
        { pins: 'docker/Dockerfile: ARG RT=' },
        [reading({ 'docker/Dockerfile': 'ARG RT=0.1.0\n' })],
        1,
        { toPin: 1, restLookUps: 0, requests: 6 }
      ],
      [
        'a template the decision skips (no workflow) costs nothing',
        {},
        [{ ...pinnedTo('0.1.0'), workflow: null }],
        1,
        { toPin: 0, restLookUps: 0, requests: 0 }
      ],
      [
        'check mode writes nothing',
        { mode: 'check' },
        [pinnedTo('0.1.0')],
        1,
        { toPin: 0, restLookUps: 0, requests: 0 }
      ]
    ]
  )('%s', (_, inputs, held, templates, expected) => {
    expect(estimateQuota(held, templates, settings(inputs), GITHUB)).toEqual(expected)
  })
})

describe('the line before the first write', () => {
  const reset = new Date('2026-12-02T19:00:00Z')
  const graphql = { queries: 3, points: 3, cut: 0, left: { limit: 5000, remaining: 4997, reset } }

  it('says what the look-up took and what the writes will, beside what is left', () => {
    const line = quotaLine(
      { toPin: 40, restLookUps: 2, requests: 52 },
      { limit: 5000, remaining: 4800, reset },
      graphql,
      300
    )
    expect(line).toEqual({
      warn: false,
      text:
        'GitHub quota: the look-up took 3 GraphQL point(s) in 3 queries (4997 of 5000 left); 40 template(s) to pin and 2 to look up ' +
        'through REST first (each counted as one to pin): about 52 REST request(s) (4800 of 5000 left until 2026-12-02T19:00:00.000Z)'
    })
  })

  it('queries GitHub cut are counted: it charges them (changelog 2025-07-21)', () => {
    const line = quotaLine(
      { toPin: 0, restLookUps: 0, requests: 0 },
      undefined,
      { ...graphql, queries: 7, points: 9, cut: 2 },
      300
    )
    expect(line.text).toMatch(
      /^GitHub quota: the look-up took 9 GraphQL point\(s\) in 7 queries, 2 of them cut by GitHub's time limit and charged all the same \(4997 of 5000 left\);/
    )
  })

  it('more than is left: a warning that says what the run will do', () => {
    const line = quotaLine(
      { toPin: 900, restLookUps: 0, requests: 900 },
      { limit: 5000, remaining: 120, reset },
      graphql,
      300
    )
    expect(line.warn).toBe(true)
    expect(line.text).toMatch(
      /more than is left: the run pins until the quota runs out, waits for it for up to rate-limit-wait \(300 s\), and past that stops; the templates not done are listed in failed-templates, to run again after 2026-12-02T19:00:00.000Z$/
    )
  })
})
