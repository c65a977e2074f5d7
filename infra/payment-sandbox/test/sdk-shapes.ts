import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Checks JSON answers against the stripe SDK's own TypeScript types (its .d.ts files are the
 * contract): every non-optional field present, recursively, with the right kind of value.
 * Extra fields (the sandbox's `created_ms`, `requested_ms`) are allowed.
 */
const resources = fileURLToPath(new URL('../node_modules/stripe/cjs/resources/', import.meta.url));

const typeOfKind: Record<string, [file: string, name: string]> = {
  payment_intent: ['PaymentIntents.d.ts', 'PaymentIntent'],
  charge: ['Charges.d.ts', 'Charge'],
  refund: ['Refunds.d.ts', 'Refund'],
  customer: ['Customers.d.ts', 'Customer'],
  deleted_customer: ['Customers.d.ts', 'DeletedCustomer'],
  payment_method: ['PaymentMethods.d.ts', 'PaymentMethod'],
  setup_intent: ['SetupIntents.d.ts', 'SetupIntent'],
  event: ['Events.d.ts', 'EventBase'],
};

export function sdkShapes() {
  const files = [...new Set(Object.values(typeOfKind).map(([file]) => resources + file))];
  const program = ts.createProgram(files, { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const interfaces = new Map<string, ts.Type>();
  for (const [kind, [file, name]] of Object.entries(typeOfKind)) {
    ts.forEachChild(program.getSourceFile(resources + file)!, (node) => {
      if (ts.isInterfaceDeclaration(node) && node.name.text === name)
        interfaces.set(kind, checker.getTypeAtLocation(node));
    });
  }

  const has = (types: ts.Type[], flags: ts.TypeFlags) => types.some((t) => (t.flags & flags) !== 0);

  function walk(type: ts.Type, value: unknown, at: string, problems: string[], depth: number) {
    if (depth > 8) return;
    const members = type.isUnion() ? type.types : [type];
    if (value === null) {
      if (!has(members, ts.TypeFlags.Null)) problems.push(`${at} is null`);
      return;
    }
    const kinds = members.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    if (has(kinds, ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (typeof value === 'string') {
      if (!has(kinds, ts.TypeFlags.StringLike)) problems.push(`${at} is a string`);
      return;
    }
    if (typeof value === 'number') {
      if (!has(kinds, ts.TypeFlags.NumberLike)) problems.push(`${at} is a number`);
      return;
    }
    if (typeof value === 'boolean') {
      if (!has(kinds, ts.TypeFlags.BooleanLike)) problems.push(`${at} is a boolean`);
      return;
    }
    if (Array.isArray(value)) {
      const array = kinds.find((t) => checker.isArrayType(t));
      if (!array) return void problems.push(`${at} is an array`);
      const [element] = checker.getTypeArguments(array as ts.TypeReference);
      value.forEach((item, i) => walk(element!, item, `${at}[${i}]`, problems, depth + 1));
      return;
    }
    const objects = kinds.filter((t) => t.flags & ts.TypeFlags.Object && !checker.isArrayType(t));
    if (objects.length === 0) return void problems.push(`${at} is an object`);
    const record = value as Record<string, unknown>;
    const tagged = objects.find((t) => {
      const tag = t.getProperty('object');
      if (!tag || typeof record.object !== 'string') return false;
      const tagType = checker.getTypeOfSymbol(tag);
      return tagType.isStringLiteral() && tagType.value === record.object;
    });
    const shape = tagged ?? objects[0]!;
    for (const property of shape.getProperties()) {
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const name = property.getName();
      if (!(name in record)) {
        if (!optional) problems.push(`${at}.${name} is missing`);
        continue;
      }
      walk(checker.getTypeOfSymbol(property), record[name], `${at}.${name}`, problems, depth + 1);
    }
  }

  /** What is wrong with this Stripe object (or list of them) by the SDK's types; [] if nothing. */
  return function problemsOf(value: Record<string, unknown>, at = '$'): string[] {
    if (value.object === 'list') {
      const problems: string[] = [];
      for (const key of ['data', 'has_more', 'url'])
        if (!(key in value)) problems.push(`${at}.${key} is missing`);
      (value.data as Record<string, unknown>[]).forEach((item, i) =>
        problems.push(...problemsOf(item, `${at}.data[${i}]`)),
      );
      return problems;
    }
    const kind = value.deleted === true ? 'deleted_customer' : String(value.object);
    const type = interfaces.get(kind);
    if (!type) return [`${at}: no SDK type for object '${kind}'`];
    const problems: string[] = [];
    walk(type, value, at, problems, 0);
    if (kind === 'event')
      problems.push(
        ...problemsOf(
          (value.data as { object: Record<string, unknown> }).object,
          `${at}.data.object`,
        ),
      );
    return problems;
  };
}
