import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import pg from 'pg';

// Prisma's own schema parser, compiled to WebAssembly: it reads schema.prisma exactly as
// `prisma generate` does, without the native schema engine that cannot be downloaded here.
const require = createRequire(import.meta.url);
const prismaSchemaWasm = require('@prisma/prisma-schema-wasm') as {
  get_dmmf(params: string): string;
};

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

const nativeTypes: Record<string, string> = {
  Uuid: 'uuid',
  VarChar: 'character varying',
  Char: 'character',
  Text: 'text',
  Timestamptz: 'timestamp with time zone',
  Timestamp: 'timestamp without time zone',
  Date: 'date',
  SmallInt: 'smallint',
  Integer: 'integer',
  BigInt: 'bigint',
  JsonB: 'jsonb',
  Json: 'json',
};
const scalarTypes: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
  Float: 'double precision',
  Decimal: 'numeric',
  Bytes: 'bytea',
};

function expectedDbType(field: DmmfField): string {
  if (field.kind === 'enum') return 'USER-DEFINED';
  const base = field.nativeType ? nativeTypes[field.nativeType[0]] : scalarTypes[field.type];
  if (!base) return `unknown(${field.type})`;
  return field.isList ? 'ARRAY' : base;
}

export async function readDataModel(schemaPath: string): Promise<DmmfModel[]> {
  const schema = await readFile(schemaPath, 'utf8');
  const dmmf = JSON.parse(
    prismaSchemaWasm.get_dmmf(JSON.stringify({ prismaSchema: [[schemaPath, schema]] })),
  ) as { datamodel: { models: DmmfModel[] } };
  return dmmf.datamodel.models;
}

/**
 * Compare schema.prisma with the live database (schema `public`): every model has its table,
 * every scalar field its column with the same type and nullability, and the database has no
 * table or column the schema does not know. Returns one line per difference.
 */
export async function findSchemaDrift(options: {
  schemaPath: string;
  databaseUrl: string;
}): Promise<string[]> {
  const models = await readDataModel(options.schemaPath);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  let columns: DbColumn[];
  try {
    const result = await client.query<DbColumn>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    columns = result.rows;
  } finally {
    await client.end();
  }

  const drift: string[] = [];
  const dbTables = new Map<string, Map<string, DbColumn>>();
  for (const column of columns) {
    const table = dbTables.get(column.table_name) ?? new Map<string, DbColumn>();
    table.set(column.column_name, column);
    dbTables.set(column.table_name, table);
  }

  const modelTables = new Set<string>();
  for (const model of models) {
    const tableName = model.dbName ?? model.name;
    modelTables.add(tableName);
    const table = dbTables.get(tableName);
    if (!table) {
      drift.push(`table ${tableName} (model ${model.name}) is missing from the database`);
      continue;
    }
    const modelColumns = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const columnName = field.dbName ?? field.name;
      modelColumns.add(columnName);
      const column = table.get(columnName);
      if (!column) {
        drift.push(`column ${tableName}.${columnName} is missing from the database`);
        continue;
      }
      const expected = expectedDbType(field);
      if (column.data_type !== expected) {
        drift.push(
          `column ${tableName}.${columnName} is ${column.data_type}, schema says ${expected}`,
        );
      }
      const nullable = column.is_nullable === 'YES';
      if (nullable === field.isRequired && !field.isList) {
        drift.push(
          `column ${tableName}.${columnName} is ${nullable ? 'nullable' : 'NOT NULL'} in the database, schema says ${field.isRequired ? 'required' : 'optional'}`,
        );
      }
    }
    for (const columnName of table.keys()) {
      if (!modelColumns.has(columnName)) {
        drift.push(
          `column ${tableName}.${columnName} exists in the database but not in the schema`,
        );
      }
    }
  }
  for (const tableName of dbTables.keys()) {
    if (!modelTables.has(tableName)) {
      drift.push(`table ${tableName} exists in the database but not in the schema`);
    }
  }
  return drift;
}
