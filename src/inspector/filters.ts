import type { Entry } from './entry.js'

// The filters of the inspector's list and stream: by status (`404`, or a class: `4xx`), method,
// path prefix and API account.

export interface EntryFilter {
  /** `404`, or `4xx` for every status of a class */
  status?: string
  method?: string
  /** `/customers` (under the store's `/stores/{hash}/v3`), or a whole path from `/stores/` */
  path_prefix?: string
  client_id?: string
}

/** A status or a class: what the routes' querystring schemas accept as `status`. */
export const STATUS_PATTERN = '^[1-5]([0-9][0-9]|xx|XX)$'

export function entryMatcher(hash: string, filter: EntryFilter): (entry: Entry) => boolean {
  const status = filter.status?.toLowerCase()
  const statusClass = status?.endsWith('xx') ? Number(status[0]) : undefined
  const exactStatus = status !== undefined && statusClass === undefined ? Number(status) : undefined
  const method = filter.method?.toUpperCase()
  const prefix = filter.path_prefix === undefined ? undefined : filter.path_prefix.startsWith('/stores/') ? filter.path_prefix : `/stores/${hash}/v3${filter.path_prefix}`
  const clientId = filter.client_id
  return (entry) =>
    (exactStatus === undefined || entry.status === exactStatus) &&
    (statusClass === undefined || Math.floor(entry.status / 100) === statusClass) &&
    (method === undefined || entry.method === method) &&
    (prefix === undefined || entry.path.startsWith(prefix)) &&
    (clientId === undefined || entry.client_id === clientId)
}
