import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LoadPools } from './fake-customers.js'
import { expectsError, type BodySpec, type LoadSpec, type RawResult } from './load-spec.js'

// wrk as the load generator. Its Lua script sets the headers, builds POST and PUT bodies the way
// bench/fake-customers.ts does (same pools, same formulas), and prints the figures as one JSON
// line that this module reads back.

/** One wrk thread: on a small machine every core wrk takes is one the server lacks. */
const THREADS = 1
/** request numbers each wrk run reserves: threads count their own from distinct bases */
const PER_THREAD = 10_000_000

export function wrkAvailable(): boolean {
  const probe = spawnSync('wrk', ['-v'], { stdio: 'ignore' })
  return probe.error === undefined
}

/** A Lua string literal holding `text` byte for byte (Lua 5.1 has no \u escapes). */
function luaString(text: string): string {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
    out += printable ? String.fromCharCode(byte) : `\\${byte}`
  }
  return `${out}"`
}

const luaList = (items: string[]) => `{${items.map(luaString).join(',')}}`

/** JSON-encoded strings, ready to concatenate into a body. */
const jsonList = (items: string[]) => luaList(items.map((s) => JSON.stringify(s)))

const mailName = (text: string) => text.toLowerCase().replace(/[^a-z]/g, '') || 'x'

function poolsLua(pools: LoadPools): string {
  return [
    `local firstNames = ${jsonList(pools.firstNames)}`,
    `local lastNames = ${jsonList(pools.lastNames)}`,
    `local firstMail = ${luaList(pools.firstNames.map(mailName))}`,
    `local lastMail = ${luaList(pools.lastNames.map(mailName))}`,
    `local companies = ${jsonList(pools.companies)}`,
    `local domains = ${luaList(pools.domains)}`,
    // 1-based Lua arrays; the same formulas as createBody / updateBody
    'local function pick(list, n) return list[(n % #list) + 1] end',
  ].join('\n')
}

// createBody and updateBody (bench/fake-customers.ts), metafieldsBody and loginBody
// (bench/metafield-login-bodies.ts), in Lua.
const BODY_LUA = `
local function createBody(n)
  local items = {}
  for j = 0, size - 1 do
    local k = n * size + j
    items[#items + 1] = '{"email":"' .. pick(firstMail, k) .. '.' .. pick(lastMail, k * 7 + 3) .. '.' ..
      string.format('%d', k) .. '@' .. pick(domains, k * 13) .. '","first_name":' .. pick(firstNames, k) ..
      ',"last_name":' .. pick(lastNames, k * 7 + 3) .. ',"company":' .. pick(companies, k * 11) ..
      ',"phone":"555-01' .. string.format('%02d', k % 100) .. '"}'
  end
  return '[' .. table.concat(items, ',') .. ']'
end

local function updateBody(n)
  local blocks = math.max(1, math.floor(seeded / size))
  local first = (n % blocks) * size + 1
  local items = {}
  for j = 0, size - 1 do
    local k = n * size + j
    items[#items + 1] = '{"id":' .. string.format('%d', first + j) .. ',"last_name":' .. pick(lastNames, k * 5 + 1) ..
      ',"company":' .. pick(companies, k * 3) .. ',"phone":"555-02' .. string.format('%02d', k % 100) .. '"}'
  end
  return '[' .. table.concat(items, ',') .. ']'
end

local function metafieldsBody(n)
  local others = math.max(1, seeded - 1)
  local items = {}
  for j = 0, size - 1 do
    local k = n * size + j
    items[#items + 1] = '{"resource_id":' .. string.format('%d', (k % others) + 2) .. ',"namespace":"load-' .. string.format('%d', n) ..
      '","key":"item-' .. string.format('%d', j) .. '","value":"synced ' .. string.format('%d', k) .. '","permission_set":"app_only"}'
  end
  return '[' .. table.concat(items, ',') .. ']'
end

local function loginBody(n)
  return '{"email":' .. pick(loginEmails, n) .. ',"password":' .. loginPassword .. '}'
end
`

const MADE_BY: Record<BodySpec['kind'], string> = { create: 'createBody', update: 'updateBody', metafields: 'metafieldsBody', login: 'loginBody' }

function script(spec: LoadSpec, base: number): string {
  const headers = Object.entries(spec.headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`)
  const lines = [`wrk.method = ${luaString(spec.method)}`, ...headers]
  if (spec.body) lines.push(bodyLua(spec.body, base))
  lines.push(`
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"over399":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end`)
  return lines.join('\n')
}

function bodyLua(body: BodySpec, base: number): string {
  return `
local size = ${body.size}
local seeded = ${body.seeded}
local base = ${base}
${poolsLua(body.pools)}
local loginEmails = ${jsonList(body.logins.emails.length > 0 ? body.logins.emails : [''])}
local loginPassword = ${luaString(JSON.stringify(body.logins.password))}
${BODY_LUA}
local made = ${MADE_BY[body.kind]}
local count = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function request()
  local n = base + tid * ${PER_THREAD} + count
  count = count + 1
  return wrk.format(nil, nil, nil, made(n))
end`
}

export async function runWrk(spec: LoadSpec, connections: number, seconds: number): Promise<RawResult> {
  // Reserve this run's request numbers up front: wrk threads cannot report back which they used.
  const base = spec.body ? spec.body.counter.next : 0
  if (spec.body) spec.body.counter.next += THREADS * PER_THREAD
  const dir = mkdtempSync(join(tmpdir(), 'clientele-wrk-'))
  try {
    const file = join(dir, 'script.lua')
    writeFileSync(file, script(spec, base))
    const args = ['-t', String(THREADS), '-c', String(connections), '-d', `${Math.max(1, Math.round(seconds))}s`, '--timeout', '10s', '-s', file, spec.url]
    const output = await new Promise<string>((resolve, reject) =>
      execFile('wrk', args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
        error ? reject(new Error(`wrk failed: ${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    )
    const line = /^BENCH_RESULT (.*)$/m.exec(output)
    if (!line) throw new Error(`wrk printed no result:\n${output}`)
    const r = JSON.parse(line[1]!) as { requests: number; duration_us: number; p50_us: number; p99_us: number; errors: number; over399: number }
    const secondsRun = r.duration_us / 1e6
    // wrk counts the answers above 399 (summary.errors.status), whatever their status: when an
    // error is expected they are the throughput, otherwise the failures
    const answered = expectsError(spec) ? r.over399 : r.requests - r.over399
    return {
      tool: 'wrk',
      requests: r.requests,
      seconds: secondsRun,
      rps: answered / secondsRun,
      p50: r.p50_us / 1000,
      p99: r.p99_us / 1000,
      errors: r.errors,
      non2xx: r.requests - answered,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
