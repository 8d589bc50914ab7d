// The client's state machine against a scripted fake WebSocket: `node --test ws-client/js/test/`.
// The browser tests (ws-node JsClientBrowserIT) cover the same client against a real node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, WsGridClient, shouldReconnect } from '../wsgrid.js';

/** A WebSocket whose server side the test plays: `reply(frame)`, `shut(code)`, and `sent` frames. */
class FakeSocket {
  static all = [];

  constructor(url) {
    this.url = new URL(url);
    this.sent = [];
    this.closedWith = null;
    FakeSocket.all.push(this);
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close(code, reason) {
    this.closedWith = { code, reason };
  }

  reply(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  shut(code, reason = '') {
    this.onclose?.({ code, reason });
  }

  static last() {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
}

async function until(condition, what, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function client(options = {}) {
  FakeSocket.all = [];
  const c = new WsGridClient('ws://node.test/ws', {
    user: 'alice', WebSocket: FakeSocket, random: () => 0, pingInterval: 0, ...options,
  });
  const seen = { messages: [], states: [], lost: [], resumed: [], errors: [], closes: [] };
  c.on('message', (m) => seen.messages.push(m));
  c.on('state', (s, d) => seen.states.push({ s, ...d }));
  c.on('lost', (l) => seen.lost.push(l));
  c.on('resumed', (r) => seen.resumed.push(r));
  c.on('error', (e) => seen.errors.push(e));
  c.on('close', (code, reason, again) => seen.closes.push({ code, again }));
  return { c, seen };
}

async function connected(c, frame = {}) {
  const p = c.connect();
  await until(() => FakeSocket.all.length > 0, 'a socket');
  FakeSocket.last().reply({ type: 'connected', session: 's1', user: 'alice', node: 'n1', heartbeat: 25, ...frame });
  return p;
}

test('backoff: full jitter under an exponential ceiling, capped', () => {
  const b = new Backoff({ base: 500, cap: 30000 });
  assert.deepEqual([0, 1, 2, 5, 6, 100].map((n) => b.ceiling(n)), [500, 1000, 2000, 16000, 30000, 30000]);
  assert.equal(b.delay(3, () => 0.5), 2000);
  assert.equal(b.immediate(() => 0.5), 250);
  assert.throws(() => new Backoff({ base: 0 }), RangeError);
  assert.ok(shouldReconnect(1001) && shouldReconnect(1012) && shouldReconnect(4008) && shouldReconnect(4499));
  assert.ok(!shouldReconnect(4001) && !shouldReconnect(4500) && !shouldReconnect(4999));
});

test('connect names the user and tenant in the URL and resolves with the connected frame', async () => {
  const { c, seen } = client({ tenant: 'acme' });
  const frame = await connected(c);
  assert.equal(frame.session, 's1');
  const url = FakeSocket.last().url;
  assert.equal(url.searchParams.get('user_id'), 'alice');
  assert.equal(url.searchParams.get('tenant'), 'acme');
  assert.equal(url.searchParams.get('resume'), null);
  assert.deepEqual(seen.states.map((s) => s.s), ['connecting', 'open']);
  c.close();
  assert.equal(c.state, 'closed');
  assert.deepEqual(FakeSocket.last().closedWith, { code: 1000, reason: 'client closed' });
});

test('4001 and 45xx end the client: connect rejects, no retry', async () => {
  for (const code of [4001, 4500]) {
    const { c, seen } = client({ backoff: { base: 1, cap: 1 } });
    const p = c.connect();
    await until(() => FakeSocket.all.length === 1, 'a socket');
    FakeSocket.last().shut(code, 'nope');
    await assert.rejects(p, (e) => e.closeCode === code);
    assert.equal(c.state, 'closed');
    assert.deepEqual(seen.closes, [{ code, again: false }]);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(FakeSocket.all.length, 1, `no reconnect after ${code}`);
  }
});

test('1012 reconnects at once; other codes back off exponentially', async () => {
  const { c, seen } = client({ random: () => 0.5, backoff: { base: 10000, cap: 60000, restartJitter: 2 } });
  await connected(c);
  FakeSocket.last().shut(1012, 'service restart');
  assert.equal(seen.states.at(-1).s, 'reconnecting');
  assert.equal(seen.states.at(-1).delay, 1);
  await until(() => FakeSocket.all.length === 2, 'the reconnect after 1012', 500);
  FakeSocket.last().shut(1006);
  assert.equal(seen.states.at(-1).delay, 5000, 'first backoff: half of the 10 s base');
  c.close();
  assert.equal(FakeSocket.all.length, 2);
});

test('tracks offsets, drops duplicates, and resumes with resume=1 and a resume frame on reconnect', async () => {
  const { c, seen } = client();
  await connected(c, { offset: 5, epoch: 'E' });
  const joined = c.join('g');
  const s1 = FakeSocket.last();
  assert.deepEqual(s1.sent[0], { type: 'join', group: 'g' });
  s1.reply({ type: 'joined', group: 'g', offset: 3, epoch: 'G' });
  await joined;
  s1.reply({ type: 'message', id: 'm6', user: 'alice', data: 6, offset: 6, epoch: 'E' });
  s1.reply({ type: 'message', id: 'g4', group: 'g', data: 4, offset: 4, epoch: 'G' });
  s1.reply({ type: 'message', id: 'm6', user: 'alice', data: 6, offset: 6, epoch: 'E' });
  s1.reply({ type: 'message', id: 'b', broadcast: true, data: 'all' });
  assert.deepEqual(seen.messages.map((m) => m.id), ['m6', 'g4', 'b']);
  assert.deepEqual(c.positions, { user: { offset: 6, epoch: 'E' }, groups: { g: { offset: 4, epoch: 'G' } } });

  s1.shut(1001, 'going away');
  // A handler that sends as soon as the session opens must not get ahead of the resume frame.
  c.on('state', (s) => { if (s === 'open') c.publish('g', 'eager'); });
  await until(() => FakeSocket.all.length === 2, 'the reconnect');
  const s2 = FakeSocket.last();
  assert.equal(s2.url.searchParams.get('resume'), '1');
  s2.reply({ type: 'connected', session: 's2', user: 'alice', node: 'n2', heartbeat: 25, offset: 8, epoch: 'E' });
  assert.deepEqual(s2.sent, [{ type: 'resume', offset: 6, epoch: 'E', groups: { g: { offset: 4, epoch: 'G' } } },
    { type: 'publish', group: 'g', data: 'eager' }],
    'the resume frame comes first and carries the last offsets seen, not the new top');
  s2.reply({ type: 'message', id: 'm7', user: 'alice', data: 7, offset: 7, epoch: 'E' });
  s2.reply({ type: 'message', id: 'm6', user: 'alice', data: 6, offset: 6, epoch: 'E' });
  s2.reply({ type: 'message', id: 'g5', group: 'g', data: 5, offset: 5, epoch: 'G' });
  s2.reply({ type: 'resumed', recovered: true, groups: { g: true } });
  assert.deepEqual(seen.messages.map((m) => m.id), ['m6', 'g4', 'b', 'm7', 'g5']);
  assert.equal(seen.resumed.length, 1);
  assert.deepEqual(seen.lost, []);
  c.close();
});

test('a stream the node could not recover is reported lost and restarts from the new top', async () => {
  const { c, seen } = client();
  await connected(c, { offset: 5, epoch: 'E' });
  c.join('g');
  FakeSocket.last().reply({ type: 'joined', group: 'g', offset: 1, epoch: 'G' });
  FakeSocket.last().shut(1006);
  await until(() => FakeSocket.all.length === 2, 'the reconnect');
  const s2 = FakeSocket.last();
  s2.reply({ type: 'connected', session: 's2', user: 'alice', node: 'n1', heartbeat: 25, offset: 2, epoch: 'E2' });
  s2.reply({ type: 'resumed', recovered: false, groups: { g: false } });
  assert.deepEqual(seen.lost.map((l) => l.group ?? 'user'), ['user', 'g']);
  assert.deepEqual(c.positions.user, { offset: 2, epoch: 'E2' });
  s2.reply({ type: 'message', id: 'm3', user: 'alice', data: 3, offset: 3, epoch: 'E2' });
  assert.deepEqual(seen.messages.map((m) => m.id), ['m3']);
  c.close();
});

test('a node without recovery (no epoch) gets its groups joined again with join frames', async () => {
  const { c } = client();
  await connected(c);
  c.join('a');
  FakeSocket.last().reply({ type: 'joined', group: 'a' });
  FakeSocket.last().shut(1001);
  await until(() => FakeSocket.all.length === 2, 'the reconnect');
  FakeSocket.last().reply({ type: 'connected', session: 's2', user: 'alice', node: 'n1', heartbeat: 25 });
  assert.deepEqual(FakeSocket.last().sent, [{ type: 'join', group: 'a' }]);
  c.close();
});

test('join rejects with the error frame the node answered it with, and the group is not rejoined', async () => {
  const { c } = client();
  await connected(c);
  const join = c.join('secret');
  const s = FakeSocket.last();
  const fence = s.sent.find((f) => f.type === 'ping');
  assert.ok(fence, 'a ping follows the join');
  s.reply({ type: 'error', code: 'forbidden', message: 'not allowed' });
  s.reply({ type: 'pong', id: fence.id });
  await assert.rejects(join, (e) => e.code === 'forbidden');
  assert.deepEqual(c.groups, []);
  c.close();
});

test('the token function is called on each connect; publish without a connection throws', async () => {
  let calls = 0;
  const { c } = client({ user: undefined, token: async () => `t${++calls}` });
  assert.throws(() => c.publish('g', 1), (e) => e.code === 'not_connected');
  await connected(c);
  assert.equal(FakeSocket.last().url.searchParams.get('token'), 't1');
  FakeSocket.last().shut(1001);
  await until(() => FakeSocket.all.length === 2, 'the reconnect');
  assert.equal(FakeSocket.last().url.searchParams.get('token'), 't2');
  c.close();
});

test('a connection that stops answering pings is abandoned and replaced', async () => {
  const { c, seen } = client({ pingInterval: 5, pongTimeout: 5 });
  await connected(c);
  await until(() => FakeSocket.all.length === 2, 'a new socket after the missing pong');
  assert.equal(FakeSocket.all[0].closedWith.code, 4000);
  assert.ok(seen.closes.some((x) => x.code === 1006 && x.again));
  c.close();
});
