import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Check a JSON value against a type of the official Stripe SDK, read from the SDK's own
 * declaration files with the TypeScript compiler: every non-optional field present, every
 * value of a kind its declared type allows (literal unions, nullability, arrays, nested and
 * expanded objects, metadata maps), and no field the type does not declare. What "the object
 * round-trips exactly as the SDK's types say" means, checked at run time against what the
 * sandbox really sent. (No kept library does this: JSON-schema generators run out of memory on
 * the SDK's graph of expandable objects — docs/decisions/0016.)
 */
export interface SdkTypes {
  /** Problems with `value` as the SDK's `Stripe.<name>`, one line each; empty when it fits. */
  check(name: string, value: unknown): string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));

export function loadSdkTypes(names: string[]): SdkTypes {
  // A small module beside the package's node_modules, so `stripe` resolves as the code's does.
  const dir = mkdtempSync(path.join(here, '.sdk-types-'));
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
  const source = program.getSourceFile(file)!;
  const types = new Map<string, ts.Type>();
  source.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node))
      types.set(node.name.text, checker.getTypeAtLocation(node.name));
  });
  rmSync(dir, { recursive: true, force: true });

  const describe = (type: ts.Type) => checker.typeToString(type).slice(0, 80);

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
      // Report the nearest member's problems when the value is of its kind, else the mismatch.
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
      const propertyType = checker.getNonNullableType(checker.getTypeOfSymbol(property));
      const declaredType = optional ? propertyType : checker.getTypeOfSymbol(property);
      if (optional && record[name] === null && !acceptsNull(checker.getTypeOfSymbol(property)))
        problems.push(`${at}.${name}: null, the type does not allow it`);
      else if (!(optional && record[name] === null))
        problems.push(...check(declaredType, record[name], `${at}.${name}`));
    }
    for (const key of Object.keys(record)) {
      if (declared.has(key)) continue;
      if (index.length > 0) problems.push(...check(index[0]!.type, record[key], `${at}.${key}`));
      else problems.push(`${at}.${key}: a field the SDK's type does not declare`);
    }
    return problems;
  }

  const acceptsNull = (type: ts.Type) =>
    type.isUnion() ? type.types.some((t) => t.flags & ts.TypeFlags.Null) : false;

  return {
    check(name, value) {
      const type = types.get(name);
      if (!type) throw new Error(`Stripe.${name} was not loaded`);
      return check(type, value, name);
    },
  };
}
