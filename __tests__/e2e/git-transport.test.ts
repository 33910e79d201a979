import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import {
  fileAt,
  history,
  inputsFor,
  PIN,
  resultFor,
  resultsOf,
  subjects,
  template
} from '../../test-support/scenario.js'

/**
 * The git transport: clone, commit, push; its races, faults and costs. Each describe is one
 * run of the action over templates that each meet one situation (faults and races are set per
 * repository), and each `it` asserts what happened to one of them.
 */
let forge: TestForge
let run: ActionRun
const before = new Map<string, string[]>()
const git = (templates: string, extra: Record<string, string> = {}) =>
  inputsFor(forge, templates, { transport: 'git', ...extra })

async function setUp(names: string[], arrange: () => Promise<void>, extra: Record<string, string> = {}): Promise<void> {
  forge = await TestForge.start()
  for (const name of names)
    before.set(
      name,
      (await history(forge, await template(forge, name))).map((l) => l.split('|')[2])
    )
  await arrange()
  run = await runAction(git(names.join(' '), extra))
}

/** The branch holds exactly one pin commit on top of all that was there, nothing lost. */
async function onePinOnTop(name: string): Promise<void> {
  expect(await subjects(forge, `acme/${name}`)).toEqual([PIN, ...before.get(name)!])
}

describe('git: races', () => {
  beforeAll(() =>
    setUp(
      ['rebase', 'pinned-meanwhile', 'busy'],
      async () => {
        // Someone pushes right before our push's ref advertisement.
        forge.before({ repo: 'acme/rebase', service: 'receive-pack', phase: 'advertise' }, async () => {
          await forge.store.commit(forge.repo('acme/rebase'), { 'app.py': 'print("hi")\n' }, 'feat: someone else')
        })
        forge.before({ repo: 'acme/pinned-meanwhile', service: 'receive-pack', phase: 'advertise' }, async () => {
          await forge.store.commit(
            forge.repo('acme/pinned-meanwhile'),
            { '.runtime-version': '1.2.3\n' },
            'chore: pinned by a parallel run'
          )
        })
        let n = 0
        forge.before(
          { repo: 'acme/busy', service: 'receive-pack', phase: 'advertise' },
          async () => void (await forge.store.commit(forge.repo('acme/busy'), { 'busy.txt': `${++n}\n` }, `busy ${n}`)),
          Infinity
        )
      },
      { 'max-attempts': '2' }
    )
  )
  afterAll(() => forge.close())

  it('replays the pin over a push made between clone and push: both commits survive', async () => {
    expect(resultFor(run, 'rebase')).toMatchObject({ status: 'updated', attempts: 2 })
    expect(await subjects(forge, 'acme/rebase')).toEqual([PIN, 'feat: someone else', 'initial commit'])
    expect(await fileAt(forge, 'acme/rebase', 'app.py')).toBe('print("hi")\n')
    expect(await fileAt(forge, 'acme/rebase', '.runtime-version')).toBe('1.2.3\n')
  })

  it('ends unchanged when the other push already pinned the same version', async () => {
    expect(resultFor(run, 'pinned-meanwhile').status).toBe('unchanged')
    expect((await subjects(forge, 'acme/pinned-meanwhile'))[0]).toBe('chore: pinned by a parallel run')
  })

  it('gives up after max-attempts pushes when the branch keeps moving, leaving its commits intact', async () => {
    expect(resultFor(run, 'busy')).toMatchObject({ status: 'failed', attempts: 2 })
    expect(resultFor(run, 'busy').reason).toMatch(/^gave up after 2 attempts/)
    // Each push is refused at the advertisement (fetch first), so git never sends the pack.
    expect(forge.count({ repo: 'acme/busy', service: 'receive-pack', phase: 'advertise' })).toBe(2)
    expect(await subjects(forge, 'acme/busy')).toEqual(['busy 2', 'busy 1', 'initial commit'])
    expect(run.exitCode).toBe(1)
  })
})

describe('git: faults that clear', () => {
  beforeAll(() =>
    setUp(['clone-502', 'push-502', 'push-resets', 'push-swallowed', 'mid-push'], async () => {
      forge.fault({ kind: 'git', repo: 'acme/clone-502', service: 'upload-pack', phase: 'rpc' }, { status: 502 }, 2)
      forge.fault({ kind: 'git', repo: 'acme/push-502', service: 'receive-pack', phase: 'rpc' }, { status: 502 }, 1)
      // curl itself resends a request whose reused connection was reset; two resets beat that.
      forge.fault({ kind: 'git', repo: 'acme/push-resets', service: 'receive-pack' }, 'reset', 2)
      forge.fault({ kind: 'git', repo: 'acme/push-swallowed', service: 'receive-pack', phase: 'rpc' }, 'swallow', 1)
      forge.before({ repo: 'acme/mid-push', service: 'receive-pack', phase: 'rpc' }, async () => {
        await forge.store.commit(forge.repo('acme/mid-push'), { 'late.txt': 'late\n' }, 'feat: landed mid-push')
      })
    })
  )
  afterAll(() => forge.close())

  it('retries transient 502s on the clone within max-attempts', async () => {
    expect(resultFor(run, 'clone-502')).toMatchObject({ status: 'updated', attempts: 1 })
    await onePinOnTop('clone-502')
  })

  it('retries a push that failed with a 502, ending with exactly one pin commit', async () => {
    expect(resultFor(run, 'push-502')).toMatchObject({ status: 'updated', attempts: 2 })
    expect(run.stdout).toMatch(/transient: .*502/)
    await onePinOnTop('push-502')
  })

  it('survives resets on every push request, ending with exactly one pin commit', async () => {
    expect(resultFor(run, 'push-resets').status).toBe('updated')
    await onePinOnTop('push-resets')
  })

  it('a push that landed but whose answer was lost is recognised, not pushed twice', async () => {
    expect(resultFor(run, 'push-swallowed')).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 (was 0.1.0); the interrupted push had landed'
    })
    expect(resultFor(run, 'push-swallowed').commit).toBe(
      await forge.store.resolve(forge.repo('acme/push-swallowed'), 'refs/heads/main')
    )
    await onePinOnTop('push-swallowed')
  })

  it('a ref that moves between the advertisement and the update is a race: replayed, both commits kept', async () => {
    expect(resultFor(run, 'mid-push')).toMatchObject({ status: 'updated', attempts: 2 })
    expect(run.stdout).toMatch(/race: .*(failed to update ref|failed to lock|cannot lock ref)/)
    expect(await subjects(forge, 'acme/mid-push')).toEqual([PIN, 'feat: landed mid-push', 'initial commit'])
  })
})

describe('git: faults that do not clear', () => {
  beforeAll(() =>
    setUp(
      ['clone-503', 'gone', 'push-403', 'git-401', 'fine'],
      async () => {
        forge.fault({ kind: 'git', repo: 'acme/clone-503', service: 'upload-pack' }, { status: 503 })
        forge.before({ kind: 'git', repo: 'acme/gone' }, async () => forge.store.remove(forge.repo('acme/gone')))
        forge.fault(
          { kind: 'git', repo: 'acme/push-403', service: 'receive-pack' },
          { status: 403, body: 'User permission denied for writing.' }
        )
        forge.fault(
          { kind: 'git', repo: 'acme/git-401' },
          { status: 401, body: 'Unauthorized', headers: { 'WWW-Authenticate': 'Basic realm="Gitea"' } }
        )
      },
      { 'max-attempts': '2', 'git-timeout-ms': '60000' }
    )
  )
  afterAll(() => forge.close())

  it('gives up on a clone that keeps failing after max-attempts, leaving the branch as it was', async () => {
    expect(resultFor(run, 'clone-503')).toMatchObject({ status: 'failed', attempts: 0 })
    expect(resultFor(run, 'clone-503').reason).toMatch(/^gave up after 2 attempts: .*503/)
    expect(forge.count({ kind: 'git', repo: 'acme/clone-503', service: 'upload-pack', phase: 'advertise' })).toBe(2)
    expect(await subjects(forge, 'acme/clone-503')).toEqual(before.get('clone-503'))
  })

  it('fails with the git error when the repository disappears between lookup and clone, not retried', async () => {
    expect(resultFor(run, 'gone')).toMatchObject({ status: 'failed', attempts: 0 })
    expect(resultFor(run, 'gone').reason).toMatch(/^repository not found by git/)
    expect(forge.count({ kind: 'git', repo: 'acme/gone' })).toBe(1)
  })

  it('a push refused for permission is final, saying the token lacks write access', async () => {
    expect(resultFor(run, 'push-403')).toMatchObject({ status: 'failed', attempts: 1 })
    expect(resultFor(run, 'push-403').reason).toMatch(
      /^the token lacks write access to this repository \(the forge said: .*403/
    )
  })

  it('git refused with a 401 fails at once: no prompt to hang on, no retry', async () => {
    expect(resultFor(run, 'git-401')).toMatchObject({ status: 'failed', attempts: 0 })
    expect(resultFor(run, 'git-401').reason).toMatch(/^authentication or permission failure: /)
    // One request and git's own refusal, not a deadline: git asked no one for a password.
    expect(forge.count({ kind: 'git', repo: 'acme/git-401' })).toBe(1)
    expect(resultFor(run, 'git-401').reason).not.toMatch(/timed out|too slow/)
  })

  it('the others update all the same', async () => {
    expect(resultFor(run, 'fine').status).toBe('updated')
    await onePinOnTop('fine')
  })
})

describe('git: a server that hangs', () => {
  beforeAll(() =>
    setUp(['hang', 'fine'], async () => forge.fault({ kind: 'git', repo: 'acme/hang' }, 'hang'), {
      'git-timeout-ms': '2000',
      'max-attempts': '2'
    })
  )
  afterAll(() => forge.close())

  it('cannot hang the job: git is killed at its deadline, the others update', async () => {
    expect(resultFor(run, 'hang').status).toBe('failed')
    expect(resultFor(run, 'hang').reason).toMatch(/^gave up after 2 attempts: .*(too slow|timed out)/i)
    expect(resultFor(run, 'fine').status).toBe('updated')
  })
})

describe('git: costs', () => {
  beforeAll(() => setUp(['small', 'big'], async () => forge.store.grow(forge.repo('acme/big'), 300, 4000)))
  afterAll(() => forge.close())

  it('clone cost does not grow with history or with files the cascade never touches', async () => {
    expect(resultsOf(run.outputs).map((r) => r.status)).toEqual(['updated', 'updated'])
    const fetched = (repo: string) =>
      forge.requests
        .filter((r) => r.repo === repo && r.service === 'upload-pack')
        .reduce((sum, r) => sum + (r.bytes ?? 0), 0)
    // 300 commits and ~1.2 MB of blobs in history; the tip's 4 KB blob is never downloaded either.
    expect(fetched('acme/big')).toBeLessThan(fetched('acme/small') + 1500)
    expect((await fileAt(forge, 'acme/big', 'assets/data.bin'))?.length).toBe(4000)
  })

  it('an update costs no more git requests than one fetch and one push', async () => {
    // v2 fetch: advertisement, ls-refs, fetch; push: advertisement, pack. No lazy fetches.
    expect(forge.count({ kind: 'git', repo: 'acme/small', service: 'upload-pack' })).toBe(3)
    expect(forge.count({ kind: 'git', repo: 'acme/small', service: 'receive-pack' })).toBe(2)
  })
})
