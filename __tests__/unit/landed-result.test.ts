import type { Landing, Transport } from '../../src/landing/lander.js'
import type { ToLand } from '../../src/pipeline/landed-result.js'
import { change, landedResult } from '../../src/pipeline/landed-result.js'
import { judgePins } from '../../src/pins/pin-judgement.js'
import { fileRead, REPO, settingsOf } from '../../__fixtures__/decisions.js'

const settings = settingsOf()
const verdict = judgePins(new Map([['.runtime-version', fileRead('0.1.0\n')]]), settings)
if (verdict.kind !== 'write') throw new Error('the fixture must need a write')
const toLand: ToLand = { template: 'acme/a', verdict, branch: 'main', repo: REPO }

/** The template's result from how landing went. */
describe('landedResult', () => {
  it.each<[string, Landing & { transport: Transport }, object]>([
    [
      'landed through the API',
      { kind: 'landed', commit: 'c1', attempts: 1, made: verdict, verified: true, transport: 'api' },
      {
        status: 'updated',
        reason: 'pinned 1.2.3 (was 0.1.0)',
        commit: 'c1',
        verified: true,
        transport: 'api',
        files: ['.runtime-version']
      }
    ],
    [
      'after a race, through git: the pushes said',
      { kind: 'landed', commit: 'c2', attempts: 2, made: verdict, transport: 'git' },
      { status: 'updated', reason: 'pinned 1.2.3 (was 0.1.0) after 2 pushes', attempts: 2 }
    ],
    [
      'after a race, through the API: the writes said, with a note',
      { kind: 'landed', commit: 'c3', attempts: 3, made: verdict, note: 'someone was first', transport: 'api' },
      { status: 'updated', reason: 'pinned 1.2.3 (was 0.1.0) after 3 writes; someone was first' }
    ],
    [
      'a protected branch refused it: its kind from the forge’s words',
      {
        kind: 'failed',
        reason: 'write refused: HTTP 403: user cannot commit to repo [user: bot]',
        attempts: 1,
        transport: 'api'
      },
      { status: 'failed', failure: 'protected-branch' }
    ],
    [
      'a failure whose kind the lander knew',
      {
        kind: 'failed',
        reason: 'gave up after 3 attempts: reset',
        attempts: 3,
        failure: 'transient',
        transport: 'git'
      },
      { status: 'failed', failure: 'transient' }
    ],
    [
      'the API could not, and git could not either (cannot): its kind from its words',
      { kind: 'cannot', reason: 'the token lacks write access to this repository', attempts: 0, transport: 'api' },
      { status: 'failed', failure: 'no-access' }
    ],
    [
      'pinned meanwhile by someone else',
      { kind: 'unchanged', reason: 'already pinned to 1.2.3 on main', attempts: 1, transport: 'api' },
      { status: 'unchanged', reason: 'already pinned to 1.2.3 on main' }
    ],
    [
      'a newer pin found on the re-read: a newer pin kept',
      {
        kind: 'skipped',
        reason: 'pins 9.9.9, newer than 1.2.3 (downgrade: skip)',
        attempts: 1,
        newer: '9.9.9',
        transport: 'git'
      },
      { status: 'skipped', skip: 'newer-pin' }
    ],
    [
      'a dry run',
      { kind: 'would-land', made: verdict, transport: 'api' },
      { status: 'would-update', reason: 'would pin 1.2.3 (was 0.1.0)', files: ['.runtime-version'] }
    ]
  ])('%s', (_what, landing, expected) => {
    expect(landedResult(landing, toLand, settings)).toMatchObject(expected)
  })

  it('in pull-request mode the branch is the bump branch, and a dry run says what it would open', () => {
    const pr = settingsOf({ mode: 'pull-request' })
    expect(landedResult({ kind: 'would-land', made: verdict, transport: 'api' }, toLand, pr)).toMatchObject({
      branch: 'bump/runtime-1.2.3',
      reason: 'would push bump/runtime-1.2.3 and open a pull request into main'
    })
  })
})

describe('change: what a pin commit replaced, in words', () => {
  const two = settingsOf({ pins: '.runtime-version\nrequirements.txt: rt==' })
  const reads = (a: string | null, b: string) =>
    new Map([
      ...(a === null ? [] : ([['.runtime-version', fileRead(`${a}\n`)]] as const)),
      ['requirements.txt', fileRead(`rt==${b}\n`)] as const
    ])
  it.each<[string, string | null, string, string]>([
    ['the same version everywhere', '0.1.0', '0.1.0', 'pinned 1.2.3 in .runtime-version, requirements.txt (was 0.1.0)'],
    [
      'different ones',
      '0.1.0',
      '0.2.0',
      'pinned 1.2.3 in .runtime-version, requirements.txt (.runtime-version was 0.1.0, requirements.txt was 0.2.0)'
    ],
    [
      'a file created',
      null,
      '0.1.0',
      'pinned 1.2.3 in .runtime-version, requirements.txt (.runtime-version created, requirements.txt was 0.1.0)'
    ]
  ])('%s', (_what, a, b, words) => {
    const v = judgePins(reads(a, b), two)
    if (v.kind !== 'write') throw new Error('a write was expected')
    expect(change(v, two, false)).toBe(words)
  })
})
