#!/usr/bin/env node
// Runs the compiled CLI (`npm run build`, which `npm ci` runs through `prepare`, writes dist/).
try {
  await import('../dist/cli/main.js')
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('clientele: dist/ is missing: run `npm run build` (npm ci runs it too)\n')
    process.exit(1)
  }
  throw error
}
