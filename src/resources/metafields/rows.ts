import type { Insertable, Selectable } from 'kysely'
import type { MetafieldTable } from '../../db/schema.js'

// A metafield as stored: what the queries return and the permission rules read.

export type MetafieldRow = Selectable<MetafieldTable>
export type NewMetafieldRow = Insertable<MetafieldTable>
