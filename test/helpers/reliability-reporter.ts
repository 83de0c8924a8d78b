import type { UserConsoleLog } from 'vitest'
import type { Reporter } from 'vitest/node'
import { CLOSING_PREFIX } from '../reliability/report.js'

// The reliability run ends with each suite's closing line of counts (crash cycles, races, fuzzed
// requests, auth matrix cells), gathered from the suites' output, so CI logs show them together.
export default class ReliabilityReporter implements Reporter {
  private readonly lines: string[] = []

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const line of log.content.split('\n')) if (line.startsWith(CLOSING_PREFIX)) this.lines.push(line.slice(CLOSING_PREFIX.length))
  }

  onTestRunEnd(): void {
    if (this.lines.length === 0) return
    process.stdout.write(`\nReliability suites:\n${this.lines.map((line) => `  ${line}`).join('\n')}\n`)
  }
}
