// Each reliability suite ends with one line of counts; the reliability reporter
// (test/helpers/reliability-reporter.ts) repeats these lines at the very end of the run.

export const CLOSING_PREFIX = 'Reliability | '

export function closingLine(text: string): void {
  console.log(`${CLOSING_PREFIX}${text}`)
}
