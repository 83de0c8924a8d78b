import { checkedLookup, DestinationRefused, type DestinationMode } from '../core/destinations.js'

// WEBHOOK_DESTINATIONS=public, at delivery time: the destination's host is resolved and checked
// here, and the attempt connects to the checked address (send.ts hands it to the socket as its
// `lookup`), so a name that answers differently a moment later (DNS rebinding) reaches nothing new.

export type DestinationPolicy = DestinationMode

export type DestinationCheck = { address?: { address: string; family: 4 | 6 } } | { refused: string }

export async function checkDestination(url: URL, mode: DestinationPolicy): Promise<DestinationCheck> {
  if (mode === 'any') return {}
  try {
    const [first] = await checkedLookup(url.hostname)
    return { address: { address: first!.address, family: first!.family === 6 ? 6 : 4 } }
  } catch (error) {
    if (error instanceof DestinationRefused) return { refused: error.message }
    throw error
  }
}
