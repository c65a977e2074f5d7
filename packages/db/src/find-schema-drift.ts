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
  /** The type's own name (`tsvector`, `point`): what an Unsupported("…") field names. */
  udt_name: string;
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
  if (field.kind === 'unsupported') return field.type;
  const base = field.nativeType ? nativeTypes[field.nativeType[0]] : scalarTypes[field.type];
  if (!base) return `unknown(${field.type})`;
  return field.isList ? 'ARRAY' : base;
}

const UNSUPPORTED_FIELD = /^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?)?(?:[^\n]*@map\("([^"]+)"\))?/;

/**
 * The Unsupported("…") fields of each model (columns of a type Prisma has none for, such as a
 * `tsvector`): Prisma leaves them out of the DMMF, so they are read from the schema's text.
 * The schema has already passed Prisma's parser, so a model is `model Name {` to the first
 * line that is only `}`, and a field is one line.
 */
function unsupportedFields(schema: string): Map<string, DmmfField[]> {
  const byModel = new Map<string, DmmfField[]>();
  let model: string | null = null;
  for (const line of schema.split('\n')) {
    const start = /^\s*model\s+(\w+)\s*\{/.exec(line);
    if (start) {
      model = start[1]!;
      continue;
    }
    if (/^\s*\}\s*$/.test(line)) model = null;
    const field = model ? UNSUPPORTED_FIELD.exec(line) : null;
    if (!model || !field) continue;
    const fields = byModel.get(model) ?? [];
    fields.push({
      name: field[1]!,
      dbName: field[4] ?? null,
      kind: 'unsupported',
      type: field[2]!,
      isRequired: field[3] !== '?',
      isList: false,
    });
    byModel.set(model, fields);
  }
  return byModel;
}

export async function readDataModel(schemaPath: string): Promise<DmmfModel[]> {
  const schema = await readFile(schemaPath, 'utf8');
  const dmmf = JSON.parse(
    prismaSchemaWasm.get_dmmf(JSON.stringify({ prismaSchema: [[schemaPath, schema]] })),
  ) as { datamodel: { models: DmmfModel[] } };
  const unsupported = unsupportedFields(schema);
  return dmmf.datamodel.models.map((model) => ({
    ...model,
    fields: [...model.fields, ...(unsupported.get(model.name) ?? [])],
  }));
}

/**
 * Compare schema.prisma with the live database (schema `public`): every model has its table,
 * every scalar field (Unsupported("…") ones included) its column with the same type and
 * nullability, and the database has no table or column the schema does not know. Returns one
 * line per difference.
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
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
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
      const actual = field.kind === 'unsupported' ? column.udt_name : column.data_type;
      if (actual !== expected) {
        drift.push(`column ${tableName}.${columnName} is ${actual}, schema says ${expected}`);
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
