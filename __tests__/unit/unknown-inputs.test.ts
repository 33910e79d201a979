import { nearestInput, unknownInputs } from '../../src/inputs/unknown-inputs.js'

describe('inputs the action does not have', () => {
  it.each([
    ['dry_run', 'dry-run'],
    ['dryrun', 'dry-run'],
    ['concurency', 'concurrency'],
    ['brnach', 'branch'],
    ['version_file', 'version-file'],
    ['pr_labels', 'pr-labels'],
    ['colour', null],
    ['something-else-entirely', null]
  ])('%s is nearest to %s', (name, nearest) => {
    expect(nearestInput(name)).toBe(nearest)
  })

  it('reads the INPUT_ variables a runner sets for every with: entry, known ones left out', () => {
    const env = {
      'INPUT_DRY-RUN': 'false',
      INPUT_VERSION: '1.2.3',
      INPUT_DRY_RUN: 'true',
      INPUT_CONCURENCY: '8',
      INPUT_COLOUR: 'blue',
      PATH: '/bin'
    }
    expect(unknownInputs(env)).toEqual([
      { name: 'colour', nearest: null, blocks: false },
      { name: 'concurency', nearest: 'concurrency', blocks: false },
      { name: 'dry_run', nearest: 'dry-run', blocks: true }
    ])
  })

  it.each([
    ['INPUT_BRNACH', 'main', true],
    ['INPUT_MOD', 'pull-request', true],
    ['INPUT_TEMPLATE', 'acme/a', true],
    ['INPUT_DRY_RUN', '', false],
    ['INPUT_PR_TITLE', 'x', false],
    ['INPUT_RETRY_DELAY', '10', false]
  ])('%s=%j blocks the writes: %s', (key, value, blocks) => {
    expect(unknownInputs({ [key]: value })[0].blocks).toBe(blocks)
  })
})
