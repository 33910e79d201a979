/**
 * `/repos/{owner}/{repo}` and more path parts, every segment encoded. A part with slashes (a
 * file path, a branch such as bump/runtime-1.2.3) keeps them as separators, which is how Gitea
 * and GitHub both take it.
 */
export function repoApiPath(owner: string, repo: string, ...parts: string[]): string {
  const tail = parts.flatMap((part) => part.split('/'))
  return ['', 'repos', owner, repo, ...tail].map((segment) => encodeURIComponent(segment)).join('/')
}
