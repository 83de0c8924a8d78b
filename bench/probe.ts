import { Agent, request } from 'node:http'

// A latency probe in a process of its own (the load generator may be busy in the bench process):
// one keep-alive connection sending one small GET every `intervalMs`, for `seconds`. It reads
// {url, headers, seconds, intervalMs} as JSON on stdin, prints `ready` when its first answer is
// in (the connection is open; the timed requests start now), and at the end one line
// `result {"requests":..,"non2xx":..,"latencies":[ms, ...]}`.

interface ProbeInput {
  url: string
  headers: Record<string, string>
  seconds: number
  intervalMs: number
}

let input = ''
for await (const chunk of process.stdin) input += String(chunk)
const { url, headers, seconds, intervalMs } = JSON.parse(input) as ProbeInput
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

function once(): Promise<{ ms: number; status: number }> {
  const started = process.hrtime.bigint()
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume()
      res.once('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.statusCode ?? 0 }))
    })
    req.once('error', reject)
    req.end()
  })
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

await once()
process.stdout.write('ready\n')
const latencies: number[] = []
let non2xx = 0
const ends = Date.now() + seconds * 1000
while (Date.now() < ends) {
  const { ms, status } = await once()
  if (status >= 200 && status < 300) latencies.push(ms)
  else non2xx += 1
  // a fixed pace, whatever the latency: the probe measures the server, it is not load
  await pause(Math.max(0, intervalMs - ms))
}
agent.destroy()
process.stdout.write(`result ${JSON.stringify({ requests: latencies.length + non2xx, non2xx, latencies })}\n`)
