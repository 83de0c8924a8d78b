#!/usr/bin/env node
// `npm test`: the whole suite through HTTP, on SQLite and, when TEST_DATABASE_URL is set, on
// PostgreSQL too. It says plainly when PostgreSQL was skipped.
import { spawnSync } from 'node:child_process'

if (process.env.TEST_DATABASE_URL) {
  console.log(`PostgreSQL suite: on (${process.env.TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')})`)
} else {
  console.log('PostgreSQL suite: SKIPPED (TEST_DATABASE_URL is not set; e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test)')
}
// The process tests run the compiled bin (dist/): compile first, so they never test a stale build.
const build = spawnSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' })
if (!process.env.TEST_DATABASE_URL) console.log('PostgreSQL suite: SKIPPED (TEST_DATABASE_URL is not set)')
process.exit(result.status ?? 1)
