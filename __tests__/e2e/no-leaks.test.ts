import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { inputsFor, template } from '../../test-support/scenario.js'

/** The forms a token can take on the wire or in a log. */
function secretForms(token: string): string[] {
  return [token, Buffer.from(token).toString('base64'), Buffer.from(`x-access-token:${token}`).toString('base64')]
}

/**
 * `::add-mask::<secret>` is the command that tells the runner to mask a value; the runner
 * consumes it and never shows or stores it. Everything else must be clean.
 */
function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

async function filesUnder(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[])
  const texts = await Promise.all(
    names.map((n) =>
      readFile(join(dir, n)).then(
        (b) => b.toString('latin1'),
        () => ''
      )
    )
  )
  return texts.join('\n')
}

let forge: TestForge
let scratch: string
beforeAll(async () => {
  forge = await TestForge.start()
  scratch = await mkdtemp(join(tmpdir(), 'leak-scan-'))
})
afterAll(async () => {
  await forge.close()
  await rm(scratch, { recursive: true, force: true })
})

describe('the token never leaks', () => {
  it('through any fault scenario: stdout, stderr, outputs, summary, files on disk during and after', async () => {
    const runs: ActionRun[] = []
    const onDisk: string[] = []
    const runnerTemp = join(scratch, 'runner-temp')
    // A clone exists on disk while its push is in flight: scan it then.
    const snapshot = async () => {
      onDisk.push(await filesUnder(runnerTemp))
    }
    const token = forge.token

    await template(forge, 'ok-a')
    await template(forge, 'race')
    forge.before({ repo: 'acme/race', service: 'receive-pack', phase: 'advertise' }, async () => {
      await snapshot()
      await forge.store.commit(forge.repo('acme/race'), { 'x.txt': 'x\n' }, 'someone else')
    })
    await template(forge, 'echo-500')
    // A misbehaving proxy that echoes the request's credentials back in its error body.
    forge.fault({ kind: 'api', repo: 'acme/echo-500' }, { status: 500, echoAuthorization: true })
    // A server-side hook that prints the token it somehow knows (only the right one can reach it).
    await template(forge, 'hook', { declineWith: `denied for ${token}` })
    await template(forge, 'git-502')
    forge.fault({ kind: 'git', repo: 'acme/git-502', service: 'upload-pack' }, { status: 502 }, 1)
    await template(forge, 'hang')
    forge.fault({ kind: 'api', repo: 'acme/hang', path: /contents/ }, 'hang')
    await template(forge, 'reset')
    forge.fault({ kind: 'git', repo: 'acme/reset', service: 'receive-pack' }, 'reset', 2)
    await template(forge, 'swallow')
    forge.fault({ kind: 'git', repo: 'acme/swallow', service: 'receive-pack', phase: 'rpc' }, 'swallow', 1)
    forge.before({ repo: 'acme/swallow', service: 'receive-pack', phase: 'advertise' }, snapshot)

    const all = 'ok-a race echo-500 hook git-502 hang reset swallow missing'
    // Through git (the token in git's environment) and through the contents API (in headers).
    runs.push(
      await runAction(inputsFor(forge, all, { transport: 'git', 'request-timeout-ms': '300' }), {}, { runnerTemp })
    )
    runs.push(
      await runAction(inputsFor(forge, all, { version: '1.2.4', 'request-timeout-ms': '300' }), {}, { runnerTemp })
    )
    // A rejected token: that token must not leak either.
    const wrong = 'gta_wrong_token_1234567890abcdef'
    runs.push(await runAction(inputsFor(forge, all, { token: wrong }), {}, { runnerTemp }))

    expect(onDisk.length).toBeGreaterThanOrEqual(2)
    expect(onDisk.join('')).toContain('pack') // the snapshots did see a clone
    for (const run of runs) expect(run.leftovers).toEqual([])
    const produced = [...runs.map((r) => withoutMaskCommands(r.everything)), ...onDisk].join('\n')
    expect(produced).toContain('denied for ***') // the hook's echo arrived, redacted
    expect(produced).toContain('upstream said: Authorization: token ***')
    for (const secret of [...secretForms(token), ...secretForms(wrong)]) {
      const at = produced.indexOf(secret)
      expect(at < 0 ? '' : produced.slice(Math.max(0, at - 300), at + 80)).toBe('')
    }
    expect(fragments(produced, [...secretForms(token), ...secretForms(wrong)])).toEqual([])
  })

  it('not even a piece of it, when a server echoes it where a message gets shortened', async () => {
    const token = forge.token
    // Long messages are shortened (200 characters from the API, 400 from git): the echo sits
    // across that cut, so shortening before redacting would leave its first part behind.
    await template(forge, 'cut-api')
    forge.fault({ kind: 'api', repo: 'acme/cut-api' }, { status: 403, body: { message: `${'x'.repeat(185)}${token}` } })
    await template(forge, 'cut-api-b64')
    forge.fault(
      { kind: 'api', repo: 'acme/cut-api-b64' },
      { status: 403, body: { message: `${'x'.repeat(190)}${Buffer.from(token).toString('base64')}` } }
    )
    await template(forge, 'cut-git', { declineWith: `${'y'.repeat(385)}${token}` })
    const run = await runAction(inputsFor(forge, 'cut-api cut-api-b64 cut-git', { transport: 'git' }))
    expect(run.exitCode).toBe(1)
    const produced = withoutMaskCommands(run.everything)
    expect(produced).toContain('x'.repeat(185)) // the long messages did come through
    expect(produced).toContain('y'.repeat(300))
    expect(fragments(produced, secretForms(token))).toEqual([])
  })
})

/** Every 12-character piece of a secret form that appears in `text`. */
function fragments(text: string, secrets: string[]): string[] {
  const found = new Set<string>()
  for (const secret of secrets) {
    for (let i = 0; i + 12 <= secret.length; i++) {
      const piece = secret.slice(i, i + 12)
      if (text.includes(piece)) found.add(piece)
    }
  }
  return [...found]
}
