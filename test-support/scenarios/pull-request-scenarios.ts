import { expect } from '@jest/globals'
import type { Arena } from '../arena.js'
import { resultsOf } from '../scenario.js'
import type { Scenario } from './scenario.js'

const result = (outputs: Record<string, string>) => resultsOf(outputs)[0]
const opened = (arena: Arena, repo: string) => arena.requests({ kind: 'api', repo, method: 'POST', path: /\/pulls$/ })

/** 60 labels: a label past the 50th is where a forge that pages its labels shows it. */
const LABELS = Array.from({ length: 60 }, (_, i) => `label-${String(i + 1).padStart(2, '0')}`)

export const pullRequestScenarios: Scenario[] = [
  {
    name: 'a protected branch refuses the push; pull-request mode opens one, labelled (past the 50th label), assigned and reviewed; a re-run opens nothing; the next release supersedes it',
    async run(arena) {
      const t = await arena.template('locked', { protectBranch: 'main', labels: LABELS })
      const push = await arena.run(arena.inputs('locked'))
      expect(result(push.outputs).status).toBe('failed')
      expect(push.summary).toContain(`**Protected branch** (${t})`)
      const dress = { 'pr-labels': 'label-01 label-60', 'pr-assignees': arena.bot, 'pr-reviewers': arena.reviewer }
      const first = await arena.run(arena.inputs('locked', { mode: 'pull-request', ...dress }))
      expect(result(first.outputs)).toMatchObject({ status: 'pr-opened', branch: 'bump/runtime-1.2.3' })
      expect(result(first.outputs).reason).not.toContain('does not exist')
      const [pull] = await arena.pulls(t)
      expect(pull).toMatchObject({ state: 'open', head: 'bump/runtime-1.2.3', assignees: [arena.bot] })
      expect([...pull.labels].sort()).toEqual(['label-01', 'label-60'])
      expect(await arena.file(t, '.runtime-version', 'bump/runtime-1.2.3')).toBe('1.2.3\n')
      expect(await arena.file(t, '.runtime-version')).toBe('0.1.0\n')

      const again = await arena.run(arena.inputs('locked', { mode: 'pull-request', ...dress }))
      expect(result(again.outputs).status).toBe('pr-exists')
      expect(opened(arena, t)).toHaveLength(1)

      const next = await arena.run(arena.inputs('locked', { mode: 'pull-request', version: '1.2.4' }))
      expect(result(next.outputs).status).toBe('pr-opened')
      const pulls = await arena.pulls(t)
      // A closed pull request whose branch was deleted names refs/pull/N/head on Gitea: its state says it.
      expect(pulls.map((p) => p.state)).toEqual(['closed', 'open'])
      expect(pulls[1].head).toBe('bump/runtime-1.2.4')
      expect(pulls[0].comments.join('\n')).toContain(`Superseded by #${pulls[1].number}, which pins 1.2.4.`)
      expect(await arena.branches(t)).toEqual(['bump/runtime-1.2.4', 'main'])
    }
  },
  {
    name: 'a rolling draft stays a draft on the next release; a pull request a person closed is an answer, not reopened',
    async run(arena) {
      const t = await arena.template('rolling')
      const rolling = { mode: 'pull-request', 'pr-branch': 'bump/runtime', 'pr-draft': 'true' }
      await arena.run(arena.inputs('rolling', rolling))
      const draft = (title: string) => (arena.family === 'github' ? title : `WIP: ${title}`)
      expect((await arena.pulls(t)).map((p) => p.title)).toEqual([draft('chore: pin runtime to 1.2.3')])
      const next = await arena.run(arena.inputs('rolling', { ...rolling, version: '1.2.4' }))
      expect(result(next.outputs).status).toBe('pr-exists')
      const [pull] = await arena.pulls(t)
      expect(pull.title).toBe(draft('chore: pin runtime to 1.2.4'))

      await arena.closePull(t, pull.number)
      const after = await arena.run(arena.inputs('rolling', { ...rolling, version: '1.2.4' }))
      expect(result(after.outputs)).toMatchObject({ status: 'skipped' })
      expect(result(after.outputs).reason).toContain('was closed without merging')
      expect(await arena.pulls(t)).toHaveLength(1)
    }
  },
  {
    name: 'auto-merge: with nothing required it is merged; with a required check it waits for it, says so, and a re-run is no refusal',
    async run(arena) {
      const free = await arena.template('free', { allowAutoMerge: true })
      const run = await arena.run(arena.inputs('free', { mode: 'pull-request', 'auto-merge': 'merge' }))
      expect(result(run.outputs).reason).toContain('merged')
      expect(await arena.file(free, '.runtime-version')).toBe('1.2.3\n')
      expect((await arena.pulls(free)).map((p) => [p.state, p.merged])).toEqual([['closed', true]])

      const checked = await arena.template('checked', {
        protectBranch: 'main',
        requiredChecks: ['ci/never'],
        allowAutoMerge: true
      })
      const wait = await arena.run(arena.inputs('checked', { mode: 'pull-request', 'auto-merge': 'merge' }))
      expect(result(wait.outputs).reason).toContain(
        arena.family === 'github' ? 'auto-merge enabled' : 'auto-merge scheduled'
      )
      expect(result(wait.outputs).reason).not.toContain('refused')
      expect((await arena.pulls(checked)).map((p) => p.state)).toEqual(['open'])
      const again = await arena.run(arena.inputs('checked', { mode: 'pull-request', 'auto-merge': 'merge' }))
      expect(result(again.outputs).reason).not.toContain('refused')
      expect(await arena.file(checked, '.runtime-version')).toBe('0.1.0\n')
    }
  }
]
