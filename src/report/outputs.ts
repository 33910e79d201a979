import { Outputs } from '../shared/constants.js'
import { failureKind } from './failure-advice.js'
import type { Status, TemplateResult } from '../pipeline/template-result.js'

/** The action's outputs, from the results in input order. */
export function buildOutputs(results: readonly TemplateResult[]): Record<string, string> {
  const names = (status: Status) =>
    results
      .filter((r) => r.status === status)
      .map((r) => r.template)
      .join(' ')
  return {
    [Outputs.FailedTemplates]: names('failed'),
    // The failed templates a re-run may fix (transient failures); the rest need a change first.
    [Outputs.RetryableTemplates]: results
      .filter((r) => r.status === 'failed' && failureKind(r) === 'transient')
      .map((r) => r.template)
      .join(' '),
    [Outputs.UpdatedTemplates]: names('updated'),
    [Outputs.UnchangedTemplates]: names('unchanged'),
    [Outputs.SkippedTemplates]: names('skipped'),
    [Outputs.LaggingTemplates]: names('lagging'),
    // Exactly the documented fields, whatever the results carry internally.
    [Outputs.Results]: JSON.stringify(
      results.map(({ template, status, reason, commit, branch, attempts, files, verified }) => ({
        template,
        status,
        reason,
        commit,
        branch,
        attempts,
        // The files the pin commit wrote (would write, in a dry run), and the forge's word on its signature.
        files: files ?? [],
        verified: verified ?? null
      }))
    ),
    [Outputs.Builds]: JSON.stringify(
      results
        .filter((r) => r.build)
        .map((r) => ({
          template: r.template,
          build: r.build!.build,
          url: r.build!.build === 'started' ? r.build!.url : null,
          // Why a build is not-started or unknown: the log and the summary say it, so does this.
          reason: r.build!.build === 'started' ? null : r.build!.reason
        }))
    ),
    [Outputs.PullRequests]: JSON.stringify(
      results
        .filter((r) => r.pullRequest)
        .map((r) => ({ template: r.template, number: r.pullRequest!.number, url: r.pullRequest!.url }))
    )
  }
}
