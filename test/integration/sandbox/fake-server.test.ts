import { describe, expect, it } from 'vitest';
import { FakeServer, json } from '../../../sandbox/fake-server.ts';
import { RouteTable } from '../../../sandbox/route-table.ts';

/** A bare fake: `GET /things/{id}` echoes the decoded label. */
async function startEcho(): Promise<FakeServer> {
  const routes = new RouteTable<(id: string) => ReturnType<typeof json>>().add(
    'GET',
    '/things/{id}',
    'GetThing',
    (id) => json(200, { id }),
  );
  return await FakeServer.start({
    dispatch: (request) => {
      const match = routes.match(request.method, request.path);
      if (!match) return undefined;
      return { op: match.op, params: match.params, handler: (r) => match.handler(r.params['id'] ?? '') };
    },
  });
}

describe('FakeServer', () => {
  it('routes through a dispatch function, decoding a label per segment', async () => {
    await using fake = await startEcho();

    const response = await fetch(`${fake.url}/things/a%2Fb%3Ac`);

    expect(await response.json()).toEqual({ id: 'a/b:c' });
    expect(fake.callsTo('GetThing').map((call) => [call.path, call.status])).toEqual([['/things/a%2Fb%3Ac', 200]]);
    expect(fake.unexpected).toEqual([]);
  });

  it('answers unrouted calls 501 and records them as unexpected', async () => {
    await using fake = await startEcho();

    const response = await fetch(`${fake.url}/things/a/b`, { method: 'POST', body: 'x=1' });

    expect(response.status).toBe(501);
    expect(fake.unexpected).toMatchObject([
      { op: '(unrouted)', method: 'POST', path: '/things/a/b', body: 'x=1', status: 501 },
    ]);
  });

  it('fails exactly the next N calls of an op with the injected failure', async () => {
    await using fake = await startEcho();
    fake.failNext('GetThing', 2, { status: 503, code: 'Busy', message: 'try later', headers: { 'retry-after': '3' } });

    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await fetch(`${fake.url}/things/x`));

    expect(responses.map((response) => response.status)).toEqual([503, 503, 200]);
    expect(responses[0]?.headers.get('retry-after')).toBe('3');
    expect(await responses[0]?.json()).toEqual({ code: 'Busy', message: 'try later' });
  });

  it('adds latency per op, with a global default', async () => {
    await using fake = await startEcho();
    const timed = async () => {
      const started = Date.now();
      await fetch(`${fake.url}/things/x`);
      return Date.now() - started;
    };

    fake.setLatency(200);
    expect(await timed()).toBeGreaterThanOrEqual(190);
    fake.setLatency(400, 'GetThing'); // the op's own latency wins over the global one
    expect(await timed()).toBeGreaterThanOrEqual(390);
    fake.setLatency(0, 'GetThing');
    fake.setLatency(0);
    expect(await timed()).toBeLessThan(190); // only a lower bound is reliable under load; 190 ms is generous
  });

  it('holds a call until released, or drops its connection without handling it', async () => {
    await using fake = await startEcho();
    const held = fake.hold('GetThing');
    const pending = fetch(`${fake.url}/things/held`);
    await held.arrived;
    const raced = await Promise.race([
      pending.then(() => 'answered'),
      new Promise((resolve) => setTimeout(resolve, 100, 'still held')),
    ]);
    expect(raced).toBe('still held');
    held.release();
    expect((await pending).status).toBe(200);

    const dropped = fake.hold('GetThing');
    const lost = fetch(`${fake.url}/things/dropped`).catch((error: unknown) => error);
    await dropped.arrived;
    dropped.drop();
    expect(await lost).toBeInstanceOf(TypeError); // fetch failed: the socket closed without an answer
    const call = await fake.waitForCall((c) => c.path === '/things/dropped' && c.isAborted === true, 1_000);
    expect(call.status).toBeUndefined();
  });

  it('lets close() finish while a call is still held, and waitForCall time out', async () => {
    const fake = await startEcho();
    fake.hold('GetThing');
    const pending = fetch(`${fake.url}/things/never`).catch((error: unknown) => error);
    await fake.waitForCall('GetThing');

    await fake.close();

    expect(await pending).toBeInstanceOf(TypeError);
    await expect(fake.waitForCall('Other', 50)).rejects.toThrow(/within 50 ms/);
  });
});
