import type { Flavour } from '../../test-support/forge/flavours.js'
import { TestForge } from '../../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../../test-support/run-action.js'
import { apiWrites, fileAt, inputsFor, resultFor, subjects, template } from '../../test-support/scenario.js'

/**
 * Every place a template pins the runtime, landed in one commit, on each transport and forge:
 * one run per (flavour, transport) over templates that each meet one situation, an `it` each.
 */
const PINS = [
  '.runtime-version',
  'requirements.txt: my-runtime==',
  'Dockerfile: ARG RUNTIME_VERSION= (optional)',
  'build.sh: /^RUNTIME=(?<version>[^\\s]+)/ (optional)'
].join('\n')

const REQUIREMENTS = (v: string, eol = '\n') => `flask==3.0${eol}my-runtime==${v}${eol}`
const SOMEONE = { name: 'Someone Else', email: 'someone@example.com' }

const cases: Array<[Flavour, 'api' | 'git']> = [
  ['gitea-1.25', 'api'],
  ['gitea-1.25', 'git'],
  ['gitea-1.22', 'api'],
  ['github', 'api'],
  ['github', 'git']
]

describe.each(cases)('several pins on %s through %s', (flavour, transport) => {
  let forge: TestForge
  let run: ActionRun
  const heads = new Map<string, string>()
  const mode = async (name: string, path: string) =>
    (await forge.store.git(forge.repo(`acme/${name}`).dir, ['ls-tree', 'main', '--', path])).split(' ')[0]

  beforeAll(async () => {
    forge = await TestForge.start({ flavour })
    forge.github.tokenKind = 'app'
    const req = (v: string, eol?: string) => ({ 'requirements.txt': REQUIREMENTS(v, eol) })
    await template(forge, 'two-files', { files: req('0.1.0') })
    await template(forge, 'twice', {
      files: {
        ...req('0.1.0'),
        Dockerfile: 'FROM python\nARG RUNTIME_VERSION=0.1.0\nRUN x\nARG RUNTIME_VERSION=0.1.0\n'
      }
    })
    await template(forge, 'no-match', { files: { 'requirements.txt': 'flask==3.0\n' } })
    await template(forge, 'missing')
    await template(forge, 'crlf', { files: req('0.1.0', '\r\n') })
    await template(forge, 'pinned', { pin: '1.2.3', files: req('1.2.3') })
    await template(forge, 'race', { files: req('0.1.0') })
    await template(forge, 'protected', { files: req('0.1.0'), protectBranch: 'main' })
    await template(forge, 'newer', { files: req('0.1.0') })
    const exec = forge.repo(await template(forge, 'exec', { files: req('0.1.0') }))
    await forge.store.commit(
      exec,
      { 'build.sh': '#!/bin/sh\nRUNTIME=0.1.0\n' },
      'add build.sh',
      SOMEONE,
      true,
      'main',
      {
        'build.sh': '100755'
      }
    )
    for (const name of ['two-files', 'no-match', 'missing', 'race', 'newer', 'protected'])
      heads.set(name, (await forge.store.tip(forge.repo(`acme/${name}`), 'main'))!)
    // A parallel run of an older release pins requirements.txt between our read and our write;
    // another pushes a newer version: both transports judge what they find then.
    const meanwhile = (name: string, files: Record<string, string>) => async () =>
      void (await forge.store.commit(forge.repo(`acme/${name}`), files, `meanwhile in ${name}`))
    const push = { service: 'receive-pack', phase: 'advertise' } as const
    if (transport === 'git') {
      forge.before({ repo: 'acme/race', ...push }, meanwhile('race', req('0.3.0')))
      forge.before({ repo: 'acme/newer', ...push }, meanwhile('newer', { '.runtime-version': '9.9.9\n' }))
    } else {
      forge.api.contents.raceNextWrite('acme/race', meanwhile('race', req('0.3.0')))
      forge.api.contents.raceNextWrite('acme/newer', meanwhile('newer', { '.runtime-version': '9.9.9\n' }))
    }
    const names = ['two-files', 'twice', 'no-match', 'missing', 'crlf', 'pinned', 'race', 'newer', 'exec', 'protected']
    run = await runAction(inputsFor(forge, names.join(' '), { pins: PINS, transport, downgrade: 'skip' }))
  })
  afterAll(() => forge.close())

  // two-files has no Dockerfile and no build.sh: those pins are optional, so it is no failure.
  it('two files, one commit: both pinned, the rest of each file untouched, the optional pins left out', async () => {
    expect(resultFor(run, 'two-files')).toMatchObject({
      status: 'updated',
      reason: 'pinned 1.2.3 in .runtime-version, requirements.txt (was 0.1.0)',
      files: ['.runtime-version', 'requirements.txt']
    })
    expect(await fileAt(forge, 'acme/two-files', '.runtime-version')).toBe('1.2.3\n')
    expect(await fileAt(forge, 'acme/two-files', 'requirements.txt')).toBe(REQUIREMENTS('1.2.3'))
    const parents = await forge.store.git(forge.repo('acme/two-files').dir, ['log', '--format=%P', '-1', 'main'])
    expect(parents.trim()).toBe(heads.get('two-files'))
  })

  it('costs one write request where the forge has a one-request commit (Gitea), the Git Data trio on GitHub', () => {
    const writes = forge.requests
      .filter((r) => r.kind === 'api' && r.repo === 'acme/two-files' && r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.replace(/^.*\/acme\/two-files/, '')}`)
    const expected: Record<string, string[]> = {
      api:
        flavour === 'github'
          ? ['POST /git/trees', 'POST /git/commits', 'PATCH /git/refs/heads/main']
          : ['POST /contents'],
      git: []
    }
    expect(writes).toEqual(expected[transport])
  })

  it('a pattern that matches twice rewrites both, and nothing else in the file', async () => {
    expect(resultFor(run, 'twice')).toMatchObject({
      status: 'updated',
      files: ['.runtime-version', 'requirements.txt', 'Dockerfile']
    })
    expect(await fileAt(forge, 'acme/twice', 'Dockerfile')).toBe(
      'FROM python\nARG RUNTIME_VERSION=1.2.3\nRUN x\nARG RUNTIME_VERSION=1.2.3\n'
    )
  })

  it('a pattern that matches nothing, or whose file is missing, fails the template; nothing is written', async () => {
    expect(resultFor(run, 'no-match')).toMatchObject({
      status: 'failed',
      reason: '"requirements.txt: my-runtime==" matches nothing in requirements.txt'
    })
    expect(resultFor(run, 'missing')).toMatchObject({
      status: 'failed',
      reason: 'requirements.txt not found (pin "requirements.txt: my-runtime==")'
    })
    for (const name of ['no-match', 'missing']) {
      expect(await forge.store.tip(forge.repo(`acme/${name}`), 'main')).toBe(heads.get(name))
      expect(apiWrites(forge, `acme/${name}`).length).toBe(0)
    }
    expect(run.exitCode).toBe(1)
  })

  it('a CRLF file keeps its CRLF line endings', async () => {
    expect(resultFor(run, 'crlf').status).toBe('updated')
    expect(await fileAt(forge, 'acme/crlf', 'requirements.txt')).toBe(REQUIREMENTS('1.2.3', '\r\n'))
  })

  it('an executable file keeps its mode', async () => {
    expect(resultFor(run, 'exec')).toMatchObject({
      status: 'updated',
      files: ['.runtime-version', 'requirements.txt', 'build.sh']
    })
    expect(await fileAt(forge, 'acme/exec', 'build.sh')).toBe('#!/bin/sh\nRUNTIME=1.2.3\n')
    expect(await mode('exec', 'build.sh')).toBe('100755')
  })

  it('already pinned in every file: unchanged, no write', () => {
    expect(resultFor(run, 'pinned')).toMatchObject({ status: 'unchanged', reason: 'already pinned to 1.2.3' })
    expect(apiWrites(forge, 'acme/pinned').length).toBe(0)
  })

  it('a race: read again, judged again; the reason says what the commit replaced; their commit stays below', async () => {
    const again = transport === 'git' ? 'pushes' : 'writes'
    expect(resultFor(run, 'race')).toMatchObject({
      status: 'updated',
      attempts: 2,
      reason: `pinned 1.2.3 in .runtime-version, requirements.txt (.runtime-version was 0.1.0, requirements.txt was 0.3.0) after 2 ${again}`
    })
    expect((await subjects(forge, 'acme/race')).slice(1, 2)).toEqual(['meanwhile in race'])
    expect(await fileAt(forge, 'acme/race', 'requirements.txt')).toBe(REQUIREMENTS('1.2.3'))
  })

  it('a newer pin pushed meanwhile, under downgrade: skip: skipped on both transports, nothing overwritten', async () => {
    expect(resultFor(run, 'newer')).toMatchObject({
      status: 'skipped',
      reason: 'pins 9.9.9, newer than 1.2.3 (downgrade: skip)'
    })
    expect(await fileAt(forge, 'acme/newer', '.runtime-version')).toBe('9.9.9\n')
    expect((await subjects(forge, 'acme/newer'))[0]).toBe('meanwhile in newer')
  })

  it('a protected branch refuses the commit in the forge’s words; not one a re-run fixes', async () => {
    expect(resultFor(run, 'protected').status).toBe('failed')
    expect(resultFor(run, 'protected').reason).toMatch(/pull request|cannot commit|Protected branch/i)
    expect(await forge.store.tip(forge.repo('acme/protected'), 'main')).toBe(heads.get('protected'))
    expect(run.outputs['retryable-templates']).not.toContain('acme/protected')
  })

  it('reports whether the commit is verified, from the write’s answer', () => {
    // GitHub signs an App token's API commit that names no author; Gitea's answer says unsigned
    // here; a push's result carries no verification.
    expect(resultFor(run, 'two-files').verified).toBe(transport === 'git' ? null : flavour === 'github')
  })

  it('the summary says which files each commit changed', () => {
    expect(run.summary).toContain('pinned 1.2.3 in .runtime-version, requirements.txt (was 0.1.0)')
  })
})
