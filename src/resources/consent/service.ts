import type { Kysely } from 'kysely'
import { formatTimestamp } from '../../core/dates.js'
import { resourceNotFound, RuleError } from '../../core/errors.js'
import type { Database } from '../../db/schema.js'
import * as q from './queries.js'
import { CONSENT_CATEGORIES, type Consent, type ConsentCategory, type ConsentUpdate } from './schemas.js'

// Consent rules (BEHAVIOUR 7): `essential` is always allowed (added to `allow` when left out,
// refused in `deny`); no category in both lists; a PUT replaces both lists; a customer who never
// answered has allowed `essential` only. `updated_at` is the time of the call, as BigCommerce
// documents its own answer; lists come in the fixed category order.

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
  const parse = (list: string | null) => (list === null ? [] : (JSON.parse(list) as ConsentCategory[]))
  return toConsent(parse(row.allow), parse(row.deny), now)
}

export async function updateConsent(db: Kysely<Database>, now: Date, storeId: number, customerId: number, body: ConsentUpdate): Promise<Consent> {
  const deny = body.deny ?? []
  if (deny.includes('essential')) throw new RuleError('deny', 'essential is always allowed and cannot be denied')
  const both = deny.find((category) => body.allow?.includes(category))
  if (both !== undefined) throw new RuleError('deny', `${both} cannot be both allowed and denied`)
  const consent = toConsent(body.allow ?? [], deny, now)
  if (!(await q.writeConsent(db, storeId, customerId, JSON.stringify(consent.allow), JSON.stringify(consent.deny)))) throw resourceNotFound()
  return consent
}
