import { TestForge, type ForgeOptions } from './forge/forge.js'

type Options = ForgeOptions | (() => ForgeOptions)
const resolve = (options?: Options) => (typeof options === 'function' ? options() : options)

/**
 * A fresh loopback forge for each test of the enclosing block, closed after it (the spec check
 * runs then): `set` hands it to the file's `let forge`. One lifecycle, the same in every file.
 */
export function forgeForEachTest(set: (forge: TestForge) => void, options?: Options): void {
  let current: TestForge | undefined
  beforeEach(async () => {
    current = await TestForge.start(resolve(options))
    set(current)
  })
  afterEach(async () => {
    await current?.close()
    current = undefined
  })
}

/** One forge for the whole block (its tests read one run's outcome), closed after the last. */
export function forgeForBlock(set: (forge: TestForge) => void, options?: Options): void {
  let current: TestForge | undefined
  beforeAll(async () => {
    current = await TestForge.start(resolve(options))
    set(current)
  })
  afterAll(async () => {
    await current?.close()
    current = undefined
  })
}
