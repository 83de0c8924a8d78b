import type { Command } from 'commander'
import { FIELD_TYPES, FORMS } from '../resources/form-field-values/schemas.js'
import * as formFields from '../resources/form-field-values/definitions.js'
import { jsonOption, print, printList, withDatabase } from './shared.js'

// `clientele form-fields ...`: the form field definitions BigCommerce keeps in its control panel.

const collect = (value: string, previous: string[]) => [...previous, value]

export function registerFormFieldCommands(program: Command): void {
  const command = program.command('form-fields').description("manage a store's customer and address form fields")

  command
    .command('create')
    .description('define a form field; the API then writes and reads its values by name')
    .requiredOption('--store <hash>', 'the store')
    .requiredOption('--form <form>', `which form: ${FORMS.join(' or ')}`)
    .requiredOption('--name <name>', 'the field name, as values are addressed')
    .requiredOption('--type <type>', FIELD_TYPES.join(', '))
    .option('--option <text>', 'a choice of a picklist, radiobuttons or checkboxes field (repeat it)', collect, [])
    .option('--required', 'customers (or addresses) are created only with a value for it')
    .addOption(jsonOption())
    .action((options: { store: string; form: string; name: string; type: string; option: string[]; required?: boolean; json?: boolean }) =>
      withDatabase(async (db) => {
        const field = await formFields.createFormField(db, options.store, {
          form: options.form,
          name: options.name,
          type: options.type,
          options: options.option,
          required: options.required ?? false,
        })
        print(options.json ? JSON.stringify(field) : `created ${field.form} form field ${field.id}: ${field.name}`)
      }),
    )

  command
    .command('list')
    .description("list a store's form fields")
    .requiredOption('--store <hash>', 'the store')
    .addOption(jsonOption())
    .action((options: { store: string; json?: boolean }) =>
      withDatabase(async (db) => {
        const fields = await formFields.listFormFields(db, options.store)
        printList(fields, options.json, { header: ['id', 'form', 'type', 'required', 'name', 'options'], empty: 'no form fields' }, (f) =>
          [f.id, f.form, f.type, f.required ? 'required' : 'optional', f.name, (f.options ?? []).join(',')].join('\t'),
        )
      }),
    )

  command
    .command('delete <id>')
    .description('delete a form field and every value of it')
    .requiredOption('--store <hash>', 'the store')
    .action((id: string, options: { store: string }) =>
      withDatabase(async (db) => {
        await formFields.deleteFormField(db, options.store, /^\d+$/.test(id) ? Number(id) : NaN)
        print(`deleted form field ${id}`)
      }),
    )
}
