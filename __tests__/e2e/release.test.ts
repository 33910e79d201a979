import { execFile, execFileSync } from 'node:child_process'
import { appendFile, cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { PROJECT_ROOT } from '../../test-support/run-action.js'

const exec = promisify(execFile)

/**
 * scripts/release.sh in a sandbox: a repository made of the project's files (as they are now,
 * so the script under test is this one), with node_modules linked in.
 */
let repo: string
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()
async function release(version: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await exec('bash', ['scripts/release.sh', version], {
      cwd: repo,
      env: { ...process.env, ...env }
    })
    return { code: 0, out: stdout + stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: e.stdout + e.stderr }
  }
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'release-'))
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
  for (const file of files) await cp(join(PROJECT_ROOT, file), join(repo, file), { recursive: true }).catch(() => {})
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(repo, 'node_modules'))
  git('init', '-q', '-b', 'main')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'the project')
}, 60_000)
afterAll(() => rm(repo, { recursive: true, force: true }))

describe('scripts/release.sh', () => {
  it('refuses a stale dist/ (what npm run bundle makes of src/ differs), tags nothing, and leaves the tree clean', async () => {
    await appendFile(join(repo, 'dist', 'index.js'), '\n// edited by hand, not bundled\n')
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-am', 'a stale bundle')
    // The rebuild the script runs: here, what bundling the sources gives, the dist/ of the commit
    // before the hand edit (the real `npm run bundle` is the one .ci/run checks dist/ with).
    const { code, out } = await release('v1.0.0', { RELEASE_BUNDLE: 'git checkout HEAD~1 -- dist' })
    expect(code).not.toBe(0)
    expect(out).toContain(
      'release: dist/ is stale: it is not what npm run bundle makes of src/. Rebuild, commit, then release.'
    )
    expect(git('tag', '-l')).toBe('')
    expect(git('status', '--porcelain')).toBe('')
    git('reset', '-q', '--hard', 'HEAD~1')
  })

  it.each([
    ['a version that is not vX.Y.Z', '1.0', 'usage: scripts/release.sh vX.Y.Z'],
    ['a version without its changelog section', 'v9.9.9', "CHANGELOG.md has no section '## [9.9.9]'"]
  ])('refuses %s', async (_what, version, message) => {
    const { code, out } = await release(version, { RELEASE_BUNDLE: 'true' })
    expect(code).not.toBe(0)
    expect(out).toContain(message)
  })

  it('refuses uncommitted changes', async () => {
    await writeFile(join(repo, 'README.md'), 'changed\n')
    const { code, out } = await release('v1.0.0', { RELEASE_BUNDLE: 'true' })
    expect(code).not.toBe(0)
    expect(out).toContain('the tree has uncommitted changes')
    git('checkout', '-q', '--', 'README.md')
  })

  it('tags vX.Y.Z and moves the major tag to it; a second run refuses the existing tag', async () => {
    const { code, out } = await release('v1.0.0', { RELEASE_BUNDLE: 'true' })
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('release: tagged v1.0.0 and moved v1') })
    const head = git('rev-parse', 'HEAD')
    expect([git('rev-list', '-n1', 'v1.0.0'), git('rev-list', '-n1', 'v1')]).toEqual([head, head])
    expect((await release('v1.0.0', { RELEASE_BUNDLE: 'true' })).out).toContain('v1.0.0 is tagged already')
  })
})
