import { jest } from '@jest/globals'

/**
 * A stand-in for @actions/core, one jest.fn per function the action calls (as
 * actions/typescript-action keeps it), for in-process tests of run(): mock the module with
 * `jest.unstable_mockModule('@actions/core', () => core)` before a dynamic import of main.ts.
 * Inputs come from `core.inputs`; the summary is collected in `core.summaryText`.
 */
export const inputs: Record<string, string> = {}
export const getInput = jest.fn((name: string) => inputs[name] ?? '')
export const setOutput = jest.fn<(name: string, value: unknown) => void>()
export const setFailed = jest.fn<(message: string | Error) => void>()
export const setSecret = jest.fn<(secret: string) => void>()
export const info = jest.fn<(message: string) => void>()
export const warning = jest.fn<(message: string | Error, properties?: object) => void>()
export const error = jest.fn<(message: string | Error, properties?: object) => void>()
export const startGroup = jest.fn<(name: string) => void>()
export const endGroup = jest.fn<() => void>()

export const summaryText: string[] = []
export const summary = {
  addRaw: jest.fn((text: string) => {
    summaryText.push(text)
    return summary
  }),
  write: jest.fn(async () => summary)
}

/** Every mock back to empty, and the inputs replaced by `next`. */
export function reset(next: Record<string, string>): void {
  for (const key of Object.keys(inputs)) delete inputs[key]
  Object.assign(inputs, next)
  summaryText.length = 0
  for (const fn of [getInput, setOutput, setFailed, setSecret, info, warning, error, startGroup, endGroup])
    fn.mockClear()
}

/** The outputs set so far, by name. */
export const outputs = (): Record<string, string> =>
  Object.fromEntries(setOutput.mock.calls.map(([name, value]) => [name, String(value)]))
