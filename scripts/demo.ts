/**
 * `npm run demo`: a loopback forge with four sample templates, the bundled action run against it
 * as a runner would, then run again to show the no-op re-run, then the failed template retried
 * alone (its failed-templates output fed back) in pull-request mode, as its branch is protected,
 * and last a drift check. Exits 0 when everything behaved as described, 1 otherwise.
 */
import { DEMO_TEMPLATES, seedDemo } from '../test-support/demo-templates.js'
import { TestForge } from '../test-support/forge/forge.js'
import { runAction, type ActionRun } from '../test-support/run-action.js'
import { asRunnerShows } from '../test-support/runner-view.js'
import { fileAt, history, inputsFor, statusOf } from '../test-support/scenario.js'

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

function show(run: ActionRun, parts: { summary?: boolean; outputs?: boolean } = {}): void {
  rule('the step log, as the runner shows it')
  console.log(asRunnerShows(run.stdout))
  if (parts.summary !== false) {
    rule('job summary (GITHUB_STEP_SUMMARY)')
    process.stdout.write(run.summary)
  }
  if (parts.outputs !== false) {
    rule('outputs (GITHUB_OUTPUT)')
    for (const [name, value] of Object.entries(run.outputs)) {
      if (name === 'results') continue
      console.log(`${name}=${value}`)
    }
    console.log('results=')
    console.log(JSON.stringify(JSON.parse(run.outputs.results ?? '[]'), null, 2))
  }
}

const forge = await TestForge.start()
try {
  await seedDemo(forge)
  const inputs = inputsFor(forge, DEMO_TEMPLATES, { version: '0.1.7' })
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
  check(forge.count({ kind: 'git' }) === 0, 'no git at all: every pin landed through the contents API')
  check(
    first.outputs['failed-templates'] === 'acme/workspace-template-locked',
    'failed-templates names only the locked template'
  )
  const shown = [asRunnerShows(first.stdout), first.stderr, first.summary, ...Object.values(first.outputs)].join('\n')
  check(!shown.includes(forge.token), 'the token appears nowhere a person or a later step can see')

  rule('run 2: the same version again (the no-op re-run)')
  const writesBefore = forge.requests.filter((r) => r.kind === 'api' && r.method !== 'GET').length
  const commitsBefore = (await history(forge, 'acme/workspace-template-claude')).length
  const second = await runAction(inputs)
  show(second, { summary: false, outputs: false })
  rule('checks')
  check(
    JSON.stringify(statusOf(second.outputs)) === JSON.stringify(EXPECTED_RERUN),
    'updated templates are now unchanged'
  )
  const writesAfter = forge.requests.filter((r) => r.kind === 'api' && r.method !== 'GET').length
  check(
    writesAfter - writesBefore === 1,
    `no write but the locked template's refused one (${writesAfter - writesBefore})`
  )
  check((await history(forge, 'acme/workspace-template-claude')).length === commitsBefore, 'no new commit on claude')

  rule('run 3: retry only failed-templates, in pull-request mode (the branch is protected)')
  const retry = await runAction({ ...inputs, templates: second.outputs['failed-templates'], mode: 'pull-request' })
  show(retry, { outputs: false })
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
    'the protected main was not written to'
  )

  rule('run 4: the drift gate (mode: check)')
  const drift = await runAction({ ...inputs, mode: 'check' })
  show(drift, { outputs: false })
  rule('checks')
  check(
    drift.outputs['lagging-templates'] === 'acme/workspace-template-locked',
    'only the locked template lags (its pull request is not merged yet)'
  )

  rule(problems.length === 0 ? 'demo behaved as shown' : `demo FAILED: ${problems.length} check(s)`)
} finally {
  await forge.close()
}
process.exit(problems.length === 0 ? 0 : 1)
