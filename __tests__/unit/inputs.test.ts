import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { DEFAULTS } from '../../src/inputs/defaults.js'
import { readInputs } from '../../src/inputs/read-inputs.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { PROJECT_ROOT } from '../../test-support/run-action.js'

const base = {
  version: '1.2.3',
  templates: 'tpl-a',
  token: 'secret-token',
  owner: 'acme',
  'server-url': 'https://git.example.com',
  'api-url': 'https://git.example.com/api/v1'
}

function withInputs(inputs: Record<string, string | undefined>): () => ReturnType<typeof readInputs>['settings'] {
  return () => {
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
    for (const [name, value] of Object.entries(inputs)) {
      if (value !== undefined) process.env[`INPUT_${name.toUpperCase()}`] = value
    }
    return readInputs().settings
  }
}

const read = (overrides: Record<string, string | undefined> = {}) => withInputs({ ...base, ...overrides })()

describe('version', () => {
  it.each(['1.2.3', '0.1.7', '1.0.0-rc.1+build.5', '2.0.0a1', '1.0.post2.dev3', '2024.11.22', 'v3'])(
    'accepts %s',
    (version) => {
      expect(read({ version }).version).toBe(version)
    }
  )

  it.each(['', ' ', '1.2 3', '1.2.3\n4', '../1', 'a/b', '1;rm -rf', '$(id)', '`x`', '-1.0', '.1', 'x'.repeat(129)])(
    'rejects %j naming it',
    (version) => {
      expect(() => read({ version })).toThrow(/^version: /)
    }
  )
})

describe('templates', () => {
  it('splits on newlines, commas and spaces, drops comments, resolves bare names to owner', () => {
    const inputs = read({ templates: 'tpl-a, tpl-b\n# a comment line\nother/tpl-c  tpl-d # trailing comment\n\n' })
    expect(inputs.templates.map((t) => t.fullName)).toEqual(['acme/tpl-a', 'acme/tpl-b', 'other/tpl-c', 'acme/tpl-d'])
  })

  it('collapses duplicates case-insensitively, keeping the first spelling', () => {
    const inputs = read({ templates: 'Tpl-A acme/tpl-a ACME/TPL-A tpl-b' })
    expect(inputs.templates.map((t) => t.fullName)).toEqual(['acme/Tpl-A', 'acme/tpl-b'])
  })

  it.each([
    ['an empty list', '  # only a comment\n', /empty/],
    ['a path with two slashes', 'a/b/c', /"a\/b\/c"/],
    ['a name with ..', 'acme/..', /invalid repository name/],
    ['a shell metacharacter', 'tpl;ls', /"tpl;ls"/],
    ['an owner with a space-like character', 'ac$me/x', /invalid owner/]
  ])('rejects %s', (_what, templates, message) => {
    expect(() => read({ templates })).toThrow(message)
  })

  it('asks for owner/repo when a bare name has no owner to fall back on', () => {
    const saved = process.env.GITHUB_REPOSITORY_OWNER
    delete process.env.GITHUB_REPOSITORY_OWNER
    try {
      expect(() => read({ owner: undefined })).toThrow(/no owner/)
    } finally {
      if (saved !== undefined) process.env.GITHUB_REPOSITORY_OWNER = saved
    }
  })
})

describe('template sources', () => {
  it('reads org: and topic: entries beside names, the owner input filling in a topic without one', () => {
    const templates = read({
      templates: 'tpl-a org:platform topic:runtime-template topic:image@other ORG:Platform tpl-a'
    }).templates
    expect(templates).toEqual([
      { owner: 'acme', repo: 'tpl-a', fullName: 'acme/tpl-a' },
      { kind: 'org', owner: 'platform', fullName: 'org:platform' },
      { kind: 'topic', owner: 'acme', topic: 'runtime-template', fullName: 'topic:runtime-template@acme' },
      { kind: 'topic', owner: 'other', topic: 'image', fullName: 'topic:image@other' }
    ])
  })

  it.each([
    ['org:', /"org:" names no organisation or user/],
    ['org:a/b', /"org:a\/b" names no organisation or user/],
    ['topic:bad_topic!', /invalid topic "bad_topic!"/],
    ['topic:x@bad$owner', /invalid owner "bad\$owner"/]
  ])('rejects %j', (templates, message) => {
    expect(() => read({ templates })).toThrow(message)
  })

  it('asks for an owner for a topic without one', () => {
    const saved = process.env.GITHUB_REPOSITORY_OWNER
    delete process.env.GITHUB_REPOSITORY_OWNER
    try {
      expect(() => read({ owner: undefined, templates: 'topic:x' })).toThrow(/write it as topic:NAME@OWNER/)
    } finally {
      if (saved !== undefined) process.env.GITHUB_REPOSITORY_OWNER = saved
    }
  })
})

describe('token, or a GitHub App', () => {
  const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs1',
    format: 'pem'
  }) as string
  const EC = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem'
  }) as string
  const GITHUB = { 'server-url': 'https://github.com', 'api-url': 'https://api.github.com' }
  const credential = (over: Record<string, string>) => {
    for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
    for (const [name, value] of Object.entries({ ...base, ...GITHUB, ...over }))
      process.env[`INPUT_${name.toUpperCase()}`] = value
    return readInputs().credential
  }

  it('is required, and the error says why the runner token will not do', () => {
    expect(() => read({ token: '' })).toThrow(/cannot push to other repositories.*start no workflows/s)
  })

  it.each<[string, Record<string, string>, RegExp]>([
    ['both forms', { 'app-id': '123', 'app-private-key': KEY }, /both set: give one form/],
    ['an id without its key', { token: '', 'app-id': '123' }, /app-private-key: required with app-id/],
    ['a key without its id', { token: '', 'app-private-key': KEY }, /app-id: required with app-private-key/],
    ['an id that is neither', { token: '', 'app-id': 'my app', 'app-private-key': KEY }, /neither an App's id/],
    [
      'a key that is not PEM',
      { token: '', 'app-id': '123', 'app-private-key': 'not a key' },
      /not a private key in PEM form/
    ],
    ['a key that is not RSA', { token: '', 'app-id': '123', 'app-private-key': EC }, /not an RSA key/],
    [
      'an App on Gitea',
      { token: '', 'app-id': '123', 'app-private-key': KEY, 'api-url': 'https://git.example.com/api/v1' },
      /a GitHub App is GitHub's, and https:\/\/git\.example\.com\/api\/v1 is a Gitea or Forgejo API/
    ]
  ])('%s: an input error before any request, never quoting the key', (_, over, said) => {
    let message = ''
    try {
      credential(over)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(said)
    expect(message).not.toContain('PRIVATE KEY')
    expect(message).not.toContain(KEY.split('\n')[1])
  })

  it('an App: its id, its key as a key object, and every line of it to mask', () => {
    const app = credential({ token: '', 'app-id': '123', 'app-private-key': KEY })
    expect(app).toMatchObject({ kind: 'app', appId: '123' })
    if (app.kind !== 'app') throw new Error('not an app')
    expect(app.privateKey.asymmetricKeyType).toBe('rsa')
    expect(app.secrets).toEqual(expect.arrayContaining([KEY.trim(), KEY.split('\n')[1]]))
  })

  it('a key stored with literal \\n for its line breaks is taken', () => {
    const app = credential({ token: '', 'app-id': 'Iv23liAbc', 'app-private-key': KEY.trim().replace(/\n/g, '\\n') })
    expect(app.kind).toBe('app')
  })
})

describe('urls', () => {
  it('strips a trailing slash', () => {
    expect(read({ 'server-url': 'https://git.example.com/' }).serverUrl).toBe('https://git.example.com')
  })

  it('rejects credentials in a URL, never echoing them', () => {
    let message = ''
    try {
      read({ 'server-url': 'https://bot:hunter2@git.example.com' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/must not contain credentials/)
    expect(message).not.toContain('hunter2')
  })

  it('rejects a non-http scheme', () => {
    expect(() => read({ 'api-url': 'ftp://x' })).toThrow(/api-url: "ftp:\/\/x" is not an http\(s\) URL/)
  })

  it('falls back to the runner environment', () => {
    process.env.GITHUB_SERVER_URL = 'https://gitea.local'
    try {
      expect(read({ 'server-url': undefined }).serverUrl).toBe('https://gitea.local')
    } finally {
      delete process.env.GITHUB_SERVER_URL
    }
  })
})

describe('paths and numbers', () => {
  it('uses the three workflow folders when probe-path is not given at all', () => {
    expect(read().probePaths).toEqual(DEFAULTS['probe-path'].split('\n'))
  })

  it('disables the probe when probe-path is set empty', () => {
    expect(read({ 'probe-path': '' }).probePaths).toEqual([])
  })

  it.each(['/etc/passwd', '../x', 'a//b', '.git/config', 'a\\b'])('rejects version-file %j', (file) => {
    expect(() => read({ 'version-file': file })).toThrow(/^version-file: /)
  })

  it.each([
    ['max-attempts', '0'],
    ['max-attempts', 'three'],
    ['concurrency', '33'],
    ['concurrency', '1.5']
  ])('rejects %s=%j', (name, value) => {
    expect(() => read({ [name]: value })).toThrow(new RegExp(`^${name}: "${value}"`))
  })

  it('rejects a boolean that is not true or false', () => {
    expect(() => read({ 'dry-run': 'yes' })).toThrow(/dry-run: "yes" is not true or false/)
  })

  it('replaces {version} in the commit message', () => {
    // The trailer marks the cascade's own commits, whoever authored them.
    expect(read({ 'commit-message': 'pin {version} ({version})' }).commitMessage).toBe(
      'pin 1.2.3 (1.2.3)\n\nRuntime-Cascade-Version: 1.2.3\n'
    )
  })
})

describe('action.yml', () => {
  const action = parse(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string; required?: boolean }>
    outputs: Record<string, unknown>
    runs: { using: string; main: string }
  }

  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('declares the same defaults the code falls back to', () => {
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect([name, String(action.inputs[name]?.default ?? '').trim()]).toEqual([name, value])
    }
  })

  it('declares the interface that workflows depend on', () => {
    // Every output the code sets is declared, and nothing else.
    expect(Object.keys(action.outputs).sort()).toEqual(Object.keys(buildOutputs([])).sort())
    expect(action.inputs.token.default).toBeUndefined()
    expect(action.inputs.version.required).toBe(true)
    // token, or app-id with app-private-key: the code demands exactly one form.
    for (const name of ['token', 'app-id', 'app-private-key']) expect(action.inputs[name].required).toBe(false)
    // templates or templates-file: the code demands exactly one.
    expect(action.inputs.templates.required).toBe(false)
  })
})

describe('templates-file', () => {
  let workspace: string
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'workspace-'))
    process.env.GITHUB_WORKSPACE = workspace
  })
  afterEach(() => {
    delete process.env.GITHUB_WORKSPACE
    rmSync(workspace, { recursive: true, force: true })
  })
  const file = (name: string, text: string) => writeFileSync(join(workspace, name), text)

  it('reads one template a line with comments', () => {
    file('templates.txt', '# the cascade list\ntpl-a\nother/tpl-b   # adk\n\n')
    expect(read({ templates: '', 'templates-file': 'templates.txt' }).templates.map((t) => t.fullName)).toEqual([
      'acme/tpl-a',
      'other/tpl-b'
    ])
  })

  it('reads an absolute path as it is, inside the workspace or not (runner.temp)', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    try {
      writeFileSync(join(elsewhere, 'generated.txt'), 'tpl-z\n')
      file('ci.txt', 'tpl-y\n')
      expect(
        read({ templates: '', 'templates-file': join(elsewhere, 'generated.txt') }).templates.map((t) => t.fullName)
      ).toEqual(['acme/tpl-z'])
      expect(
        read({ templates: '', 'templates-file': join(workspace, 'ci.txt') }).templates.map((t) => t.fullName)
      ).toEqual(['acme/tpl-y'])
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('reads a JSON array of names', () => {
    mkdirSync(join(workspace, 'ci'))
    file('ci/templates.json', '["tpl-a", "other/tpl-b", "TPL-A"]\n')
    expect(read({ templates: '', 'templates-file': 'ci/templates.json' }).templates.map((t) => t.fullName)).toEqual([
      'acme/tpl-a',
      'other/tpl-b'
    ])
  })

  it.each([
    [
      'both inputs given',
      { templates: 'tpl-a', 'templates-file': 'x.txt' },
      /templates and templates-file are both set/
    ],
    [
      'a missing file',
      { templates: '', 'templates-file': 'missing.txt' },
      /templates-file: cannot read "missing.txt" \(no such file: .*missing\.txt\)/
    ],
    ['a directory', { templates: '', 'templates-file': '.' }, /templates-file: cannot read "\." \(a directory: /]
  ])('rejects %s', (_what, inputs, message) => {
    expect(() => read(inputs)).toThrow(message)
  })

  it('rejects malformed JSON, naming the file', () => {
    file('t.json', '["tpl-a",]')
    expect(() => read({ templates: '', 'templates-file': 't.json' })).toThrow(
      /templates-file: "t.json" looks like JSON but does not parse/
    )
  })

  it('rejects JSON that is not an array of names', () => {
    file('t.json', '[{"name": "tpl-a"}]')
    expect(() => read({ templates: '', 'templates-file': 't.json' })).toThrow(/must be a JSON array of template names/)
  })

  it('validates the names it reads like inline ones', () => {
    file('t.txt', 'tpl-a\nbad;name\n')
    expect(() => read({ templates: '', 'templates-file': 't.txt' })).toThrow(/"bad;name"/)
  })
})

describe('pull-request mode and downgrade', () => {
  it('defaults to push mode, a newer pin kept, a prefix change refused', () => {
    expect(read()).toMatchObject({ mode: 'push', downgrade: 'skip', allowPrefixChange: false })
  })

  it('replaces {version} in the branch, title and body', () => {
    const inputs = read({
      mode: 'pull-request',
      'pr-branch': 'cascade/{version}',
      'pr-title': 'Runtime {version}',
      'pr-body': 'Bump to {version}.'
    })
    expect(inputs.pr).toMatchObject({ branch: 'cascade/1.2.3', title: 'Runtime 1.2.3', body: 'Bump to 1.2.3.' })
    // The pattern that finds this action's bump branches of other versions (superseded ones).
    expect(
      ['cascade/1.0.0', 'cascade/2.0.0-rc.1', 'cascade/', 'cascade/1.0.0/x'].map((b) => inputs.pr.anyVersion!.test(b))
    ).toEqual([true, true, false, false])
  })

  it.each([
    ['mode', 'merge-request', /^mode: "merge-request" is not one of push, pull-request/],
    ['downgrade', 'never', /^downgrade: "never" is not one of skip, fail, allow/],
    ['pr-branch', 'bad..branch', /^pr-branch: "bad..branch" is not a valid branch name/]
  ])('rejects %s=%j', (name, value, message) => {
    expect(() => read({ mode: 'pull-request', [name]: value })).toThrow(message)
  })
})

describe('templates: the forms a repository is copied in', () => {
  const names = (templates: string, server = 'https://git.example.com') =>
    read({ templates, 'server-url': server }).templates.map((t) => t.fullName)

  it.each([
    ['acme/tpl-a.git', 'acme/tpl-a'],
    ['tpl-a.git', 'acme/tpl-a'],
    ['https://git.example.com/acme/tpl-a', 'acme/tpl-a'],
    ['https://git.example.com/acme/tpl-a.git', 'acme/tpl-a'],
    ['https://git.example.com/acme/tpl-a/', 'acme/tpl-a']
  ])('%s is %s', (word, fullName) => {
    expect(names(word)).toEqual([fullName])
  })

  it('a forge under a path (https://host/gitea) takes URLs below that path', () => {
    expect(names('https://example.com/gitea/acme/tpl-a.git', 'https://example.com/gitea')).toEqual(['acme/tpl-a'])
  })

  it('one repository in two forms is one template', () => {
    expect(names('acme/tpl-a https://git.example.com/acme/tpl-a.git tpl-a.git')).toEqual(['acme/tpl-a'])
  })

  it.each([
    [
      'https://github.com/acme/tpl-a',
      /is on another host \(github\.com\), not on this forge \(https:\/\/git\.example\.com\): this run's token and API are this forge's/
    ],
    ['https://git.example.com/acme', /names no owner\/repo on this forge/],
    ['https://git.example.com/acme/tpl-a/src/branch/main', /names no owner\/repo on this forge/]
  ])('refuses %s before any request, saying why', (word, message) => {
    expect(() => names(word)).toThrow(message)
  })
})
