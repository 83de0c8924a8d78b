import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { CONFIG_VARIABLES, freePort } from './helpers/process.js'

// The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a prefix
// of its own, then the installed `clientele serve` run from an empty folder, and the curl line it
// prints run exactly as printed. Slow (the install may compile better-sqlite3): nested runs (the
// other-Node runs of .ci/run) switch it off with CLIENTELE_SKIP_PACKAGE_TEST=1.

const execFileAsync = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
const SKIP = process.env.CLIENTELE_SKIP_PACKAGE_TEST === '1'

if (SKIP) console.log('package test: SKIPPED (CLIENTELE_SKIP_PACKAGE_TEST=1: the tarball is tested once, on the machine\'s Node)')

/** The environment without a parent npm's npm_* variables (npm_config_prefix would redirect `-g`). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (name.toLowerCase().startsWith('npm_') || CONFIG_VARIABLES.includes(name)) continue
    env[name] = value
  }
  return { ...env, ...extra }
}

async function npm(args: string[], cwd: string, timeout = 300_000) {
  try {
    return await execFileAsync('npm', args, { cwd, env: cleanEnv(), timeout, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`npm ${args.join(' ')} failed: ${e.message}\nstdout:\n${e.stdout}\nstderr:\n${e.stderr}`)
  }
}

describe.skipIf(SKIP)('the npm package', { timeout: 240_000 }, () => {
  const temp = mkdtempSync(join(tmpdir(), 'clientele-package-'))
  let server: ChildProcess | undefined

  afterAll(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const closed = new Promise((resolve) => server!.once('close', resolve))
      server.kill('SIGTERM')
      const timer = setTimeout(() => server?.kill('SIGKILL'), 5_000)
      await closed
      clearTimeout(timer)
    }
    rmSync(temp, { recursive: true, force: true })
  })

  it('packs, installs with npm install -g, and serves the curl line it prints', async () => {
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) await npm(['run', 'build'], ROOT)

    // 1. the tarball, and what is in it
    const packDir = join(temp, 'pack')
    mkdirSync(packDir)
    await npm(['pack', '--pack-destination', packDir], ROOT)
    const tarballs = readdirSync(packDir).filter((name) => name.endsWith('.tgz'))
    expect(tarballs).toHaveLength(1)
    const tarball = join(packDir, tarballs[0]!)
    const { stdout: listing } = await execFileAsync('tar', ['tzf', tarball])
    const files = listing.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''))
    const allowed = /^(bin\/.+|dist\/.+|docs\/.+|README\.md|package\.json|LICEN[CS]E(\.\w+)?)$/
    expect(files.filter((file) => !allowed.test(file))).toEqual([])
    expect(files.filter((file) => /^(src|test|bench|spec|scripts)\//.test(file))).toEqual([])
    expect(files).toContain('bin/clientele.js')
    expect(files).toContain('dist/cli/main.js')
    expect(files).toContain('package.json')

    // 2. a global install of it, into a prefix of its own
    const prefix = join(temp, 'prefix')
    await npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], temp, 200_000)
    const bin = join(prefix, 'bin/clientele')
    expect(existsSync(bin)).toBe(true)

    const { stdout: printed } = await execFileAsync(bin, ['--version'], { env: cleanEnv(), cwd: temp })
    expect(printed.trim()).toBe(version)

    // 3. `clientele serve` from an empty folder, and its curl line as printed
    const cwd = join(temp, 'empty')
    const dbDir = join(temp, 'db')
    mkdirSync(cwd)
    mkdirSync(dbDir)
    const port = await freePort()
    server = spawn(bin, ['serve'], {
      cwd,
      env: cleanEnv({ PORT: String(port), DATABASE_URL: join(dbDir, 'clientele.db'), LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    const curlLine = await new Promise<string>((resolve, reject) => {
      const find = () => out.split('\n').slice(0, -1).find((line) => /^\s*curl /.test(line))
      const timer = setTimeout(() => done(new Error(`no curl line within 30 s\nstdout:\n${out}\nstderr:\n${err}`)), 30_000)
      const onData = () => {
        const line = find()
        if (line !== undefined) done(undefined, line)
      }
      const onClose = () => done(new Error(`clientele serve ended before printing a curl line\nstdout:\n${out}\nstderr:\n${err}`))
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer)
        server!.stdout!.off('data', onData)
        server!.off('close', onClose)
        if (error) reject(error)
        else resolve(line!)
      }
      server!.stdout!.on('data', onData)
      server!.once('close', onClose)
      onData()
    })
    expect(curlLine).toContain(`:${port}/stores/dev/v3/customers`)

    const { stdout: body } = await execFileAsync('sh', ['-c', curlLine.trim()], { cwd, env: cleanEnv(), timeout: 30_000 })
    const json = JSON.parse(body) as { data: unknown; meta: { pagination: unknown } }
    expect(json.data).toEqual([])
    expect(json.meta.pagination).toMatchObject({ total: 0, count: 0 })
  })
})
