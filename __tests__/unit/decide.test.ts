import { decide } from '../../src/pipeline/decide.js'
import { RepoClaims } from '../../src/pipeline/repo-claims.js'
import type { TemplateResult } from '../../src/pipeline/template-result.js'
import { lookUpOf, REPO, settingsOf } from '../../__fixtures__/decisions.js'

/** Everything decided from the look-up round alone, before any write: the central decision. */
const outcome = (d: ReturnType<typeof decide>) =>
  'verdict' in d
    ? { write: d.verdict.changes.map((c) => `${c.path}<-${c.was}`), workflow: d.workflow }
    : (({ status, reason, failure, skip }: TemplateResult) => ({ status, reason, failure, skip }))(d)

describe('decide', () => {
  it.each<[string, Parameters<typeof lookUpOf>, Record<string, string>, object]>([
    [
      'a repository the forge does not know: failed, never skipped',
      [null, { repo: null }],
      {},
      { status: 'failed', failure: 'not-found', reason: expect.stringContaining('repository not found') }
    ],
    [
      'archived: skipped',
      [undefined, { repo: { ...REPO, archived: true } }],
      {},
      { status: 'skipped', reason: 'archived repository' }
    ],
    [
      'a mirror: skipped',
      [undefined, { repo: { ...REPO, mirror: true } }],
      {},
      { status: 'skipped', reason: 'mirror repository (read-only)' }
    ],
    [
      'empty: skipped',
      [undefined, { repo: { ...REPO, empty: true } }],
      {},
      { status: 'skipped', reason: 'empty repository (no branch to pin)' }
    ],
    [
      'no push permission (Gitea says so truthfully): failed before any write',
      [undefined, { repo: { ...REPO, canPush: false } }],
      {},
      { status: 'failed', failure: 'no-access' }
    ],
    [
      'the branch input names a branch it does not have',
      [undefined, { branchExists: false }],
      { branch: 'release' },
      { status: 'failed', failure: 'not-found', reason: 'branch release not found' }
    ],
    [
      'no publish workflow: skipped, marked so the summary says where it looked',
      [undefined, { workflow: null, workflows: [] }],
      {},
      { status: 'skipped', skip: 'no-workflow' }
    ],
    [
      'a workflow that never names the version file, require-consumer: fail',
      [undefined, { workflows: [{ path: 'w.yml', bytes: Buffer.from('make image') }] }],
      { 'require-consumer': 'fail' },
      { status: 'failed', reason: expect.stringContaining('(require-consumer: fail)') }
    ],
    [
      'every pin reads the version: unchanged',
      ['1.2.3'],
      {},
      { status: 'unchanged', reason: 'already pinned to 1.2.3' }
    ],
    [
      'a newer pin, by default: skipped, marked as a newer pin kept',
      ['2.0.0'],
      {},
      { status: 'skipped', skip: 'newer-pin', reason: 'pins 2.0.0, newer than 1.2.3 (downgrade: skip)' }
    ],
    ['a newer pin, downgrade: fail', ['2.0.0'], { downgrade: 'fail' }, { status: 'failed', failure: 'downgrade' }],
    ['a "v" the pin lacks', ['1.2.2'], { version: 'v1.2.3' }, { status: 'failed', failure: 'version-prefix' }],
    [
      'check mode: lagging, nothing to write',
      ['0.1.0'],
      { mode: 'check' },
      { status: 'lagging', reason: 'pins 0.1.0, older than 1.2.3' }
    ],
    [
      'an older pin: the write, and the workflow its build will run',
      ['0.1.0'],
      {},
      { write: ['.runtime-version<-0.1.0'], workflow: '.github/workflows/publish-image.yml' }
    ]
  ])('%s', (_what, lookUpArgs, inputs, expected) => {
    const d = decide(lookUpOf(...lookUpArgs), settingsOf(inputs), 'acme/a', new RepoClaims(), () => {})
    expect(outcome(d)).toMatchObject(expected)
  })

  it('two names for one repository: the second is folded into the first, written once', () => {
    const claims = new RepoClaims()
    const log: string[] = []
    decide(lookUpOf(), settingsOf(), 'acme/a', claims, () => {})
    const second = decide(lookUpOf(), settingsOf(), 'acme/old-a', claims, (l) => log.push(l))
    expect(second).toMatchObject({ status: 'unchanged', sameAs: 'acme/a' })
    expect(log.join('\n')).toContain('acme/old-a was renamed: it is now acme/a')
  })
})
