import { Type } from '@sinclair/typebox';
import { loadConfig } from '../src/config.js';

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4000 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
});

describe('loadConfig', () => {
  it('converts values and applies defaults', () => {
    expect(loadConfig(Schema, { DATABASE_URL: 'postgresql://x/y' })).toEqual({
      PORT: 4000,
      DATABASE_URL: 'postgresql://x/y',
    });
    expect(loadConfig(Schema, { PORT: '4100', DATABASE_URL: 'postgres://x/y' }).PORT).toBe(4100);
  });

  it('names the missing variable', () => {
    expect(() => loadConfig(Schema, {})).toThrow(/^missing environment variable DATABASE_URL/);
  });

  it('lists the allowed values of an enumeration', () => {
    const WithLevel = Type.Object({
      LEVEL: Type.Union([Type.Literal('info'), Type.Literal('debug')], { default: 'info' }),
    });
    expect(() => loadConfig(WithLevel, { LEVEL: 'loud' })).toThrow(
      'invalid environment variable LEVEL: must be one of info, debug',
    );
  });

  it('names the invalid variable', () => {
    expect(() => loadConfig(Schema, { PORT: 'abc', DATABASE_URL: 'postgres://x' })).toThrow(
      /^invalid environment variable PORT/,
    );
  });

  it('reports the first rule between variables the config breaks, after the schema', () => {
    const rules = [
      (c: { PORT: number }) =>
        c.PORT < 1024 ? 'invalid environment variable PORT: a low port' : undefined,
    ];
    expect(() => loadConfig(Schema, { PORT: '80', DATABASE_URL: 'postgres://x' }, rules)).toThrow(
      /^invalid environment variable PORT: a low port$/,
    );
    expect(loadConfig(Schema, { DATABASE_URL: 'postgres://x' }, rules).PORT).toBe(4000);
  });
});
