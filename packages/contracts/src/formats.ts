import { FormatRegistry } from '@sinclair/typebox';

// TypeBox's compiler rejects values of unregistered formats; register the ones contracts use.
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => uuidPattern.test(value));
