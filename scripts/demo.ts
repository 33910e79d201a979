/**
 * `npm run demo`: a loopback forge with four sample templates, the bundled action run against it
 * as a runner would, then run again to show the no-op re-run, then the failed template retried
 * alone (its failed-templates output fed back) in pull-request mode, as its branch is protected.
 * Exits 0 when everything behaved as described below, 1 otherwise.
 */
import { TestForge } from '../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../test-support/run-action.js'
import { fileAt, history, inputsFor, statusOf, template } from '../test-support/scenario.js'

const TEMPLATES = `
workspace-template-claude
workspace-template-codex          # no publish-image.yml: soft skip
other-org/workspace-template-adk  # default branch is trunk
workspace-template-locked         # protected branch: the hook declines the push
`

const EXPECTED_FIRST = {
  'acme/workspace-template-claude': 'updated',
  'acme/workspace-template-codex': 'skipped',
  'other-org/workspace-template-adk': 'updated',
  'acme/workspace-template-locked': 'failed'
}
const EXPECTED_RERUN = {
  ...EXPECTED_FIRST,
  'acme/workspace-template-claude': 'unchanged',
  'other-org/workspace-template-adk': 'unchanged'
}

const rule = (title: string) => console.log(`\n${'='.repeat(8)} ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`)
const problems: string[] = []
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${what}`)
  if (!ok) problems.push(what)
}

function show(run: ActionRun): void {
  rule('action log (stdout, as the runner shows it)')
  process.stdout.write(run.stdout)
  rule('job summary (GITHUB_STEP_SUMMARY)')
  process.stdout.write(run.summary)
  rule('outputs (GITHUB_OUTPUT)')
  for (const [name, value] of Object.entries(run.outputs)) if (name !== 'results') console.log(`${name}=${value}`)
}

const forge = await TestForge.start()
try {
  await template(forge, 'workspace-template-claude', { pin: '0.1.6' })
  await template(forge, 'workspace-template-codex', { workflow: false })
  await template(forge, 'other-org/workspace-template-adk', {
    pin: '0.1.6',
    defaultBranch: 'trunk',
    workflow: '.gitea/workflows/publish-image.yml'
  })
  await template(forge, 'workspace-template-locked', { protectBranch: 'main' })
  const inputs = inputsFor(forge, TEMPLATES, { version: '0.1.7' })
  console.log(`Loopback forge at ${forge.url} with 4 templates; publishing runtime 0.1.7.`)

  rule('run 1: the cascade after a publish')
  const first = await runAction(inputs)
  show(first)
  rule('checks')
  check(first.exitCode === 1, `the step fails because one template failed (exit ${first.exitCode})`)
  check(
    JSON.stringify(statusOf(first.outputs)) === JSON.stringify(EXPECTED_FIRST),
    'statuses: claude and adk updated, codex skipped, locked failed'
  )
  check(
    (await fileAt(forge, 'acme/workspace-template-claude', '.runtime-version')) === '0.1.7\n',
    'claude now pins 0.1.7'
  )
  check(
    (await fileAt(forge, 'other-org/workspace-template-adk', '.runtime-version', 'trunk')) === '0.1.7\n',
    'adk pins 0.1.7 on trunk'
  )
  check((await fileAt(forge, 'acme/workspace-template-codex', '.runtime-version')) === '0.1.0\n', 'codex untouched')
  check(forge.count({ kind: 'git', repo: 'acme/workspace-template-codex' }) === 0, 'codex was never cloned')
  check(
    first.outputs['failed-templates'] === 'acme/workspace-template-locked',
    'failed-templates names only the locked template'
  )

  rule('run 2: the same version again (the no-op re-run)')
  const gitBefore = forge.count({ kind: 'git' }) - forge.count({ kind: 'git', repo: 'acme/workspace-template-locked' })
  const commitsBefore = (await history(forge, 'acme/workspace-template-claude')).length
  const second = await runAction(inputs)
  process.stdout.write(second.stdout)
  rule('checks')
  check(
    JSON.stringify(statusOf(second.outputs)) === JSON.stringify(EXPECTED_RERUN),
    'updated templates are now unchanged'
  )
  const gitAfter = forge.count({ kind: 'git' }) - forge.count({ kind: 'git', repo: 'acme/workspace-template-locked' })
  check(gitAfter === gitBefore, `no git request for any template but the failing one (${gitAfter - gitBefore})`)
  check((await history(forge, 'acme/workspace-template-claude')).length === commitsBefore, 'no new commit on claude')

  rule('run 3: retry only failed-templates, in pull-request mode (the branch is protected)')
  const retry = await runAction({ ...inputs, templates: second.outputs['failed-templates'], mode: 'pull-request' })
  process.stdout.write(retry.stdout)
  rule('job summary of run 3')
  process.stdout.write(retry.summary)
  rule('checks')
  const locked = forge.repo('acme/workspace-template-locked')
  check(retry.exitCode === 0, `the retry is green (exit ${retry.exitCode})`)
  check(
    JSON.stringify(statusOf(retry.outputs)) === JSON.stringify({ 'acme/workspace-template-locked': 'pr-opened' }),
    'only the locked template was worked on, and a pull request was opened'
  )
  check(
    locked.pulls.length === 1 && locked.pulls[0].head === 'bump/runtime-0.1.7' && locked.pulls[0].base === 'main',
    'the pull request is bump/runtime-0.1.7 → main'
  )
  check(
    (await fileAt(forge, 'acme/workspace-template-locked', '.runtime-version')) === '0.1.0\n',
    'the protected main was not pushed to'
  )

  rule(problems.length === 0 ? 'demo behaved as shown' : `demo FAILED: ${problems.length} check(s)`)
} finally {
  await forge.close()
}
process.exit(problems.length === 0 ? 0 : 1)
