/** A bad input: reported before any network call, naming the value at fault. */
export class InputError extends Error {
  override name = 'InputError'
}

/**
 * The forge answered 401: the token itself is wrong or expired. Every template would fail the
 * same way, so the run stops at once with one clear error instead of N identical ones.
 */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError'
  constructor(readonly server: string) {
    super(
      `the token was rejected by ${server} (HTTP 401): it is wrong, expired or revoked. ` +
        'Mint a new token with write access to every template and update the secret.'
    )
  }
}
