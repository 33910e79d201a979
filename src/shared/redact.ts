/**
 * One place that knows the secret forms. Everything the action prints, outputs or writes passes
 * through it, so a token echoed back by a server or a tool cannot leak even where the runner's
 * own masking (setSecret) does not apply: job summaries, outputs, forge-side logs.
 */
export class Redactor {
  private secrets: string[] = []

  /** No token: `mode: report` talks to no forge (its text is still passed through). */
  constructor(token?: string) {
    if (token) this.add(token)
  }

  /**
   * A secret learnt later (a token minted during the run, an App's key): its forms are redacted
   * from then on. Returns the forms added, for the runner's masking.
   */
  add(secret: string): string[] {
    const forms = [secret, Buffer.from(secret).toString('base64'), basicAuth(secret)].filter(
      (s) => s.length >= 4 && !this.secrets.includes(s)
    )
    // Longest first, so a form that contains another is replaced whole.
    this.secrets = [...this.secrets, ...new Set(forms)].sort((a, b) => b.length - a.length)
    return forms
  }

  get forms(): readonly string[] {
    return this.secrets
  }

  redact(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.split(secret).join('***')
    return out
  }

  /**
   * A server's words made fit to show: redacted first, then folded to one line and shortened.
   * In that order, always: shortening first could cut a token in two, and the half left over
   * would no longer match any secret form.
   */
  clip(text: string, max: number): string {
    const line = this.redact(text).replace(/\s+/g, ' ').trim()
    return line.length > max ? `${line.slice(0, max)}…` : line
  }
}

/** The value git sends in its Authorization header: basic auth as x-access-token:<token>. */
export function basicAuth(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64')
}
