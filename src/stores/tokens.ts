import { createHash, randomInt } from 'node:crypto'

// API tokens and client ids look like BigCommerce's (31 lower-case letters and digits). Tokens
// are random enough that a fast hash is safe to store; only the hash is kept.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

export function randomKey(length = 31): string {
  let key = ''
  for (let i = 0; i < length; i++) key += ALPHABET[randomInt(ALPHABET.length)]
  return key
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
