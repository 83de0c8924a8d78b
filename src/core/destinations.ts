import { promises as dns, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

// Where webhooks may be sent (docs/COMPATIBILITY.md "Webhooks", "Destinations"; WEBHOOK_DESTINATIONS
// in docs/DEPLOYMENT.md). BigCommerce takes https on port 443 only; Clientele also takes plain http
// to the developer's own machine (localhost, 127.0.0.1, [::1], any port). In `public` mode no
// destination may reach a loopback, private, link-local, CGNAT, metadata or otherwise non-public
// address: checked when a hook is saved (destinationProblem) and again, after DNS, on every
// delivery (refusedAddress, checkedLookup / publicLookup), since a name may change its answer.

/** `any`: every https:443 and loopback http destination; `public`: only those that reach public addresses. */
export const DESTINATION_MODES = ['any', 'public'] as const
export type DestinationMode = (typeof DESTINATION_MODES)[number]

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

// Addresses that are not public unicast ones (IANA special-purpose registries). An IPv4-mapped
// IPv6 address (::ffff:10.0.0.1) is checked against the IPv4 rules by BlockList itself.
const REFUSED = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified 0.0.0.0
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast 255.255.255.255
] as const) REFUSED.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique local, AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) REFUSED.addSubnet(network, prefix, 'ipv6')

/** Whether an address is one `public` mode refuses to send to. Not an IP address at all: refused. */
export function refusedAddress(ip: string): boolean {
  const family = isIP(ip)
  if (family === 0) return true
  return REFUSED.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

/** A URL's host as an address: the brackets of an IPv6 literal dropped. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

export type Lookup = (hostname: string) => Promise<LookupAddress[]>

const systemLookup: Lookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true })

export class DestinationRefused extends Error {}

/**
 * Every address `hostname` resolves to, or DestinationRefused when it names none or any of them
 * is refused (one private answer among public ones is enough: the client may pick it).
 */
export async function checkedLookup(hostname: string, lookup: Lookup = systemLookup): Promise<LookupAddress[]> {
  const host = bareHost(hostname)
  if (isIP(host) !== 0) {
    if (refusedAddress(host)) throw new DestinationRefused(`${host} is not a public address`)
    return [{ address: host, family: isIP(host) }]
  }
  let addresses: LookupAddress[]
  try {
    addresses = await lookup(host)
  } catch {
    throw new DestinationRefused(`${host} does not resolve`)
  }
  if (addresses.length === 0) throw new DestinationRefused(`${host} does not resolve`)
  const refused = addresses.find((a) => refusedAddress(a.address))
  if (refused) throw new DestinationRefused(`${host} resolves to ${refused.address}, which is not a public address`)
  return addresses
}

/**
 * A `lookup` for http(s) agents and sockets (`net.connect({lookup})`) that resolves through
 * checkedLookup: the delivery connects only to the addresses just checked.
 */
export const publicLookup: LookupFunction = (hostname, options, callback) => {
  checkedLookup(hostname).then(
    (addresses) => {
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const wanted = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0
      const first = addresses.find((a) => wanted === 0 || a.family === wanted) ?? addresses[0]!
      callback(null, first.address, first.family)
    },
    (error: Error) => callback(Object.assign(error, { code: 'EDESTINATIONREFUSED' }), '', 0),
  )
}

/**
 * What is wrong with `destination` as a webhook's URL, or undefined when it may be saved. The
 * message completes "destination ...". In `public` mode a name is resolved (`lookup`).
 */
export async function destinationProblem(destination: string, mode: DestinationMode, lookup: Lookup = systemLookup): Promise<string | undefined> {
  let url: URL
  try {
    url = new URL(destination)
  } catch {
    return 'must be an absolute URL (https://...)'
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: send them in headers'
  const loopback = LOOPBACK_HOSTS.has(url.hostname)
  if (url.protocol === 'https:') {
    // URL drops the default port: "" is 443, as written or not.
    if (url.port !== '') return 'must be served on port 443 (other ports are for http://localhost only)'
  } else if (url.protocol !== 'http:' || !loopback) {
    return 'must be an https URL on port 443, or http to localhost, 127.0.0.1 or [::1]'
  }
  if (mode === 'any') return undefined
  try {
    await checkedLookup(url.hostname, lookup)
  } catch (error) {
    if (error instanceof DestinationRefused) return `is refused by this server (WEBHOOK_DESTINATIONS=public): ${error.message}`
    throw error
  }
  return undefined
}
