// OAuth (code exchange, refresh rotation, expiry on the simulated clock) and the 401 rules of
// every /api/v4 call: API key, bearer token, plan restrictions.
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { createLogger } from '../../src/log.js';
import { manualClock } from './helpers.js';

const clock = manualClock(Date.UTC(2026, 5, 20, 12));
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    systems: 3,
    now: clock.now,
    accessTokenTtlSec: 3600,
    refreshTokenTtlSec: 7200,
  });
});
afterAll(async () => sim?.close());

const basic = (id = 'sim-client', secret = 'sim-secret'): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(params: Record<string, string>, auth = basic(), asForm = false) {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(`${sim.url}/oauth/token${asForm ? '' : `?${query}`}`, {
    method: 'POST',
    headers: {
      authorization: auth,
      ...(asForm ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(asForm ? { body: query } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function systems(
  accessToken: string | null,
  key: string | null = 'sim-key',
  viaQuery = false,
): Promise<number> {
  const headers: Record<string, string> = {};
  if (key !== null && !viaQuery) headers.key = key;
  if (accessToken !== null) headers.authorization = `Bearer ${accessToken}`;
  const res = await fetch(`${sim.url}/api/v4/systems${viaQuery && key ? `?key=${key}` : ''}`, { headers });
  await res.arrayBuffer();
  return res.status;
}

test('authorize redirects with a code that exchanges once for a working token pair', async () => {
  const res = await fetch(
    `${sim.url}/oauth/authorize?response_type=code&client_id=sim-client&redirect_uri=${encodeURIComponent('http://localhost:9/cb?x=1')}`,
    { redirect: 'manual' },
  );
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.origin + location.pathname).toBe('http://localhost:9/cb');
  const code = location.searchParams.get('code')!;
  expect(code).toBeTruthy();

  const first = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'http://localhost:9/cb',
  });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
  for (const field of ['access_token', 'refresh_token', 'scope', 'enl_uid', 'enl_cid', 'jti'])
    expect(first.body[field]).toBeTruthy();
  expect(await systems(first.body.access_token as string)).toBe(200);

  const again = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'http://localhost:9/cb',
  });
  expect(again.status).toBe(400);
  expect(again.body.error).toBe('invalid_grant');
});

test('form-encoded parameters work too; bad client credentials are refused', async () => {
  const code = sim.issueAuthorizationCode();
  expect((await token({ grant_type: 'authorization_code', code }, basic('sim-client', 'wrong'))).status).toBe(
    401,
  );
  const ok = await token({ grant_type: 'authorization_code', code }, basic(), true);
  expect(ok.status).toBe(200);
  expect((await token({ grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
});

test('refresh rotates: the new pair works, the old refresh token is rejected, the old access token lives on', async () => {
  const pair = sim.issueTokenPair();
  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refresh_token).not.toBe(pair.refresh_token);
  expect(refreshed.body.access_token).not.toBe(pair.access_token);
  expect(await systems(refreshed.body.access_token as string)).toBe(200);
  expect(await systems(pair.access_token)).toBe(200);

  const reuse = await token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
  expect(reuse.status).toBe(400);
  expect(reuse.body.error).toBe('invalid_grant');
});

test('tokens expire on the simulated clock', async () => {
  const pair = sim.issueTokenPair();
  expect(await systems(pair.access_token)).toBe(200);
  clock.advance(3600 * 1000 - 1000);
  expect(await systems(pair.access_token)).toBe(200);
  clock.advance(2000);
  expect(await systems(pair.access_token)).toBe(401);
  // The refresh token (2 h) still works after the access token (1 h) expired, not after its own expiry.
  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
  expect(refreshed.status).toBe(200);
  clock.advance(7200 * 1000 + 1000);
  const late = await token({
    grant_type: 'refresh_token',
    refresh_token: refreshed.body.refresh_token as string,
  });
  expect(late.status).toBe(400);
});

test('401 with the spec body without a key, with an unknown key, without or with a bad bearer token', async () => {
  const good = sim.issueTokenPair().access_token;
  const res = await fetch(`${sim.url}/api/v4/systems`, { headers: { authorization: `Bearer ${good}` } });
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({
    message: 'Not Authorized',
    details: 'User is not authorized',
    code: 401,
  });
  expect(await systems(good, 'no-such-key')).toBe(401);
  expect(await systems(null)).toBe(401);
  expect(await systems('sim-at.forged.token')).toBe(401);
  // The key is also accepted as ?key=.
  expect(await systems(good, 'sim-key', true)).toBe(200);
});

test('device-level telemetry answers 401 on the watt plan and 200 on kilowatt', async () => {
  const good = sim.issueTokenPair().access_token;
  const system = sim.fleet.system(100001)!;
  const serial = system.micros[0]!.serial;
  const path = `/api/v4/systems/${system.id}/devices/micros/${serial}/telemetry`;
  const watt = await fetch(`${sim.url}${path}`, {
    headers: { key: 'sim-key-watt', authorization: `Bearer ${good}` },
  });
  expect(watt.status).toBe(401);
  expect(await watt.json()).toMatchObject({ message: 'Not Authorized', code: 401 });
  const kilowatt = await fetch(`${sim.url}${path}`, {
    headers: { key: 'sim-key-kilowatt', authorization: `Bearer ${good}` },
  });
  expect(kilowatt.status).toBe(200);
  // Site-level data stays open to the watt plan.
  const site = await fetch(`${sim.url}/api/v4/systems/${system.id}/telemetry/production_micro`, {
    headers: { key: 'sim-key-watt', authorization: `Bearer ${good}` },
  });
  expect(site.status).toBe(200);
});

test('with a logger, one line per request, without the API key or the token', async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const logged = await startSimulator({ systems: 1, now: clock.now, logger });
  try {
    const pair = logged.issueTokenPair();
    const res = await fetch(`${logged.url}/api/v4/systems?key=sim-key&size=1`, {
      headers: { authorization: `Bearer ${pair.access_token}` },
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  } finally {
    await logged.close();
  }
  const requestLines = lines.filter((l) => l.includes('simulator request'));
  expect(requestLines).toHaveLength(1);
  expect(requestLines[0]).toContain('/api/v4/systems?size=1');
  expect(lines.join('\n')).not.toMatch(/sim-key|sim-at\./);
});
