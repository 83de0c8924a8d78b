import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

// Where a V8 CPU profile (node --cpu-prof) spent its time: self time by function and by
// origin (Clientele's sources, each package, Node internals, GC), idle time left out.
// Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile>

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

function origin(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC'
  if (name === '(program)') return 'V8/native (program)'
  if (url === '') return 'native'
  if (url.startsWith('node:')) return 'node internals'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  const src = /\/(src\/.*)$/.exec(url)
  return src ? src[1]!.replace(/\/[^/]+$/, '/') : url
}

export function summarizeProfile(file: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfMicros = new Map<number, number>()
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))

  const byFunction = new Map<string, number>()
  const byOrigin = new Map<string, number>()
  let busy = 0
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (functionName === '(idle)') continue
    busy += micros
    const where = url ? `${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}` : ''
    const fn = `${functionName || '(anonymous)'} ${where}`.trim()
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros)
    const o = origin(url, functionName)
    byOrigin.set(o, (byOrigin.get(o) ?? 0) + micros)
  }
  const list = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => `  ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n')
  return [
    `busy (non-idle) CPU: ${(busy / 1000).toFixed(0)} ms`,
    'self time by origin:',
    list(byOrigin, top),
    'self time by function:',
    list(byFunction, top),
  ].join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2]
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile>')
  process.stdout.write(`${summarizeProfile(file, 25)}\n`)
}
