import * as core from '@actions/core'
import type { Redactor } from '../shared/redact.js'
import type { TemplateResult } from './template-result.js'

/**
 * A template's log lines, held until the template is done and then printed as one collapsible
 * group, so templates worked on at once never interleave.
 */
export class TemplateLog {
  private readonly lines: string[] = []
  private readonly started = Date.now()

  constructor(
    readonly template: string,
    private readonly redactor: Redactor
  ) {}

  readonly line = (text: string): void => {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(5)
    this.lines.push(`[${seconds} s] ${this.redactor.redact(text)}`)
  }

  flush(outcome: TemplateResult): void {
    // The reason arrives redacted (main.ts redacts it once, for every place it goes).
    core.startGroup(`${this.template}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`)
    for (const text of this.lines) core.info(text)
    core.endGroup()
  }
}
