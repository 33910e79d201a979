/**
 * An action's stdout as a runner shows it: `::add-mask::` commands consumed (never shown) and
 * their values masked wherever they appear; groups, errors and warnings as the log renders them.
 */
export function asRunnerShows(stdout: string): string {
  const secrets: string[] = []
  const lines: string[] = []
  for (const line of stdout.split('\n')) {
    const mask = /^::add-mask::(.*)$/.exec(line)
    if (mask) {
      secrets.push(mask[1])
      continue
    }
    const command = /^::(group|endgroup|error|warning|notice)(?: [^:]*)?::(.*)$/.exec(line)
    if (!command) lines.push(line)
    else if (command[1] === 'group') lines.push(`▶ ${unescape(command[2])}`)
    else if (command[1] !== 'endgroup')
      lines.push(`${command[1][0].toUpperCase()}${command[1].slice(1)}: ${unescape(command[2])}`)
  }
  let text = lines.join('\n')
  for (const secret of secrets.sort((a, b) => b.length - a.length)) text = text.split(secret).join('***')
  return text
}

/** The runner's escapes for command data (%25 %0D %0A). */
function unescape(text: string): string {
  return text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}
