import { PHASES } from './phases.js'
import type { CloneState } from './state.js'
import type { CloneFileSummary } from './store-file.js'

// The closing note of a clone: what the public API cannot show, or did not show this token, and
// so is not in the local store (docs/CLONE.md "What is not copied"). Always the same first lines,
// then what this clone met.

export function notCopied(state: CloneState, summary: CloneFileSummary): string[] {
  const started = state.data.started
  const lines = [
    'passwords: the API never shows them (nor password form field values): cloned customers have none, and log in only once one is set (PUT /customers authentication.new_password)',
    'API accounts, tokens and webhooks: the API shows no token; the local store keeps its own accounts and hooks',
    "the source's request quota: the local store has this server's default (clientele limits set)",
    'ids of deleted rows: the next id of customers, addresses, attributes and values follows the highest one copied; the source may hand out higher ones',
    "metafields this token cannot see: other apps' app_only ones (a token with store_metafield_write_all sees them)",
    `dates the API does not show (when a stored instrument was added, when a form field value changed): set to the clone's start, ${started}`,
  ]
  if (summary.formFields > 0) {
    lines.push(
      `form field definitions: the API shows values only; the ${summary.formFields} fields they name were made from them (type from the values and the field_type lists, options from the values seen, none required); fields without values and password fields are missing (clientele form-fields create)`,
    )
  }
  if (summary.unnamedChannels.length > 0) {
    const why = state.data.phases.channels?.skipped ?? 'not shown'
    lines.push(`channel names and creation dates of channels ${summary.unnamedChannels.join(', ')} (Channels API: ${why}): kept from the local store, or named "Channel <id>" (clientele channels rename)`)
  }
  for (const phase of PHASES) {
    const skipped = state.data.phases[phase.name]?.skipped
    if (skipped !== undefined && phase.name !== 'channels') lines.push(`${phase.label}: not read (${skipped})`)
  }
  if (summary.orphans > 0) lines.push(`${summary.orphans} rows whose customer, address or attribute the source deleted or made while the clone read it`)
  if (summary.customersGone.size > 0) {
    lines.push(`${summary.customersGone.size} customers deleted at the source during the clone: copied without their consent and stored instruments`)
  }
  return lines
}
