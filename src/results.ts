export type Status = 'updated' | 'unchanged' | 'skipped' | 'failed' | 'would-update'

/** One template's outcome: the shape of each element of the `results` output. */
export interface TemplateResult {
  template: string
  status: Status
  reason: string
  commit: string | null
  branch: string | null
  attempts: number
}

export function result(template: string, status: Status, reason: string, extra: Partial<TemplateResult> = {}): TemplateResult {
  return { template, status, reason, commit: null, branch: null, attempts: 0, ...extra }
}

/** Templates read the pin as the file's first line with whitespace trimmed; so does the cascade. */
export function pinnedVersion(text: string): string {
  return text.split(/\r?\n/, 1)[0].trim()
}
