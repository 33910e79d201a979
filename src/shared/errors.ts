/** A bad input: reported before any network call, naming the value at fault. */
export class InputError extends Error {
  override name = 'InputError'
}
