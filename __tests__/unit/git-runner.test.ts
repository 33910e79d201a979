import { execFileSync } from 'node:child_process'
import { GitRunner, gitEnvironment } from '../../src/git/git-runner.js'

const options = { serverUrl: 'https://git.example.com', token: 'gta_secret_value', timeoutMs: 60000 }

describe('git environment', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  it('carries the token only as a header scoped to the server, never prompts, no helpers', () => {
    process.env.INPUT_TOKEN = 'gta_secret_value'
    process.env.GIT_ASKPASS = '/usr/bin/ssh-askpass'
    process.env.GIT_CONFIG_PARAMETERS = "'credential.helper'='store'"
    const env = gitEnvironment(options)
    const config = Object.fromEntries(
      Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => [
        env[`GIT_CONFIG_KEY_${i}`],
        env[`GIT_CONFIG_VALUE_${i}`]
      ])
    )
    expect(config['http.https://git.example.com/.extraheader']).toBe(
      `AUTHORIZATION: basic ${Buffer.from('x-access-token:gta_secret_value').toString('base64')}`
    )
    expect(config['credential.helper']).toBe('')
    expect(env.GIT_TERMINAL_PROMPT).toBe('0')
    expect(env.LC_ALL).toBe('C')
    expect(env.INPUT_TOKEN).toBeUndefined()
    expect(env.GIT_ASKPASS).toBeUndefined()
    expect(env.GIT_CONFIG_PARAMETERS).toBeUndefined()
  })

  it('git itself sees the header, and no other copy of the token', async () => {
    const git = new GitRunner(options)
    const result = await git.run(['config', '--show-origin', '--list'])
    expect(result.exitCode).toBe(0)
    const lines = result.stdout.split('\n').filter((l) => l.includes('extraheader'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^command line:\s+http\.https:\/\/git\.example\.com\/\.extraheader=AUTHORIZATION: basic /)
    expect(result.stdout).not.toContain('gta_secret_value')
  })
})

describe('deadline', () => {
  it('kills git and everything it started when the deadline passes', async () => {
    const git = new GitRunner({ ...options, timeoutMs: 300 })
    const marker = `cascade-deadline-${process.pid}-${Date.now()}`
    const started = Date.now()
    const result = await git.run(['-c', `alias.nap=!sleep 30 && echo ${marker}`, 'nap'])
    expect(result.timedOut).toBe(true)
    expect(result.exitCode).not.toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
    // The shell and its sleep were in git's process group: none survive.
    const survivors = execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((l) => l.includes(marker) && !l.includes('ps -eo'))
    expect(survivors).toEqual([])
  })

  it('a command that finishes in time is not marked', async () => {
    const result = await new GitRunner(options).run(['--version'])
    expect(result).toMatchObject({ exitCode: 0, timedOut: false })
    expect(result.stdout).toMatch(/^git version/)
  })
})
