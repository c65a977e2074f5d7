import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Check JSON from a Stripe-compatible API against the official SDK's own TypeScript types, read
 * with the TypeScript compiler from the SDK the caller's package installs: every non-optional
 * field present, every value of a kind its declared type allows (literal unions, nullability,
 * arrays, nested and expanded objects, metadata maps), and no field the type does not declare
 * (bar the extensions a caller names). What "the object round-trips exactly as the SDK's types
 * say" means, checked at run time against what was really sent. No kept library does this:
 * Stripe's OpenAPI document is not on the npm registry, and JSON-schema generators run out of
 * memory on the SDK's graph of expandable objects (docs/decisions/0016).
 */
export interface StripeShapes {
  /**
   * Problems with a Stripe object, list or event, one line each (empty when it fits): its SDK
   * type is chosen by its `object` field (and an event's `type`).
   */
  problemsOf(value: unknown, at?: string): string[];
  /** Problems with `value` as the SDK's `Stripe.<name>`. */
  check(name: string, value: unknown): string[];
}

/** The SDK type of each `object` the sandbox serves. */
const TYPE_OF_OBJECT: Record<string, string> = {
  payment_intent: 'PaymentIntent',
  charge: 'Charge',
  refund: 'Refund',
  customer: 'Customer',
  payment_method: 'PaymentMethod',
  setup_intent: 'SetupIntent',
};

/** `payment_intent.succeeded` → `PaymentIntentSucceededEvent`, as the SDK names them. */
const eventTypeName = (type: string) =>
  type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('') + 'Event';

export function loadStripeShapes(options: {
  /** A directory of a package that depends on `stripe` (the SDK is resolved from there). */
  resolveFrom: string;
  /** Fields an object kind may carry beyond the SDK's type: documented extensions. */
  extensions?: Record<string, string[]>;
  /** Event types to be able to check (`payment_intent.succeeded`, …). */
  eventTypes?: string[];
}): StripeShapes {
  const names = [
    ...Object.values(TYPE_OF_OBJECT),
    'DeletedCustomer',
    'Address',
    'Metadata',
    ...(options.eventTypes ?? []).map(eventTypeName),
  ];
  const types = loadTypes(options.resolveFrom, names);
  const { checker } = types;
  const extensionsOf = new Map(
    Object.entries(options.extensions ?? {}).map(([kind, fields]) => [
      TYPE_OF_OBJECT[kind] ?? kind,
      new Set(fields),
    ]),
  );
  const describe = (type: ts.Type) => checker.typeToString(type).slice(0, 80);
  const acceptsNull = (type: ts.Type) =>
    type.isUnion() && type.types.some((t) => t.flags & ts.TypeFlags.Null);

  function check(type: ts.Type, value: unknown, at: string): string[] {
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
    if (type.isUnion()) {
      let best: string[] | undefined;
      for (const member of type.types) {
        const problems = check(member, value, at);
        if (problems.length === 0) return [];
        if (!best || problems.length < best.length) best = problems;
      }
      // The nearest member's problems when the value is an object of its kind, else the mismatch.
      return best && best.length <= 3 && typeof value === 'object' && value !== null
        ? best
        : [`${at}: ${JSON.stringify(value)?.slice(0, 60)} is not ${describe(type)}`];
    }
    if (type.isIntersection()) return type.types.flatMap((member) => check(member, value, at));
    if (type.isStringLiteral()) return value === type.value ? [] : [`${at}: not "${type.value}"`];
    if (type.isNumberLiteral()) return value === type.value ? [] : [`${at}: not ${type.value}`];
    if (flags & ts.TypeFlags.BooleanLiteral) {
      const literal = describe(type) === 'true';
      return value === literal ? [] : [`${at}: not ${literal}`];
    }
    if (flags & ts.TypeFlags.StringLike)
      return typeof value === 'string' ? [] : [`${at}: not a string`];
    if (flags & ts.TypeFlags.NumberLike)
      return typeof value === 'number' ? [] : [`${at}: not a number`];
    if (flags & ts.TypeFlags.BooleanLike)
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    if (flags & ts.TypeFlags.Null) return value === null ? [] : [`${at}: not null`];
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void))
      return value === undefined ? [] : [`${at}: present, the type has no value here`];
    if (checker.isArrayType(type)) {
      if (!Array.isArray(value)) return [`${at}: not an array`];
      const element = checker.getTypeArguments(type as ts.TypeReference)[0]!;
      return value.flatMap((item, i) => check(element, item, `${at}[${i}]`));
    }
    if (flags & ts.TypeFlags.Object) return checkObject(type, value, at);
    return [`${at}: cannot check a ${describe(type)}`];
  }

  function checkObject(type: ts.Type, value: unknown, at: string): string[] {
    const properties = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfosOfType(type);
    // `{}` (as in `string & {}`, the SDK's "any other string"): anything but null/undefined.
    if (properties.length === 0 && index.length === 0)
      return value == null ? [`${at}: missing`] : [];
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return [`${at}: not an object (${describe(type)})`];
    const record = value as Record<string, unknown>;
    const problems: string[] = [];
    const declared = new Set<string>();
    for (const property of properties) {
      const name = property.getName();
      declared.add(name);
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      if (!(name in record)) {
        if (!optional) problems.push(`${at}.${name}: missing`);
        continue;
      }
      const declaredType = checker.getTypeOfSymbol(property);
      if (optional && record[name] === null) {
        if (!acceptsNull(declaredType)) problems.push(`${at}.${name}: null, not allowed here`);
        continue;
      }
      const wanted = optional ? checker.getNonNullableType(declaredType) : declaredType;
      problems.push(...check(wanted, record[name], `${at}.${name}`));
    }
    const extensions = extensionsOf.get(describe(type)) ?? new Set<string>();
    for (const key of Object.keys(record)) {
      if (declared.has(key) || extensions.has(key)) continue;
      if (index.length > 0) problems.push(...check(index[0]!.type, record[key], `${at}.${key}`));
      else problems.push(`${at}.${key}: a field the SDK's type does not declare`);
    }
    return problems;
  }

  const checkNamed = (name: string, value: unknown, at = name) => {
    const type = types.byName.get(name);
    if (!type) throw new Error(`Stripe.${name} was not loaded`);
    return check(type, value, at);
  };

  function problemsOf(value: unknown, at = '$'): string[] {
    const record = value as Record<string, unknown> | null;
    if (typeof record !== 'object' || record === null) return [`${at}: not an object`];
    if (record.object === 'list') {
      const problems = ['data', 'has_more', 'url']
        .filter((key) => !(key in record))
        .map((key) => `${at}.${key}: missing`);
      const data = Array.isArray(record.data) ? record.data : [];
      return [...problems, ...data.flatMap((item, i) => problemsOf(item, `${at}.data[${i}]`))];
    }
    if (record.object === 'event') {
      const name = eventTypeName(String(record.type));
      if (!types.byName.has(name)) return [`${at}: event type ${String(record.type)} not loaded`];
      return checkNamed(name, record, at);
    }
    const name =
      record.object === 'customer' && record.deleted === true
        ? 'DeletedCustomer'
        : TYPE_OF_OBJECT[String(record.object)];
    if (!name) return [`${at}: no SDK type for object '${String(record.object)}'`];
    return checkNamed(name, record, at);
  }

  return {
    problemsOf: (value) => problemsOf(value),
    check: (name, value) => checkNamed(name, value),
  };
}

/** The SDK's types by name, from a throwaway module that imports them where `stripe` resolves. */
function loadTypes(resolveFrom: string, names: string[]) {
  const dir = mkdtempSync(path.join(resolveFrom, '.stripe-shapes-'));
  try {
    const file = path.join(dir, 'types.ts');
    writeFileSync(
      file,
      `import type Stripe from 'stripe';\n` +
        names.map((n) => `export type ${n} = Stripe.${n};`).join('\n'),
    );
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const byName = new Map<string, ts.Type>();
    program.getSourceFile(file)!.forEachChild((node) => {
      if (ts.isTypeAliasDeclaration(node))
        byName.set(node.name.text, checker.getTypeAtLocation(node.name));
    });
    return { checker, byName };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
