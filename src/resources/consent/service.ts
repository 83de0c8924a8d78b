import type { Kysely, Transaction } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { resourceNotFound, RuleError } from '../../core/errors.js'
import { json } from '../../db/codecs.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import { CONSENT_CATEGORIES, type Consent, type ConsentCategory, type ConsentUpdate } from './schemas.js'

// Consent rules (BEHAVIOUR 7): `essential` is always allowed (added to `allow` when left out,
// refused in `deny`); no category in both lists; a PUT replaces both lists; a customer who never
// answered has allowed `essential` only. `updated_at` is the time of the call, as BigCommerce
// documents its own answer; lists come in the fixed category order.

const categories = json<ConsentCategory[]>()
/** A stored list; null where the customer has never had consent written (the left join). */
const storedList = (list: string | null): ConsentCategory[] => (list === null ? [] : categories.decode(list))

const inOrder = (categories: Iterable<ConsentCategory>): ConsentCategory[] => {
  const set = new Set(categories)
  return CONSENT_CATEGORIES.filter((category) => set.has(category))
}

function toConsent(allow: ConsentCategory[], deny: ConsentCategory[], now: Date): Consent {
  return { allow: inOrder(['essential', ...allow]), deny: inOrder(deny), updated_at: formatTimestamp(now) }
}

export async function getConsent(db: Kysely<Database>, now: Date, storeId: number, customerId: number): Promise<Consent> {
  const row = await q.findConsent(db, storeId, customerId)
  if (!row) throw resourceNotFound()
  return toConsent(storedList(row.allow), storedList(row.deny), now)
}

export async function updateConsent(db: Kysely<Database>, now: Date, storeId: number, customerId: number, body: ConsentUpdate): Promise<Consent> {
  const consent = checkedConsent(body, now)
  const written = await db.transaction().execute((trx) => storeConsent(trx, storeId, customerId, consent))
  if (!written) throw resourceNotFound()
  return consent
}

/** A PUT's consent under the rules above, or the RuleError that refuses it. */
export function checkedConsent(body: ConsentUpdate, now: Date): Consent {
  const deny = body.deny ?? []
  if (deny.includes('essential')) throw new RuleError('deny', 'essential is always allowed and cannot be denied')
  const both = deny.find((category) => body.allow?.includes(category))
  if (both !== undefined) throw new RuleError('deny', `${both} cannot be both allowed and denied`)
  return toConsent(body.allow ?? [], deny, now)
}

/** Writes a checked consent in the caller's transaction; answers whether the customer exists. */
export function storeConsent(trx: Transaction<Database>, storeId: number, customerId: number, consent: Consent): Promise<boolean> {
  return q.writeConsent(trx, storeId, customerId, categories.encode(consent.allow), categories.encode(consent.deny))
}
