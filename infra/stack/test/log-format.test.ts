import { chooseLogFormat, lineFormatter } from '../src/log-format.js';
import { lineSplitter } from '../src/log-lines.js';

describe('chooseLogFormat', () => {
  it('shows pretty lines at a terminal and keeps JSON for a pipe when LOG_FORMAT is unset', () => {
    expect(chooseLogFormat({}, true)).toBe('pretty');
    expect(chooseLogFormat({}, false)).toBe('json');
    expect(chooseLogFormat({ LOG_FORMAT: '' }, true)).toBe('pretty');
  });

  it('follows LOG_FORMAT whatever stdout is', () => {
    expect(chooseLogFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(chooseLogFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });

  it('refuses any other LOG_FORMAT, naming the variable', () => {
    expect(() => chooseLogFormat({ LOG_FORMAT: 'yaml' }, true)).toThrow(
      'LOG_FORMAT must be "json" or "pretty" (got "yaml")',
    );
  });
});

describe('lineFormatter', () => {
  const time = Date.UTC(2026, 11, 3, 14, 5, 6, 789);
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({ level: 30, time, pid: 42, hostname: 'box', service: 'order', ...fields });

  it('passes JSON lines through untouched in json format', () => {
    const json = line({ msg: 'order placed' });
    expect(lineFormatter('json', { colorize: false })(json)).toBe(json);
  });

  it('prints time, level and message, then the other fields, on one line', () => {
    const out = lineFormatter('pretty', { colorize: false })(
      line({ msg: 'order placed', orderId: 'o-1' }),
    );
    const local = new Date(time);
    const hhmm = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
    expect(out).toBe(`[${hhmm}:06.789] INFO: order placed {"orderId":"o-1"}`);
  });

  it('leaves out pid, hostname and service (the process name is the prefix)', () => {
    const out = lineFormatter('pretty', { colorize: false })(line({ msg: 'ready' }));
    expect(out).not.toMatch(/42|box|order/);
  });

  it('prints an error with its stack on the lines below', () => {
    const err = {
      type: 'Error',
      message: 'connection refused',
      stack: 'Error: connection refused\n    at connect (db.ts:1:1)',
    };
    const out = lineFormatter('pretty', { colorize: false })(
      line({ level: 50, msg: 'relay failed', err }),
    );
    const [first, ...rest] = out.split('\n');
    expect(first).toMatch(/ERROR: relay failed$/);
    expect(rest.join('\n')).toContain('Error: connection refused');
    expect(rest.join('\n')).toContain('at connect (db.ts:1:1)');
  });

  it('passes a line that is not JSON through unchanged', () => {
    const pretty = lineFormatter('pretty', { colorize: false });
    expect(pretty('MailDev webapp running at http://127.0.0.1:1080')).toBe(
      'MailDev webapp running at http://127.0.0.1:1080',
    );
    expect(pretty('{not json')).toBe('{not json');
  });
});

describe('lineSplitter', () => {
  it('reassembles a line cut across chunks and flushes an unfinished last line', () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push('{"msg":"a');
    split.push('b"}\n{"msg":"c"}\nlast');
    expect(lines).toEqual(['{"msg":"ab"}', '{"msg":"c"}']);
    split.flush();
    expect(lines).toEqual(['{"msg":"ab"}', '{"msg":"c"}', 'last']);
  });
});
