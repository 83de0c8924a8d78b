import { sql, type DatabaseIntrospector, type DatabaseMetadata, type DatabaseMetadataOptions, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely'

// What Kysely's migrator asks PostgreSQL about tables, answered from our schema alone. Kysely's
// own introspector reads every table of every schema, calling pg_get_serial_sequence on each: a
// schema another process drops meanwhile (a test run's, another app's) makes it fail with
// "schema ... does not exist", and with it the migration. information_schema, filtered to ours,
// cannot meet anyone else's schema.

export class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<any>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(this.db)
    return rows.rows.map((row) => ({ name: row.name }))
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const rows = await sql<{ table: string; type: string; column: string; data_type: string; nullable: string; default_value: string | null }>`
      select c.table_name as "table", t.table_type as type, c.column_name as "column", c.udt_name as data_type,
        c.is_nullable as nullable, c.column_default as default_value
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = ${this.schema}
      order by c.table_name, c.ordinal_position`.execute(this.db)
    const tables = new Map<string, TableMetadata>()
    for (const row of rows.rows) {
      if (!options.withInternalKyselyTables && row.table.startsWith('kysely_')) continue
      const table = tables.get(row.table) ?? { name: row.table, schema: this.schema, isView: row.type === 'VIEW', columns: [] }
      ;(table.columns as TableMetadata['columns'][number][]).push({
        name: row.column,
        dataType: row.data_type,
        isNullable: row.nullable === 'YES',
        isAutoIncrementing: row.default_value?.startsWith('nextval(') ?? false,
        hasDefaultValue: row.default_value !== null,
      })
      tables.set(row.table, table)
    }
    return [...tables.values()]
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) }
  }
}
