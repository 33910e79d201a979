import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Inputs, Outputs } from '../../src/shared/constants.js'
import { PROJECT_ROOT } from '../../test-support/run-action.js'

type Action = {
  description: string
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
} & Record<string, unknown>

const load = (path: string) => parse(readFileSync(join(PROJECT_ROOT, path), 'utf8')) as Action
const action = load('action.yml')
const node20 = load('node20/action.yml')

describe('action.yml', () => {
  it('has a description short enough for a Marketplace card', () => {
    expect(action.description.length).toBeLessThan(125)
  })

  it('describes each input in one sentence that says what its default means', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      const text = input.description.trim()
      expect({
        name,
        oneLine: !text.includes('\n'),
        oneSentence: text.replace(/\b(e\.g|i\.e|api\.github\.com)\./g, '').split(/\.\s/).length
      }).toEqual({ name, oneLine: true, oneSentence: 1 })
      // Without a default, say when it is required; an empty default, what empty means.
      const says =
        input.required || input.default === undefined ? /required/ : input.default === '' ? /empty/ : /default/
      expect({ name, text }).toEqual({ name, text: expect.stringMatching(says) })
    }
  })

  it('is documented in the README, every input and output', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)])
      expect({ name, documented: readme.includes(`\`${name}\``) }).toEqual({ name, documented: true })
  })
})

describe('node20/action.yml', () => {
  it('is the same action as action.yml but for the runtime, and runs the same bundle', () => {
    const { runs: a, ...rest } = action
    const { runs: b, ...same } = node20
    expect(same).toEqual(rest)
    expect(a).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(b).toEqual({ using: 'node20', main: '../dist/index.js' })
  })
})

describe('the one vocabulary', () => {
  it('names exactly the inputs and outputs action.yml declares', () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(action.inputs).sort())
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(action.outputs).sort())
  })
})
