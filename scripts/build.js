#!/usr/bin/env node
// `npm run build` and `prepare` (so `npm ci` builds): compiles src/ into dist/ with tsc, and copies
// the console's files beside it. After
// `npm ci --omit=dev` TypeScript is not installed; a tree whose dist/ is already built then keeps
// it (that is the point of installing without dev dependencies), and one without dist/ says so.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let tsc
try {
  tsc = require.resolve('typescript/bin/tsc')
} catch {
  if (existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
    console.log('build: TypeScript is not installed (dev dependencies omitted); keeping the dist/ already built')
    process.exit(0)
  }
  console.error('build: TypeScript is not installed and dist/ is missing: run `npm ci` (with dev dependencies) to build it')
  process.exit(1)
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) })
if (result.status !== 0) process.exit(result.status ?? 1)
// The console's page is shipped as written (plain HTML, CSS and ES modules): copied beside the
// module that serves it, the old copy removed first so a deleted file does not linger.
const assets = new URL('../dist/console/assets/', import.meta.url)
rmSync(assets, { recursive: true, force: true })
cpSync(new URL('../src/console/assets/', import.meta.url), assets, { recursive: true })
