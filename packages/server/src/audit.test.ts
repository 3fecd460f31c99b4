import { AUTH_EVENT_TYPES } from '@tessera/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createAuditLog } from './audit/audit-log.js';
import { checkedRequest, cookieHeader, createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let lines: string[];
let request: (path: string, init?: RequestInit) => Promise<Response>;
beforeEach(async () => {
  t = await createTestApp();
  lines = [];
  // The log goes through pino into a destination stream the test reads, exactly as `tessera serve` writes stdout.
  const onEvent = createAuditLog({ destination: { write: (line: string) => void lines.push(line) } });
  const app = createApp({ auth: t.runtime.auth, keys: t.runtime.keys, config: t.config, logError: () => {}, onEvent });
  request = checkedRequest(app);
});
afterEach(async () => t.close());

const UA = { 'user-agent': 'audit-test/1.0' };

describe('audit log', () => {
  it('writes one JSON line per event for a whole flow, and no line holds a token, password, hash or refresh secret', async () => {
    const secrets: string[] = [PASSWORD, 'wrong password!', 'a new password 1'];
    const keep = (...values: string[]) => secrets.push(...values);

    const ann = await signupWithCookie(request);
    keep(ann.body.accessToken, ann.body.csrfToken, ...Object.values(ann.jar));
    expect((await request('/auth/login', json({ email: 'ann@example.test', password: 'wrong password!' }, UA))).status).toBe(401);
    const login = (await (await request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }, UA))).json()) as Record<string, string>;
    keep(login.accessToken!, login.refreshToken!, login.refreshToken!.split('.')[1]!, login.csrfToken!);
    const refreshed = (await (await request('/auth/refresh', json({ refreshToken: login.refreshToken }, UA))).json()) as Record<string, string>;
    keep(refreshed.accessToken!, refreshed.refreshToken!, refreshed.refreshToken!.split('.')[1]!);
    t.clock.advance(11_000);
    expect((await request('/auth/refresh', json({ refreshToken: login.refreshToken }, UA))).status).toBe(401);
    const cookie = { cookie: cookieHeader(ann.jar), 'x-csrf-token': ann.body.csrfToken, ...UA };
    const cookieRefresh = await request('/auth/refresh', { method: 'POST', headers: cookie });
    expect(cookieRefresh.status).toBe(200);
    keep(((await cookieRefresh.json()) as { accessToken: string }).accessToken);
    const third = (await (await request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }))).json()) as { accessToken: string };
    keep(third.accessToken);
    const bearer = { authorization: `Bearer ${third.accessToken}`, ...UA };
    expect((await request('/auth/password', json({ currentPassword: PASSWORD, newPassword: 'a new password 1' }, bearer))).status).toBe(204);
    expect((await request('/auth/logout', { method: 'POST', headers: bearer })).status).toBe(204);
    for (let i = 0; i < 11; i += 1) await request('/auth/login', json({ email: 'bob@example.test', password: 'wrong password!' }));
    const fourth = (await (await request('/auth/login', json({ email: 'ann@example.test', password: 'a new password 1' }))).json()) as { accessToken: string };
    const fifth = (await (await request('/auth/login', json({ email: 'ann@example.test', password: 'a new password 1' }))).json()) as { accessToken: string };
    keep(fourth.accessToken, fifth.accessToken);
    const fifthSid = JSON.parse(Buffer.from(fifth.accessToken.split('.')[1]!, 'base64url').toString()).sid as string;
    expect((await request(`/auth/sessions/${fifthSid}`, { method: 'DELETE', headers: { authorization: `Bearer ${fourth.accessToken}` } })).status).toBe(204);
    expect((await request('/auth/logout-all', { method: 'POST', headers: { authorization: `Bearer ${fourth.accessToken}` } })).status).toBe(204);

    const user = await t.runtime.stores.users.findUserByEmail('ann@example.test');
    keep(user!.passwordHash, user!.passwordHash.split('$').at(-1)!);
    const sids = [ann.body.accessToken, login.accessToken!, third.accessToken, fourth.accessToken, fifth.accessToken]
      .map((token) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string);
    for (const sid of sids) {
      const session = await t.runtime.stores.sessions.findSession(sid);
      keep(session!.secretHash, ...session!.recentRotations.flatMap((r) => [r.supersededHash, r.nonce]));
    }

    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => line.endsWith('\n') && line.trimEnd().split('\n').length === 1)).toBe(true);
    const types = new Set(records.map((record) => record.type));
    for (const type of ['signup', 'login_failed', 'login_succeeded', 'refresh', 'reuse_detected', 'logout', 'password_changed', 'lockout', 'session_revoked', 'logout_all']) {
      expect(types, type).toContain(type);
    }
    for (const record of records) {
      expect(record).toMatchObject({ audit: true, msg: record.type });
      expect(AUTH_EVENT_TYPES).toContain(record.type);
      expect(typeof record.time).toBe('string');
      expect(['info', 'warn']).toContain(record.level);
    }
    expect(records.find((r) => r.type === 'reuse_detected')).toMatchObject({ level: 'warn', sessionRevoked: true, userAgent: 'audit-test/1.0' });
    expect(records.find((r) => r.type === 'lockout')).toMatchObject({ level: 'warn', email: 'bob@example.test', userId: null, retryAfterSeconds: 900 });
    expect(records.filter((r) => r.type === 'login_failed' && r.reason === 'rate_limited')).toHaveLength(1);
    for (const line of lines) {
      for (const secret of secrets) expect(line.includes(secret), `a log line holds "${secret.slice(0, 12)}…"`).toBe(false);
      expect(line).not.toMatch(/\$argon2|\$2[aby]\$|"(password|token|accessToken|refreshToken|passwordHash|csrfToken)"/);
    }
  });

  it('records every wrong current password at POST /auth/password as a warning, and the tenth locks the account like ten wrong logins', async () => {
    const ann = await signupWithCookie(request);
    const bearer = { authorization: `Bearer ${ann.body.accessToken}`, ...UA };
    for (let i = 0; i < 10; i += 1) {
      const change = await request('/auth/password', json({ currentPassword: `wrong password ${i}`, newPassword: 'a new password 1' }, bearer));
      expect(change.status).toBe(400);
    }
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const sid = JSON.parse(Buffer.from(ann.body.accessToken.split('.')[1]!, 'base64url').toString()).sid as string;
    const failures = records.filter((r) => r.type === 'password_change_failed');
    expect(failures).toHaveLength(10);
    expect(failures[0]).toMatchObject({
      level: 'warn', userId: ann.body.user.id, email: 'ann@example.test', sessionId: sid, reason: 'wrong_password', ip: null, userAgent: 'audit-test/1.0',
    });
    expect(records.filter((r) => r.type === 'lockout')).toMatchObject([{ level: 'warn', email: 'ann@example.test', userId: ann.body.user.id }]);
    expect((await request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }))).status).toBe(429);
    for (const line of lines) expect(line).not.toMatch(/wrong password \d/);
  });

  it('at TESSERA_LOG_LEVEL=warn keeps only failures (not stale refresh cookies), lockouts, reuse and rate limiting', async () => {
    const warnLines: string[] = [];
    const onEvent = createAuditLog({ level: 'warn', destination: { write: (line: string) => void warnLines.push(line) } });
    t.runtime.auth.onEvent(onEvent);
    const ann = await signupWithCookie(t.request);
    await t.request('/auth/login', json({ email: 'ann@example.test', password: 'wrong password!' }));
    // A forged refresh token is a guess (a warning); a real token of an ended session is a stale cookie (info).
    const sid = ann.jar.tessera_refresh!.split('.')[0]!;
    expect((await t.request('/auth/refresh', json({ refreshToken: `${sid}.${'A'.repeat(64)}` }))).status).toBe(401);
    expect((await t.request('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${ann.body.accessToken}` } })).status).toBe(204);
    expect((await t.request('/auth/refresh', { method: 'POST', headers: { cookie: cookieHeader(ann.jar), 'x-csrf-token': ann.body.csrfToken } })).status).toBe(401);
    expect(warnLines.map((line) => JSON.parse(line))).toMatchObject([{ type: 'login_failed' }, { type: 'refresh_failed', reason: 'invalid_token', sessionId: null }]);
  });
});
