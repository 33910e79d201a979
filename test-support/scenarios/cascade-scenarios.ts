import { expect } from '@jest/globals'
import type { Arena } from '../arena.js'
import type { Scenario } from './scenario.js'
import { annotations, resultsOf } from '../scenario.js'

/** The pin commit's subject for 1.2.3 with the default message. */
export const PIN_SUBJECT = 'chore: pin runtime to 1.2.3 (publish-runtime cascade)'

/** Requests that write: API requests other than GET, and git pushes. */
export const writes = (arena: Arena, repo?: string) =>
  arena
    .requests({ repo })
    .filter((r) => (r.kind === 'api' && r.method !== 'GET') || (r.kind === 'git' && r.service === 'receive-pack'))

const statuses = (outputs: Record<string, string>) =>
  Object.fromEntries(resultsOf(outputs).map((r) => [r.template.split('/')[1], r.status]))

export const cascadeScenarios: Scenario[] = [
  {
    name: 'a cascade pins what it should, skips what has no workflow or a newer pin, fails what the bot cannot see or write; a re-run writes nothing',
    async run(arena) {
      const plain = await arena.template('plain')
      const twoPins = await arena.template('two-pins', {
        files: { 'requirements.txt': 'my-runtime==0.1.0\nother==2\n' }
      })
      await arena.template('no-workflow', { workflow: false })
      const newer = await arena.template('newer', { pin: '2.0.0' })
      await arena.template('read-only', { readOnly: true })
      await arena.template('hidden', { hidden: true })
      const before = await arena.subjects(plain)
      const pins = '.runtime-version\nrequirements.txt: my-runtime== (optional)'
      const names = 'plain two-pins no-workflow newer read-only hidden typo'
      const run = await arena.run(arena.inputs(names, { pins }))
      expect(statuses(run.outputs)).toEqual({
        plain: 'updated',
        'two-pins': 'updated',
        'no-workflow': 'skipped',
        newer: 'skipped',
        'read-only': 'failed',
        hidden: 'failed',
        typo: 'failed'
      })
      expect(run.exitCode).toBe(1)
      const o = arena.owner
      expect(run.outputs['failed-templates']).toBe(`${o}/read-only ${o}/hidden ${o}/typo`)
      expect(run.summary).toContain(`**No write access** (${o}/read-only)`)
      expect(run.summary).toContain(`**Not found** (${o}/hidden ${o}/typo)`)
      expect(await arena.file(plain, '.runtime-version')).toBe('1.2.3\n')
      expect(await arena.file(twoPins, 'requirements.txt')).toBe('my-runtime==1.2.3\nother==2\n')
      expect(await arena.file(newer, '.runtime-version')).toBe('2.0.0\n')
      expect(await arena.subjects(plain)).toEqual([PIN_SUBJECT, ...before])
      expect((await arena.subjects(twoPins))[0]).toBe(PIN_SUBJECT)
      expect(writes(arena, `${o}/read-only`)).toEqual([])

      const written = writes(arena).length
      const again = await arena.run(arena.inputs('plain two-pins', { pins }))
      expect(statuses(again.outputs)).toEqual({ plain: 'unchanged', 'two-pins': 'unchanged' })
      expect(again.exitCode).toBe(0)
      expect(writes(arena).length).toBe(written)
    }
  },
  {
    name: 'through git: one commit with every pin, on top of what was there',
    async run(arena) {
      const t = await arena.template('via-git', { files: { 'requirements.txt': 'my-runtime==0.1.0\n' } })
      const before = await arena.subjects(t)
      const pins = '.runtime-version\nrequirements.txt: my-runtime=='
      const run = await arena.run(arena.inputs('via-git', { pins, transport: 'git' }))
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'updated',
        files: ['.runtime-version', 'requirements.txt']
      })
      expect(await arena.subjects(t)).toEqual([PIN_SUBJECT, ...before])
      expect(await arena.file(t, 'requirements.txt')).toBe('my-runtime==1.2.3\n')
      expect(arena.requests({ kind: 'api', repo: t }).filter((r) => r.method !== 'GET')).toEqual([])
    }
  },
  {
    name: 'the first hour: a version that is no version and a misspelt dry-run send nothing; a "v" the pins lack writes nothing',
    async run(arena) {
      const t = await arena.template('tpl-a', { pin: '0.1.9' })
      const mistakes: Array<Record<string, string>> = [{ version: 'null' }, { version: 'latest' }, { dry_run: 'true' }]
      for (const extra of mistakes) {
        const run = await arena.run(arena.inputs('tpl-a', extra))
        expect(run.exitCode).toBe(1)
        expect(annotations(run.stdout, 'error')).toHaveLength(1)
      }
      expect(arena.requests()).toEqual([])
      const prefixed = await arena.run(arena.inputs('tpl-a', { version: 'v0.1.10' }))
      expect(resultsOf(prefixed.outputs)[0].reason).toContain('pass version 0.1.10')
      expect(writes(arena)).toEqual([])
      expect(await arena.file(t, '.runtime-version')).toBe('0.1.9\n')
    }
  },
  {
    name: 'a pin changed between the look-up and the write is read again, judged again, and written on top',
    async run(arena) {
      const t = await arena.template('raced')
      arena.before({ kind: 'api', repo: t, path: /\/contents/, method: 'PUT' }, () =>
        arena.commit(t, { '.runtime-version': '0.1.1\n' }, 'someone pins 0.1.1')
      )
      const run = await arena.run(arena.inputs('raced', { transport: 'api' }))
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'updated',
        reason: 'pinned 1.2.3 (was 0.1.1) after 2 writes'
      })
      expect((await arena.subjects(t)).slice(0, 2)).toEqual([PIN_SUBJECT, 'someone pins 0.1.1'])
    }
  },
  {
    name: "a push that loses a race through git is replayed on the new tip, nobody's commit lost",
    async run(arena) {
      const t = await arena.template('raced-git')
      arena.before({ repo: t, service: 'receive-pack', phase: 'advertise' }, () =>
        arena.commit(t, { 'NOTES.md': 'someone else\n' }, 'someone else pushes first')
      )
      const run = await arena.run(arena.inputs('raced-git', { transport: 'git' }))
      expect(resultsOf(run.outputs)[0]).toMatchObject({
        status: 'updated',
        reason: 'pinned 1.2.3 (was 0.1.0) after 2 pushes'
      })
      expect((await arena.subjects(t)).slice(0, 2)).toEqual([PIN_SUBJECT, 'someone else pushes first'])
      expect(await arena.file(t, 'NOTES.md')).toBe('someone else\n')
    }
  },
  {
    name: 'a renamed template is written under its new name, and the operator is told',
    async run(arena) {
      const old = await arena.template('old-name')
      const renamed = await arena.rename(old, 'new-name')
      const run = await arena.run(arena.inputs('old-name'))
      expect(resultsOf(run.outputs)[0].status).toBe('updated')
      expect(await arena.file(renamed, '.runtime-version')).toBe('1.2.3\n')
      expect(annotations(run.stdout, 'warning').join('\n')).toContain(`it is now ${renamed}`)
    }
  },
  {
    name: "org: lists the owner's templates; check mode reads and names the laggards",
    async run(arena) {
      await arena.template('current', { pin: '1.2.3' })
      await arena.template('older', { pin: '0.1.0' })
      const check = await arena.run(arena.inputs(`org:${arena.owner}`, { mode: 'check' }))
      expect(check.exitCode).toBe(1)
      expect(check.outputs['lagging-templates']).toBe(`${arena.owner}/older`)
      expect(writes(arena)).toEqual([])
    }
  }
]
