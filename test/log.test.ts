import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../src/log.js';

function capture(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level }, stream) };
}

describe('log redaction', () => {
  it('removes tokens, secrets, the API key and Authorization headers at every depth', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        access_token: 'AT-1',
        refresh_token: 'RT-1',
        tokens: { accessToken: 'AT-2', refreshToken: 'RT-2' },
        config: { enphase: { apiKey: 'KEY-1', clientSecret: 'CS-1' } },
        request: { headers: { authorization: 'Bearer AT-3', key: 'KEY-2' } },
        headers: { Authorization: 'Basic CS-2' },
        influx: { password: 'PW-1', token: 'IT-1' },
      },
      'request sent',
    );
    const text = lines.join('');
    for (const secret of [
      'AT-1',
      'AT-2',
      'AT-3',
      'RT-1',
      'RT-2',
      'KEY-1',
      'KEY-2',
      'CS-1',
      'CS-2',
      'PW-1',
      'IT-1',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain('request sent');
  });

  it('keeps fields that only look like secrets by name elsewhere (error codes, keys of objects)', () => {
    const { lines, logger } = capture();
    logger.warn(
      { err: Object.assign(new Error('boom'), { code: 'ECONNREFUSED' }), dataset: 'rgm' },
      'failed',
    );
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry.err.code).toBe('ECONNREFUSED');
    expect(entry.dataset).toBe('rgm');
  });

  it('removes credentials from URLs', () => {
    const url = redactUrl('https://user:pw@api.enphaseenergy.com/api/v4/systems?key=abc123&size=100');
    expect(url).not.toContain('abc123');
    expect(url).not.toContain(':pw@');
    expect(url).toContain('size=100');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

describe('errors in log lines', () => {
  const failure = () => new Error('system 1, dataset rgm: bad body', { cause: new Error('inner detail') });

  it('are one line at info and above: the type and the message, no stack, no cause chain', () => {
    const { lines, logger } = capture('info');
    logger.error({ err: failure() }, 'dataset sync failed');
    const line = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(line.err).toEqual({ type: 'Error', message: 'system 1, dataset rgm: bad body' });
    expect(lines[0]).not.toContain('\\n    at ');
  });

  it('carry the stack and the causes at debug', () => {
    const { lines, logger } = capture('debug');
    logger.error({ err: failure() }, 'dataset sync failed');
    const line = JSON.parse(lines[0]!) as { err: { stack?: string; message: string } };
    expect(line.err.stack).toMatch(/\n\s+at /);
    expect(line.err.message).toContain('inner detail');
  });
});
