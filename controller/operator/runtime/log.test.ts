import { describe, expect, it } from 'vitest';
import { createLogger, isSensitiveKey, memoryLogger, REDACTED, redact } from './log.js';

describe('log', () => {
  it('writes one JSON object per line with ts, level, msg and fields', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    log.info('reconciled', { durationMs: 12 });
    log.debug('hidden');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] as string)).toEqual({
      ts: '2026-01-02T03:04:05.000Z',
      level: 'info',
      msg: 'reconciled',
      durationMs: 12,
    });
  });

  it('child loggers carry their fields into every line, and nest', () => {
    const { log, lines } = memoryLogger();
    const site = log.child({ site: 'infra/dc1', revision: 'abc123' });
    site.info('render');
    site.child({ step: 'helm/ingress' }).warn('slow', { revision: 'def456' });
    log.info('unrelated');
    expect(lines[0]).toMatchObject({ site: 'infra/dc1', revision: 'abc123', msg: 'render' });
    expect(lines[1]).toMatchObject({ site: 'infra/dc1', revision: 'def456', step: 'helm/ingress', level: 'warn' });
    expect(lines[2]).not.toHaveProperty('site');
  });

  it('fields cannot overwrite ts, level or msg', () => {
    const { log, lines } = memoryLogger();
    log.child({ level: 'debug' }).error('boom', { msg: 'other', ts: 1 });
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom' });
    expect(typeof lines[0]?.ts).toBe('string');
  });

  it('never prints values of credential keys, at any depth, nor URL passwords', () => {
    const { log, lines } = memoryLogger();
    log.child({ password: 'hunter2' }).info('connect', {
      url: 'https://admin:s3cr3t@ironic.local:6385/v1',
      bmc: { username: 'root', Password: 'calvin', nested: [{ api_token: 't0k' }] },
      clientSecret: 'x',
      credentials: { a: 1 },
      secretRef: { name: 'bmc-creds' },
      credentialsSecretRef: { name: 'ironic' },
      holderIdentity: 'pod-1',
      identity: '-----BEGIN OPENSSH PRIVATE KEY-----',
      key: 'infra/dc1',
    });
    const text = JSON.stringify(lines);
    for (const s of ['hunter2', 's3cr3t', 'calvin', 't0k', 'OPENSSH']) expect(text).not.toContain(s);
    expect(lines[0]).toMatchObject({
      password: REDACTED,
      url: `https://admin:${REDACTED}@ironic.local:6385/v1`,
      bmc: { username: 'root', Password: REDACTED, nested: [{ api_token: REDACTED }] },
      clientSecret: REDACTED,
      credentials: REDACTED,
      secretRef: { name: 'bmc-creds' },
      credentialsSecretRef: { name: 'ironic' },
      holderIdentity: 'pod-1',
      key: 'infra/dc1',
    });
  });

  it('sensitive key names', () => {
    for (const k of [
      'password',
      'token',
      'secret',
      'credentials',
      'bearerToken',
      'X-Auth-Token',
      'db_password',
      'apiKey',
    ])
      expect(isSensitiveKey(k), k).toBe(true);
    for (const k of ['secretRef', 'tokenExpiry', 'passwordSecretRef', 'name', 'revision'])
      expect(isSensitiveKey(k), k).toBe(false);
  });

  it('errors become {name, message, code}; cycles do not throw', () => {
    const err = Object.assign(new Error('helm failed: token=abc'), { code: 'E_HELM' });
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(redact({ err, cyc })).toEqual({
      err: { name: 'Error', message: 'helm failed: token=abc', code: 'E_HELM' },
      cyc: { a: 1, self: '[Circular]' },
    });
  });
});
