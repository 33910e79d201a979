import type { Flavour } from '../../test-support/forge/flavours.js'
import type { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import {
  annotations,
  apiWrites,
  fileAt,
  gitRequests,
  inputsFor,
  resultFor,
  template
} from '../../test-support/scenario.js'

/**
 * The ordinary mistakes of a platform team's first hour (issue 25): none of them may write a
 * wrong pin into a template, and each says what to do. On a Gitea flavour and on GitHub.
 */
let forge: TestForge

describe.each<Flavour>(['gitea-1.22', 'github'])('a first hour on %s', (flavour) => {
  forgeForEachTest((f) => (forge = f), { flavour })

  it.each(['null', 'None', 'undefined', 'latest', 'main'])(
    'version: %s is refused before any request, saying what a version looks like',
    async (version) => {
      await template(forge, 'tpl-a')
      const before = forge.requests.length
      const run = await runAction(inputsFor(forge, 'tpl-a', { version }))
      expect(run.exitCode).toBe(1)
      expect(annotations(run.stdout, 'error')).toEqual([
        expect.stringMatching(
          new RegExp(`^::error::version: "${version}" is not a version: .*1\\.2\\.3, 2024\\.10\\.1`)
        )
      ])
      expect(forge.requests.length).toBe(before)
      expect(await fileAt(forge, 'acme/tpl-a', '.runtime-version')).toBe('0.1.0\n')
    }
  )

  it('a "v" the pins do not have writes nothing, and says which value to pass; allow-prefix-change writes it', async () => {
    for (const name of ['tpl-a', 'tpl-b']) await template(forge, name, { pin: '0.1.9' })
    const run = await runAction(inputsFor(forge, 'tpl-a tpl-b', { version: 'v0.1.10' }))
    expect(run.exitCode).toBe(1)
    expect(resultFor(run, 'tpl-a')).toMatchObject({
      status: 'failed',
      reason: `pins 0.1.9, without the "v" that version v0.1.10 has: pass version 0.1.10 to keep the pins' spelling, or set allow-prefix-change: true to write v0.1.10`
    })
    expect(apiWrites(forge)).toHaveLength(0)
    expect(gitRequests(forge)).toBe(0)
    expect(await fileAt(forge, 'acme/tpl-b', '.runtime-version')).toBe('0.1.9\n')
    expect(run.summary).toContain('**Version prefix differs** (acme/tpl-a acme/tpl-b)')
    // The annotation says it once (the advice would repeat what the reason says).
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::error title=runtime cascade::acme/tpl-a:'))).toEqual([
      `::error title=runtime cascade::acme/tpl-a: pins 0.1.9, without the "v" that version v0.1.10 has: pass version 0.1.10 to keep the pins' spelling, or set allow-prefix-change: true to write v0.1.10`
    ])
    expect(run.outputs['failed-templates']).toBe('acme/tpl-a acme/tpl-b')

    const meant = await runAction(inputsFor(forge, 'tpl-a', { version: 'v0.1.10', 'allow-prefix-change': 'true' }))
    expect(meant.exitCode).toBe(0)
    expect(resultFor(meant, 'tpl-a').status).toBe('updated')
    expect(await fileAt(forge, 'acme/tpl-a', '.runtime-version')).toBe('v0.1.10\n')
  })

  it('by default a newer pin is kept, visibly: a warning naming both versions, the summary, skipped-templates', async () => {
    await template(forge, 'tpl-new', { pin: '2.0.0' })
    await template(forge, 'tpl-old', { pin: '0.1.0' })
    const run = await runAction(inputsFor(forge, 'tpl-new tpl-old'))
    expect(run.exitCode).toBe(0)
    expect(await fileAt(forge, 'acme/tpl-new', '.runtime-version')).toBe('2.0.0\n')
    expect(await fileAt(forge, 'acme/tpl-old', '.runtime-version')).toBe('1.2.3\n')
    expect(apiWrites(forge, 'acme/tpl-new')).toHaveLength(0)
    expect(annotations(run.stdout, 'warning')).toContain(
      '::warning title=runtime cascade%3A newer pin kept::acme/tpl-new: pins 2.0.0, newer than 1.2.3 (downgrade: skip): left as it is. To write 1.2.3 anyway, re-run with downgrade: allow'
    )
    expect(run.summary).toContain('**Newer pin kept** (acme/tpl-new)')
    expect(run.outputs['skipped-templates']).toBe('acme/tpl-new')
    expect(run.outputs['updated-templates']).toBe('acme/tpl-old')
  })

  it('a misspelt input that changes what is written stops the run before any request', async () => {
    await template(forge, 'tpl-a')
    const before = forge.requests.length
    const run = await runAction({ ...inputsFor(forge, 'tpl-a'), dry_run: 'true' })
    expect(run.exitCode).toBe(1)
    expect(annotations(run.stdout, 'error')).toEqual([
      "::error::dry_run is not an input of this action: did you mean dry-run? It changes what is written, so nothing was done: correct the name in the step's with:"
    ])
    expect(forge.requests.length).toBe(before)
    expect(await fileAt(forge, 'acme/tpl-a', '.runtime-version')).toBe('0.1.0\n')
  })

  it('any other unknown input is a warning naming the nearest one, and the run goes on', async () => {
    await template(forge, 'tpl-a')
    const run = await runAction({ ...inputsFor(forge, 'tpl-a'), concurency: '2' })
    expect(run.exitCode).toBe(0)
    expect(annotations(run.stdout, 'warning')).toContain(
      '::warning title=runtime cascade%3A inputs::concurency is not an input of this action: did you mean concurrency? It was ignored.'
    )
    expect(resultFor(run, 'tpl-a').status).toBe('updated')
  })

  it('a token that may not write is told which right it needs on this forge', async () => {
    await template(forge, 'tpl-ro', { readOnly: true })
    const run = await runAction(inputsFor(forge, 'tpl-ro', { transport: 'api' }))
    expect(run.exitCode).toBe(1)
    const right =
      flavour === 'github'
        ? 'on GitHub, the token needs Contents: read and write'
        : "on Gitea or Forgejo, the token's user needs Write on the repository"
    expect(annotations(run.stdout, 'error').join('\n')).toContain(`the token may read but not write it: ${right}`)
    expect(run.summary).toContain('**No write access** (acme/tpl-ro)')
  })

  it('a protected branch is advised in the singular for one template', async () => {
    await template(forge, 'tpl-p', { protectBranch: 'main' })
    const run = await runAction(inputsFor(forge, 'tpl-p'))
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('use `mode: pull-request` for it.')
  })

  it('in check mode, one laggard whose pull request is open is told to merge it, not "the others"', async () => {
    await template(forge, 'tpl-a')
    await runAction(inputsFor(forge, 'tpl-a', { mode: 'pull-request' }))
    const check = await runAction(inputsFor(forge, 'tpl-a', { mode: 'check' }))
    expect(check.exitCode).toBe(1)
    const error = annotations(check.stdout, 'error').join('\n')
    expect(error).toContain('1 of 1 template(s) lag behind 1.2.3: acme/tpl-a. Its bump pull request is open: merge it.')
    expect(error).not.toContain('the others')
  })
})

describe('a repository URL of another host', () => {
  forgeForEachTest((f) => (forge = f), { flavour: 'gitea-1.22' })

  it('is refused as another host, not turned into owner/repo on this forge', async () => {
    const before = forge.requests.length
    const run = await runAction(inputsFor(forge, 'https://github.com/acme/tpl-a'))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('is on another host (github.com), not on this forge')
    expect(run.stdout).not.toContain('list its repositories as owner/repo')
    expect(forge.requests.length).toBe(before)
  })
})
