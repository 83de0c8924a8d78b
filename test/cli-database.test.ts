import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrationsCurrent } from '../src/db/migrate.js'
import { BACKENDS, type Backend } from './helpers/backends.js'
import { freePort, killStrayProcesses, run, useProcessDatabase } from './helpers/process.js'

// How the CLI finds its database, or says it can't: only `serve` and `migrate` make one; every
// other command names the path it looked at; MIGRATE_ON_START=false leaves migrations to `migrate`;
// start-up errors are one line that says what to fix.

describe('clientele on a SQLite file that does not exist', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientele-cli-'))
  })
  afterEach(() => {
    killStrayProcesses()
    rmSync(dir, { recursive: true, force: true })
  })

  it.each([['stores', 'list'], ['tokens', 'list'], ['stores', 'create', 'shop-a'], ['limits', 'show']])('%s %s exits non-zero naming the path and DATABASE_URL, creating nothing', async (...args) => {
    const file = join(dir, 'clientele.db')
    const result = await run(args, { DATABASE_URL: file })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(`no database at ${file}`)
    expect(result.stderr).toContain('DATABASE_URL')
    expect(existsSync(file)).toBe(false)
  })

  it('the default ./data/clientele.db is looked for in the current folder, and not made', async () => {
    const result = await run(['stores', 'list'], {}, { cwd: dir })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(`no database at ${join(dir, 'data/clientele.db')}`)
    expect(existsSync(join(dir, 'data'))).toBe(false)
  })

  it('migrate makes it, and then stores list works', async () => {
    const file = join(dir, 'clientele.db')
    expect(await run(['migrate'], { DATABASE_URL: file })).toMatchObject({ code: 0, stdout: 'database is up to date\n' })
    expect(await run(['stores', 'list'], { DATABASE_URL: file })).toMatchObject({ code: 0, stdout: 'no stores\n' })
  })

  it('a DATABASE_URL in a folder that does not exist is an error naming it (only ./data is made)', async () => {
    const file = join(dir, 'missing', 'clientele.db')
    for (const command of [['migrate'], ['serve']]) {
      const result = await run(command, { DATABASE_URL: file, PORT: '0', LOG_LEVEL: 'silent' })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`clientele: the folder of DATABASE_URL ${file} does not exist (only ./data/clientele.db's folder is made): create it first\n`)
    }
    expect(existsSync(join(dir, 'missing'))).toBe(false)
  })

  it('migrate in an empty folder makes ./data/clientele.db', async () => {
    const result = await run(['migrate'], {}, { cwd: dir })
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, 'data', 'clientele.db'))).toBe(true)
  })
})

describe.each(BACKENDS)('%s: clientele with MIGRATE_ON_START=false', (backend: Backend) => {
  const database = useProcessDatabase(backend)

  it('refuses an unmigrated database, saying `clientele migrate`, and migrates nothing', async () => {
    if (backend === 'sqlite') database.connect() // the file exists, with no tables
    const result = await run(['stores', 'list'], { ...database.env, MIGRATE_ON_START: 'false' })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/has migrations pending: run `clientele migrate`/)
    expect(await migrationsCurrent(database.connect(), database.schema)).toBe(false)

    expect((await run(['migrate'], { ...database.env, MIGRATE_ON_START: 'false' })).code).toBe(0)
    expect(await run(['stores', 'list'], { ...database.env, MIGRATE_ON_START: 'false' })).toMatchObject({ code: 0, stdout: 'no stores\n' })
  })

  it('stores create --with-token prints a token with every scope that the API accepts', async () => {
    await database.open()
    const result = await run(['stores', 'create', 'shop-a', '--with-token'], database.env)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^created store shop-a\nclient id: +\S+\naccess token: +\S+\nscopes: +store_v2_customers /)
    const json = JSON.parse((await run(['stores', 'create', 'shop-b', '--with-token', '--json'], database.env)).stdout)
    expect(json).toMatchObject({ hash: 'shop-b', account: { store_hash: 'shop-b', access_token: expect.stringMatching(/^\w{20,}$/) } })
  })
})

describe('clientele start-up errors', () => {
  afterEach(() => killStrayProcesses())

  it('an unreachable PostgreSQL is one line naming host, port and cause', async () => {
    const port = await freePort()
    for (const command of [['serve'], ['stores', 'list']]) {
      const result = await run(command, { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`, PORT: '0', LOG_LEVEL: 'silent' })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`clientele: cannot reach PostgreSQL at 127.0.0.1:${port} (database test): connect ECONNREFUSED 127.0.0.1:${port}\n`)
    }
  })

  it('an unknown LOG_LEVEL names the allowed values', async () => {
    const result = await run(['serve'], { LOG_LEVEL: 'loud', DATABASE_URL: ':memory:' })
    expect(result).toMatchObject({ code: 1, stderr: 'clientele: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"\n' })
  })

  it('--version prints the package version; every command has a description', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default
    expect(await run(['--version'], {})).toMatchObject({ code: 0, stdout: `${version}\n` })
    for (const group of ['stores', 'tokens', 'limits', 'channels', 'instruments', 'form-fields']) {
      const help = (await run([group, '--help'], {})).stdout
      const lines = help.split('Commands:\n')[1]!.split('\n').filter((line) => /^  \S/.test(line) && !line.trim().startsWith('help'))
      expect(lines.length).toBeGreaterThan(0)
      for (const line of lines) expect(line.trim(), `${group}: a description`).toMatch(/\S {2,}\S/)
    }
  })
})
