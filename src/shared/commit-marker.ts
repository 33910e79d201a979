/**
 * The trailer every pin commit carries. It is how the cascade knows its own commits (its bump
 * branch, a write whose answer was lost) whoever the author is: on GitHub a signed API commit
 * is authored by the token's account, not by `author-email`.
 */
export const MARKER = 'Runtime-Cascade-Version'

/** The commit message with the trailer as its last paragraph, where git looks for trailers. */
export function markedMessage(message: string, version: string): string {
  return `${message.trimEnd()}\n\n${MARKER}: ${version}\n`
}

/** The version a commit message's trailer names; null when the cascade did not make it. */
export function markedVersion(message: string | undefined): string | null {
  const match = new RegExp(`^${MARKER}: *(\\S+) *$`, 'm').exec(message ?? '')
  return match ? match[1] : null
}
