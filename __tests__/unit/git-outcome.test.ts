import { classifyFetch, classifyPush, remoteMessage } from '../../src/git/git-outcome.js'

const result = (exitCode: number, stdout: string, stderr = '', timedOut = false) => ({
  exitCode,
  stdout,
  stdoutBytes: Buffer.from(stdout),
  stderr,
  timedOut
})
const to = 'To http://127.0.0.1:3000/acme/tpl.git\n'

describe('classifyPush (porcelain)', () => {
  it('a fast-forward is ok', () => {
    expect(classifyPush(result(0, `${to} \t4f2c:refs/heads/main\t1a2b..4f2c\nDone\n`))).toEqual({
      kind: 'ok'
    })
  })

  it('an up-to-date ref is ok (the earlier push had landed)', () => {
    expect(classifyPush(result(0, `${to}=\t4f2c:refs/heads/main\t[up to date]\nDone\n`))).toEqual({
      kind: 'ok'
    })
  })

  it.each([
    '[rejected] (fetch first)',
    '[rejected] (non-fast-forward)',
    '[rejected] (stale info)',
    '[remote rejected] (failed to lock)',
    '[remote rejected] (failed to update ref)',
    "[remote rejected] (cannot lock ref 'refs/heads/main': is at 1a2b but expected 3c4d)"
  ])('%s is a race to replay', (summary) => {
    expect(classifyPush(result(1, `${to}!\t4f2c:refs/heads/main\t${summary}\nDone\n`)).kind).toBe('race')
  })

  it('a declining hook is final, with the server own words', () => {
    const outcome = classifyPush(
      result(
        1,
        `${to}!\t4f2c:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone\n`,
        'remote: Gitea: branch main is protected        \nerror: failed to push some refs\n'
      )
    )
    expect(outcome).toEqual({
      kind: 'final',
      reason: 'push rejected: branch main is protected'
    })
  })

  it("without a sentence from the forge, git's summary is the reason", () => {
    const outcome = classifyPush(
      result(1, `${to}!\t4f2c:refs/heads/main\t[remote rejected] (pre-receive hook declined)\n`)
    )
    expect(outcome).toEqual({ kind: 'final', reason: 'push rejected: [remote rejected] (pre-receive hook declined)' })
  })

  it('a protected-branch rejection is final', () => {
    expect(
      classifyPush(result(1, `${to}!\t4f2c:refs/heads/main\t[remote rejected] (protected branch hook declined)\n`)).kind
    ).toBe('final')
  })

  it.each([
    [
      'a 502 before any ref status',
      'error: RPC failed; HTTP 502 curl 22 The requested URL returned error: 502\nfatal: the remote end hung up unexpectedly\n',
      'transient'
    ],
    [
      'a connection reset',
      "fatal: unable to access 'http://x/': Recv failure: Connection reset by peer\n",
      'transient'
    ],
    ['an early EOF', 'fatal: early EOF\n', 'transient'],
    [
      'a stalled transfer',
      "fatal: unable to access 'http://x/': Operation too slow. Less than 1000 bytes/sec transferred the last 30 seconds\n",
      'transient'
    ],
    ['a 403', "fatal: unable to access 'http://x/': The requested URL returned error: 403\n", 'final'],
    [
      'a 401 with prompts disabled',
      "fatal: could not read Username for 'http://x': terminal prompts disabled\n",
      'final'
    ]
  ])('%s is %s', (_what, stderr, kind) => {
    expect(classifyPush(result(128, '', stderr)).kind).toBe(kind)
  })

  it('a push killed at its deadline is transient and says so', () => {
    expect(classifyPush(result(128, '', '', true))).toEqual({
      kind: 'transient',
      reason: 'timed out (git killed at its deadline)'
    })
  })
})

describe('classifyFetch', () => {
  it('a missing branch is final', () => {
    expect(
      classifyFetch(
        result(
          128,
          '',
          'warning: Could not find remote branch trunk to clone.\nfatal: Remote branch trunk not found in upstream origin\n'
        )
      ).kind
    ).toBe('final')
  })

  it('a repository gone since the lookup is final and says not found', () => {
    const outcome = classifyFetch(result(128, '', "fatal: repository 'http://x/acme/gone.git/' not found\n"))
    expect(outcome.kind).toBe('final')
    expect(outcome.kind === 'final' && outcome.reason).toMatch(/repository not found/)
  })

  it('a 503 is transient', () => {
    expect(
      classifyFetch(result(128, '', "fatal: unable to access 'http://x/': The requested URL returned error: 503\n"))
        .kind
    ).toBe('transient')
  })
})

describe('remoteMessage', () => {
  it('keeps the server lines and drops colour codes and noise', () => {
    expect(remoteMessage('remote: \x1b[1;31mDenied\x1b[m\nremote: \nTo x\nremote: by policy\n')).toBe(
      'Denied by policy'
    )
  })

  it.each([
    ['Gitea <= 1.23', 'remote: Gitea: Not allowed to push to protected branch main\n'],
    ['Forgejo', 'remote: Forgejo: Not allowed to push to protected branch main\n'],
    ['Gitea >= 1.24', 'remote: error: \nremote: error: Not allowed to push to protected branch main\nremote: error: \n']
  ])("is the forge's sentence alone (%s)", (_forge, stderr) => {
    expect(remoteMessage(stderr)).toBe('Not allowed to push to protected branch main')
  })

  it("keeps GitHub's code with its sentence", () => {
    expect(remoteMessage('remote: error: GH006: Protected branch update failed for refs/heads/main.\n')).toBe(
      'GH006: Protected branch update failed for refs/heads/main.'
    )
  })
})
