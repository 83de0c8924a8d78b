import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

// Debian's Chromium driven by playwright-core, for the console's browser tests. Without it the
// tests are skipped and say so; TEST_BROWSER=required (CI) makes its absence a failure.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const BROWSER_REQUIRED = process.env.TEST_BROWSER === 'required'
export const HAVE_BROWSER = existsSync(CHROMIUM_PATH)

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] })
}

/** Where screenshots go: artifacts/console/ (CI keeps the folder). */
export const SCREENSHOTS = path.resolve('artifacts/console')

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

/**
 * What went wrong in the page: uncaught errors, console errors (a Content Security Policy
 * violation is one), requests that failed. Collected from the page's start; `problems()` lists them.
 */
export function watchPage(page: Page): { problems(): string[] } {
  const seen: string[] = []
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    // An API answer the page shows as a message (a 404 the test asked for) is not a fault of the page.
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return
    seen.push(`console error: ${text}`)
  })
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? ''
    // A live stream closed by navigation is aborted, as it should be.
    if (failure.includes('ERR_ABORTED')) return
    seen.push(`request failed: ${request.method()} ${request.url()} ${failure}`)
  })
  return { problems: () => [...seen] }
}
