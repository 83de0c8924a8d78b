#!/usr/bin/env node
// `npm run build` and `prepare` (so `npm ci` builds): compiles src/ into dist/ with tsc. After
// `npm ci --omit=dev` TypeScript is not installed; a tree whose dist/ is already built then keeps
// it (that is the point of installing without dev dependencies), and one without dist/ says so.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
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
process.exit(result.status ?? 1)
