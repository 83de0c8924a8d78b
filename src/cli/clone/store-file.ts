import type { Channel } from '../../stores/channels.js'
import { endLine, headerLine, rowLine, type Row } from '../../stores/dump/format.js'
import { DUMP_TABLES } from '../../stores/dump/tables.js'
import { METAFIELD_RESOURCES } from '../../resources/metafields/resources.js'
import { FormFieldCatalogue, LISTED_STRING_TYPES, type ApiFormFieldValue } from './form-fields.js'
import { channelIds, type KeyedItem } from './phases.js'
import {
  addressRow, attributeRow, attributeValueRow, channelRow, consentRow, customerRow, instrumentRow, metafieldRow, settingsRow,
  type ApiAddress, type ApiAttribute, type ApiAttributeValue, type ApiChannel, type ApiConsent, type ApiCustomer, type ApiInstrument,
  type ApiMetafield, type ApiSettings, timestamp,
} from './rows.js'
import type { CloneState } from './state.js'

// What a clone read, as a store file (src/stores/dump/format.ts) that `importStore` writes in one
// transaction: the tables in the file's order, each row from the state's data files, streamed so
// that memory holds the ids of what was copied, not the rows. A row whose parent was not copied
// is left out and counted: the source changed while the clone read it (a customer deleted
// between the customer list and its addresses), and the import takes references only to rows
// above them.

export interface CloneFileOptions {
  /** when the clone began: the date of what the API shows undated */
  started: string
  /** the local store's hash: a new store's channel 1 is named after it, as `stores create` names it */
  storeHash: string
  /** the local store's channels, when it exists: names the API does not show are kept from them */
  localChannels: readonly Channel[]
}

export interface CloneFileSummary {
  customers: number
  formFields: number
  /** rows left out because what they refer to was not copied */
  orphans: number
  /** customers the source no longer had when their consent or instruments were read */
  customersGone: Set<number>
  /** channels whose names the source did not show: kept from the local store, or made up */
  unnamedChannels: number[]
}

type Rows = AsyncGenerator<Row>

/** Where each table's rows come from; a table the API cannot show is absent (docs/CLONE.md). */
type Sources = Record<string, () => Rows>
// The store's quota is the source server's setting, and its id counters are not shown (the
// import sets them past the highest id copied); with the accounts tables, nothing comes from the API.
const NOT_FROM_THE_API = new Set(['rate_limits', 'store_counters'])

export async function* cloneFileLines(state: CloneState, options: CloneFileOptions, summary: CloneFileSummary): AsyncGenerator<string> {
  const sources = await sourcesOf(state, options, summary)
  yield headerLine(false)
  let rows = 0
  for (const table of DUMP_TABLES) {
    if (table.accounts || NOT_FROM_THE_API.has(table.name)) continue
    const source = sources[table.name]
    if (!source) throw new Error(`clone: no source for the store file's table ${table.name}`)
    for await (const row of source()) {
      rows += 1
      yield rowLine(table, row)
    }
  }
  yield endLine(rows)
}

async function sourcesOf(state: CloneState, options: CloneFileOptions, summary: CloneFileSummary): Promise<Sources> {
  const { started } = options
  const copied = {
    channels: new Set<number>(),
    customers: new Set<number>(),
    addresses: new Set<number>(),
    attributes: new Set<number>(),
  }
  const orphan = () => {
    summary.orphans += 1
  }
  const fields = await formFieldsOf(state)
  summary.formFields = fields.size

  async function* keyed<T>(phase: string): AsyncGenerator<KeyedItem<T>> {
    for await (const item of state.items<KeyedItem<T>>(phase)) {
      if (item.status === 404 && phase !== 'channel_settings') summary.customersGone.add(item.key)
      if (item.status === 404) continue
      yield item
    }
  }

  /** Each id once: an offset page read while the source grew may repeat the end of the one before. */
  async function* once<T extends { id: number }>(phase: string): AsyncGenerator<T> {
    const seen = new Set<number>()
    for await (const item of state.items<T>(phase)) {
      if (seen.has(item.id)) continue
      seen.add(item.id)
      yield item
    }
  }

  return {
    async *channels() {
      const shown = new Map<number, ApiChannel>()
      for await (const channel of state.items<ApiChannel>('channels')) shown.set(channel.id, channel)
      const local = new Map(options.localChannels.map((channel) => [channel.id, channel]))
      for (const id of await channelIds(state)) {
        copied.channels.add(id)
        const source = shown.get(id)
        if (source) {
          yield channelRow(id, source.name, source.date_created ? timestamp(source.date_created) : started)
          continue
        }
        summary.unnamedChannels.push(id)
        const mine = local.get(id)
        yield channelRow(id, mine?.name ?? (id === 1 ? options.storeHash : `Channel ${id}`), mine?.date_created ?? started)
      }
    },
    async *customer_settings() {
      for await (const item of keyed<{ data?: ApiSettings } & ApiSettings>('settings')) {
        // Real stores and Clientele wrap it in {data, meta} (DECISIONS 9); the contract shows it bare.
        const row = settingsRow(0, item.body?.data ?? item.body ?? {})
        if (row) yield row
      }
      for await (const item of keyed<{ data?: ApiSettings } & ApiSettings>('channel_settings')) {
        if (!copied.channels.has(item.key)) continue
        const row = settingsRow(item.key, item.body?.data ?? item.body ?? {})
        if (row) yield row
      }
    },
    async *customer_attributes() {
      for await (const attribute of once<ApiAttribute>('attributes')) {
        copied.attributes.add(attribute.id)
        yield attributeRow(attribute)
      }
    },
    async *form_fields() {
      yield* fields.rows(started)
    },
    async *customers() {
      for await (const customer of once<ApiCustomer>('customers')) {
        copied.customers.add(customer.id)
        summary.customers += 1
        yield customerRow(customer)
      }
    },
    async *customer_addresses() {
      for await (const address of once<ApiAddress>('addresses')) {
        if (!copied.customers.has(address.customer_id)) orphan()
        else {
          copied.addresses.add(address.id)
          yield addressRow(address)
        }
      }
    },
    async *customer_attribute_values() {
      for await (const value of once<ApiAttributeValue>('attribute_values')) {
        if (copied.customers.has(value.customer_id) && copied.attributes.has(value.attribute_id)) yield attributeValueRow(value)
        else orphan()
      }
    },
    async *form_field_values() {
      // The API shows no id: the values are numbered in the order listed, which is the source's id order.
      const seen = new Set<string>()
      let id = 0
      for await (const value of state.items<ApiFormFieldValue>('form_field_values')) {
        const owner = value.customer_id !== undefined ? `c${value.customer_id}` : `a${value.address_id}`
        const key = `${owner}:${value.name}`
        if (seen.has(key)) continue
        seen.add(key)
        const parentCopied = value.customer_id !== undefined ? copied.customers.has(value.customer_id) : copied.addresses.has(value.address_id ?? 0)
        const row = parentCopied ? fields.valueRow(value, id + 1, started) : undefined
        if (!row) orphan()
        else {
          id += 1
          yield row
        }
      }
    },
    async *customer_consents() {
      for await (const item of keyed<ApiConsent>('consent')) {
        const row = copied.customers.has(item.key) ? consentRow(item.key, item.body ?? {}) : undefined
        if (row) yield row
      }
    },
    async *stored_instruments() {
      const tokens = new Set<string>()
      for await (const item of keyed<ApiInstrument[]>('stored_instruments')) {
        if (!copied.customers.has(item.key)) continue
        // A bare array, as the spec and Clientele answer; wrapped in {data} too, should a source do that.
        const instruments = Array.isArray(item.body) ? item.body : ((item.body as { data?: ApiInstrument[] } | undefined)?.data ?? [])
        for (const instrument of instruments) {
          if (tokens.has(instrument.token)) continue
          tokens.add(instrument.token)
          yield instrumentRow(item.key, instrument, started)
        }
      }
    },
    async *metafields() {
      for (const resource of METAFIELD_RESOURCES) {
        for await (const metafield of once<ApiMetafield>(`metafields_${resource.type}`)) {
          // A customer's metafields go with it; other resources (carts) are not stored.
          if (resource.parentTable === 'customers' && !copied.customers.has(Number(metafield.resource_id))) orphan()
          else yield metafieldRow(resource, metafield)
        }
      }
    },
  }
}

/** The definitions of every field a value names, typed by the lists filtered by type. */
async function formFieldsOf(state: CloneState): Promise<FormFieldCatalogue> {
  const fields = new FormFieldCatalogue()
  for await (const value of state.items<ApiFormFieldValue>('form_field_values')) fields.see(value)
  for (const type of LISTED_STRING_TYPES) {
    for await (const value of state.items<ApiFormFieldValue>(`form_field_types_${type}`)) fields.listedAs(value, type)
  }
  return fields
}
