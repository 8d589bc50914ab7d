/**
 * wsgrid JavaScript client: one logical connection for one user that survives node restarts, failovers and network
 * blips. One dependency-free ES module for browsers (and any runtime with a WHATWG WebSocket, e.g. Node 22+ or Deno).
 *
 * Guarantees, as in the Java client (ws-client) and the wsgrid protocol (docs/protocol.md):
 * - After an unexpected close it reconnects with exponential backoff and full jitter; after 1012 (service restart:
 *   drain, failover) at once, spread only by a small jitter; never after 4001 (unauthorized) or 4500-4999 (kicked).
 * - It tracks the last offset and epoch of the user's stream and of every joined group, and on every reconnect asks
 *   the node to resume them (`resume=1` and a `resume` frame, which also joins the groups again). A stream the node
 *   could not recover is reported through the `lost` event: messages of that stream may have been missed.
 * - A message whose offset it has already delivered is dropped, so a handler never sees one twice.
 *
 * Handlers run synchronously in arrival order; an exception thrown by one is reported on the console and does not
 * stop the client or the other handlers.
 *
 * @example
 * import { WsGridClient } from '/client/wsgrid.js';
 * const c = new WsGridClient('ws://localhost:8081/ws', { user: 'alice' });
 * c.on('message', m => console.log(m.from, m.data));
 * await c.connect();
 * await c.join('room:1');
 * c.publish('room:1', { text: 'hello' });
 */

const DEFAULTS = Object.freeze({
  backoff: Object.freeze({ base: 500, cap: 30000, restartJitter: 500 }),
  reconnect: true,
  resume: true,
  pingInterval: 25000,
  pongTimeout: 10000,
  connectTimeout: 10000,
  refreshBefore: 60000,
});

/** How many delivered offsets per stream are remembered to drop duplicates. */
const SEEN_WINDOW = 1024;

/** Exponential backoff with full jitter: retry n waits a uniform random time in [0, min(cap, base * 2^n)). */
export class Backoff {
  /** @param {{base?: number, cap?: number, restartJitter?: number}} [options] milliseconds */
  constructor({ base = DEFAULTS.backoff.base, cap = DEFAULTS.backoff.cap, restartJitter = base } = {}) {
    if (!(base > 0) || !(cap >= base) || !(restartJitter >= 0)) {
      throw new RangeError(`need 0 < base <= cap and restartJitter >= 0, got base ${base}, cap ${cap}, restartJitter ${restartJitter}`);
    }
    this.base = base;
    this.cap = cap;
    this.restartJitter = restartJitter;
  }

  /** The ceiling for retry number `attempt` (0 for the first retry), in ms. */
  ceiling(attempt) {
    return Math.min(this.cap, this.base * 2 ** Math.min(Math.max(attempt, 0), 52));
  }

  /** The delay before retry number `attempt`, in ms. */
  delay(attempt, random = Math.random) {
    return random() * this.ceiling(attempt);
  }

  /** The delay after a 1012 (service restart): at once, spread only by jitter. */
  immediate(random = Math.random) {
    return random() * this.restartJitter;
  }
}

/** Whether a close code means "reconnect" (1xxx and 4000-4499 except 4001). */
export function shouldReconnect(code) {
  return code !== 4001 && (code < 4500 || code > 4999);
}

/** Whether a close code means "reconnect now" (1012 service restart). */
export function reconnectImmediately(code) {
  return code === 1012;
}

/** An `error` frame from the node (`bad_request`, `forbidden`, `too_large`, `rate_limited`) or a client failure. */
export class WsGridError extends Error {
  constructor(code, message, frame, closeCode) {
    super(message);
    this.name = 'WsGridError';
    this.code = code;
    this.frame = frame;
    /** The close code, when a connection was closed for good. */
    this.closeCode = closeCode;
  }
}

/** The offsets seen on one stream (the user's, or a group's). */
class Stream {
  constructor(offset, epoch) {
    this.offset = offset;
    this.epoch = epoch;
    this.seen = new Set();
  }

  /** Records a delivery; false when this offset of this epoch was delivered already. */
  accept(offset, epoch) {
    if (epoch !== undefined && epoch !== this.epoch) {
      this.epoch = epoch;
      this.offset = 0;
      this.seen.clear();
    }
    if (this.seen.has(offset)) {
      return false;
    }
    this.seen.add(offset);
    if (this.seen.size > SEEN_WINDOW) {
      this.seen.delete(this.seen.values().next().value);
    }
    this.offset = Math.max(this.offset, offset);
    return true;
  }

  /** Moves to a newer top (a `connected` or `joined` frame), keeping the seen offsets when the epoch is the same. */
  advance(offset, epoch) {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.offset = 0;
      this.seen.clear();
    }
    this.offset = Math.max(this.offset, offset ?? 0);
  }

  position() {
    return { offset: this.offset, epoch: this.epoch ?? '' };
  }
}

export class WsGridClient {
  /**
   * @param {string} url the node's or gateway's endpoint, e.g. `ws://localhost:8081/ws` (relative URLs resolve
   *   against the page: `/ws` becomes `ws(s)://<page host>/ws`)
   * @param {object} [options] see wsgrid.d.ts (`WsGridOptions`)
   */
  constructor(url, options = {}) {
    this._url = url;
    this._options = { ...DEFAULTS, ...options };
    this._backoff = new Backoff({ ...DEFAULTS.backoff, ...(options.backoff ?? {}) });
    this._random = options.random ?? Math.random;
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this._WebSocket !== 'function') {
      throw new TypeError('no WebSocket in this runtime: pass options.WebSocket');
    }
    this._listeners = new Map();
    this._groups = new Map(); // group -> Stream (offset/epoch; null until the node sent any)
    this._user = null; // Stream of the user's messages
    this._socket = null;
    this._state = 'idle';
    this._attempt = 0;
    this._sessions = 0;
    this._timers = new Set();
    this._pings = new Map();
    this._pingIds = 0;
    this._joins = new Map(); // group -> [{resolve, reject}] waiting for `joined`
    this._fences = new Map(); // ping id -> callback, to settle joins the node answered with an error
    this._resuming = null;
    this._connect = null;
    this._closed = false;
    this._expiresAt = null;
  }

  /** `idle`, `connecting`, `open`, `reconnecting` or `closed`. */
  get state() {
    return this._state;
  }

  /** The groups this client keeps joined across reconnects. */
  get groups() {
    return [...this._groups.keys()];
  }

  /** The last offset/epoch delivered per stream: `{user: {offset, epoch} | null, groups: {g: {offset, epoch}}}`. */
  get positions() {
    const groups = {};
    for (const [g, s] of this._groups) {
      if (s) groups[g] = s.position();
    }
    return { user: this._user ? this._user.position() : null, groups };
  }

  /**
   * Adds a handler. Events: `message` (a delivery), `state` (state, detail), `error` (WsGridError or Error),
   * `presence`, `connected`, `joined`, `left`, `resumed`, `lost` ({user} or {group}), `close` (code, reason,
   * willReconnect), `refreshed`, `frame` (every raw text frame). Returns a function that removes the handler.
   */
  on(event, handler) {
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(handler);
    return () => this.off(event, handler);
  }

  off(event, handler) {
    this._listeners.get(event)?.delete(handler);
  }

  /**
   * Opens the connection. Resolves with the first `connected` frame; rejects when the client is refused for good
   * (4001, 45xx) or closed first. Transient failures are retried with backoff meanwhile.
   */
  connect() {
    if (!this._connect) {
      if (this._closed) return Promise.reject(new WsGridError('closed', 'client closed'));
      this._connect = deferred();
      this._open();
    }
    return this._connect.promise;
  }

  /**
   * Joins a group now and after every reconnect. Resolves when the node confirms (`joined`); rejects with the
   * node's `error` frame (e.g. `forbidden`), after which the group is not kept. Called before the connection is
   * open, it resolves when the group is joined on connect.
   */
  join(group) {
    if (typeof group !== 'string' || group === '') throw new TypeError('group must be a non-empty string');
    if (this._closed) return Promise.reject(new WsGridError('closed', 'client closed'));
    if (!this._groups.has(group)) this._groups.set(group, null);
    const waiter = deferred();
    if (!this._joins.has(group)) this._joins.set(group, []);
    this._joins.get(group).push(waiter);
    if (this._state === 'open' && !this._resuming) this._sendJoin(group);
    return waiter.promise;
  }

  /** Leaves a group and stops rejoining it. */
  leave(group) {
    this._groups.delete(group);
    this._settleJoins(group, new WsGridError('left', `left group '${group}' before it was joined`));
    if (this._state === 'open') this._send({ type: 'leave', group });
  }

  /** Publishes to a group this client joined. Throws when not connected: nothing is buffered across reconnects. */
  publish(group, data) {
    this._require('publish');
    this._send({ type: 'publish', group, data });
  }

  /** Sends to every session of `user` (when the node's policy allows). Throws when not connected. */
  send(user, data) {
    this._require('send');
    this._send({ type: 'send', user, data });
  }

  /** An application-level ping; resolves with the round trip in ms. */
  ping() {
    this._require('ping');
    const id = `p${++this._pingIds}`;
    const started = now();
    const waiter = deferred();
    this._pings.set(id, waiter);
    this._send({ type: 'ping', id });
    return waiter.promise.then(() => now() - started);
  }

  /** Closes the session with 1000 and stops reconnecting. Final: the client cannot connect again. */
  close() {
    if (this._closed) return;
    this._closed = true;
    this._clearTimers();
    const ws = this._socket;
    this._detach();
    if (ws) {
      try {
        ws.close(1000, 'client closed');
      } catch {
        // already closing
      }
    }
    this._fail(new WsGridError('closed', 'client closed'));
    this._emit('close', 1000, 'client closed', false);
    this._setState('closed', { code: 1000, reason: 'client closed' });
  }

  // ---- connection lifecycle

  async _open() {
    if (this._closed) return;
    const resume = this._sessions > 0 && this._options.resume;
    this._setState('connecting', { attempt: this._attempt, resume });
    let token;
    try {
      token = await this._token();
    } catch (e) {
      // The token source may be a network call that fails now and works later: retry like a failed connect.
      this._emit('error', e instanceof Error ? e : new Error(String(e)));
      this._ended(1006, `no token: ${e && e.message ? e.message : e}`);
      return;
    }
    if (this._closed) return;
    let ws;
    try {
      ws = new this._WebSocket(this._buildUrl(token, resume));
    } catch (e) {
      // A malformed URL never gets better: give up instead of retrying forever.
      this._emit('error', e);
      this._ended(1006, `cannot open ${this._url}: ${e.message}`, false);
      return;
    }
    this._socket = ws;
    const openTimer = this._timer(() => this._abandon(ws, 'connect timeout'), this._options.connectTimeout);
    ws.onmessage = (event) => {
      if (this._socket !== ws) return;
      if (typeof event.data === 'string') this._received(event.data);
    };
    ws.onclose = (event) => {
      this._cancel(openTimer);
      if (this._socket !== ws) return;
      this._ended(event.code || 1006, event.reason || '');
    };
    ws.onerror = () => {
      // Browsers give no detail here; the close event that follows carries the code.
    };
    this._openTimer = openTimer;
  }

  async _token() {
    const { token } = this._options;
    if (token === undefined || token === null) return null;
    const value = typeof token === 'function' ? await token() : token;
    if (typeof value !== 'string' || value === '') throw new Error('the token function returned no token');
    this._expiresAt = expiry(value);
    return value;
  }

  _buildUrl(token, resume) {
    const base = typeof location !== 'undefined' ? location.href : undefined;
    const url = new URL(this._url, base);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    const { user, tenant } = this._options;
    if (token) url.searchParams.set('token', token);
    if (user) url.searchParams.set('user_id', user);
    if (tenant) url.searchParams.set('tenant', tenant);
    if (resume) url.searchParams.set('resume', '1');
    else url.searchParams.delete('resume');
    return url.toString();
  }

  /** Gives up on a socket that stopped answering: the browser's own close can take minutes on a dead network. */
  _abandon(ws, reason) {
    if (this._socket !== ws) return;
    try {
      ws.close(4000, reason);
    } catch {
      // already closing
    }
    this._ended(1006, reason);
  }

  _ended(code, reason, allowed = true) {
    const wasOpen = this._state === 'open';
    this._detach();
    const again = allowed && this._options.reconnect && !this._closed && shouldReconnect(code);
    this._emit('close', code, reason, again);
    if (!again) {
      const refused = new WsGridError(code === 4001 ? 'unauthorized' : 'closed',
        `connection closed for good: ${code} ${reason}`.trim(), undefined, code);
      this._closed = true;
      this._fail(refused);
      this._setState('closed', { code, reason });
      return;
    }
    const immediate = reconnectImmediately(code);
    const delay = immediate ? this._backoff.immediate(this._random) : this._backoff.delay(this._attempt++, this._random);
    this._setState('reconnecting', { code, reason, delay, attempt: this._attempt, wasOpen });
    this._timer(() => this._open(), delay);
  }

  _detach() {
    const ws = this._socket;
    this._socket = null;
    if (ws) {
      ws.onmessage = ws.onclose = ws.onerror = null;
    }
    this._clearTimers();
    this._resuming = null;
    for (const p of this._pings.values()) p.reject(new WsGridError('closed', 'connection closed'));
    this._pings.clear();
    // Joins sent on this session are answered on the next one (rejoin); their fences are void.
    this._fences.clear();
  }

  /** Rejects everything waiting: connect() and joins. */
  _fail(error) {
    if (this._connect && !this._connect.settled) this._connect.reject(error);
    for (const group of [...this._joins.keys()]) this._settleJoins(group, error);
  }

  // ---- frames

  _received(text) {
    this._emit('frame', text);
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      this._emit('error', new WsGridError('bad_frame', `undecodable frame: ${text.slice(0, 200)}`));
      return;
    }
    switch (frame.type) {
      case 'connected': return this._connected(frame);
      case 'message': return this._message(frame);
      case 'joined': return this._joined(frame);
      case 'left': return this._emit('left', frame);
      case 'resumed': return this._resumed(frame);
      case 'pong': return this._pong(frame);
      case 'presence': return this._emit('presence', frame);
      case 'refreshed': return this._refreshed(frame);
      case 'error': return this._error(frame);
      default: return this._emit('error', new WsGridError('bad_frame', `unknown frame type: ${frame.type}`, frame));
    }
  }

  _connected(frame) {
    this._cancel(this._openTimer);
    const reconnected = this._sessions > 0;
    this._sessions++;
    this._attempt = 0;
    const recovery = frame.epoch !== undefined;
    if (!this._user && recovery) {
      this._user = new Stream(frame.offset ?? 0, frame.epoch);
    }
    this._session = frame;
    // Before any handler runs: the resume frame must be the session's first, ahead of whatever a handler sends.
    if (reconnected && recovery && this._options.resume) {
      this._sendResume(frame);
    } else {
      for (const group of this._groups.keys()) this._sendJoin(group);
    }
    this._startPings();
    this._scheduleRefresh();
    this._setState('open', { session: frame.session, node: frame.node, reconnected });
    this._emit('connected', frame);
    if (this._connect && !this._connect.settled) this._connect.resolve(frame);
  }

  /** The first frame after `connected` on a reconnect: the offsets seen, and the groups to join again. */
  _sendResume(connected) {
    const groups = {};
    for (const [g, s] of this._groups) groups[g] = s ? s.position() : { offset: 0, epoch: '' };
    const user = this._user ?? new Stream(0, '');
    this._resuming = { connected };
    this._send({ type: 'resume', ...user.position(), groups });
  }

  _resumed(frame) {
    const resuming = this._resuming;
    this._resuming = null;
    const groups = frame.groups ?? {};
    if (frame.recovered === false) {
      // Missed messages are gone: carry on from the top the node reported on connect.
      const c = resuming ? resuming.connected : this._session;
      if (c && c.epoch !== undefined) {
        this._user = new Stream(c.offset ?? 0, c.epoch);
      }
      this._emit('lost', { user: true, frame });
    }
    for (const [g, ok] of Object.entries(groups)) {
      if (ok === false && this._groups.has(g)) this._emit('lost', { group: g, frame });
      this._settleJoins(g);
    }
    // Groups joined while the resume was in flight were not in it.
    for (const g of this._joins.keys()) {
      if (!(g in groups) && this._groups.has(g)) this._sendJoin(g);
    }
    this._emit('resumed', frame);
  }

  _message(frame) {
    if (typeof frame.offset === 'number') {
      let stream = null;
      if (frame.group !== undefined) {
        if (this._groups.has(frame.group)) {
          stream = this._groups.get(frame.group);
          if (!stream) this._groups.set(frame.group, (stream = new Stream(0, frame.epoch)));
        }
      } else if (frame.user !== undefined) {
        stream = this._user ?? (this._user = new Stream(0, frame.epoch));
      }
      if (stream && !stream.accept(frame.offset, frame.epoch)) return;
    }
    this._emit('message', frame);
  }

  _joined(frame) {
    const g = frame.group;
    if (this._groups.has(g) && frame.epoch !== undefined) {
      const stream = this._groups.get(g);
      if (!stream) this._groups.set(g, new Stream(frame.offset ?? 0, frame.epoch));
      // During a resume the replay follows: keep the older offset so nothing is skipped if it is cut short.
      else if (!this._resuming) stream.advance(frame.offset, frame.epoch);
    }
    this._settleJoins(g);
    this._emit('joined', frame);
  }

  _error(frame) {
    const error = new WsGridError(frame.code ?? 'error', frame.message ?? frame.code ?? 'error', frame);
    this._lastError = error;
    if (this._resuming && error.code === 'bad_request') {
      // A node without recovery refuses the `resume` frame: join the groups the plain way.
      this._resuming = null;
      for (const g of this._groups.keys()) this._sendJoin(g);
    }
    this._emit('error', error);
  }

  _pong(frame) {
    const fence = this._fences.get(frame.id);
    if (fence) {
      this._fences.delete(frame.id);
      fence();
      return;
    }
    const waiter = this._pings.get(frame.id);
    if (waiter) {
      this._pings.delete(frame.id);
      waiter.resolve();
    }
    this._pongDue = null;
  }

  /**
   * Sends a join followed by a ping used as a fence: the node answers frames in order, so when the fence's pong
   * arrives without a `joined` for the group, the error frame received in between was the answer to this join.
   */
  _sendJoin(group) {
    this._lastError = null;
    this._send({ type: 'join', group });
    if (!this._joins.has(group)) return;
    const id = `j${++this._pingIds}`;
    this._fences.set(id, () => {
      if (!this._joins.has(group)) return;
      const error = this._lastError ?? new WsGridError('not_joined', `the node did not join group '${group}'`);
      this._groups.delete(group);
      this._settleJoins(group, error);
    });
    this._send({ type: 'ping', id });
  }

  _settleJoins(group, error) {
    const waiting = this._joins.get(group);
    if (!waiting) return;
    this._joins.delete(group);
    for (const w of waiting) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  // ---- keepalive and token refresh

  _startPings() {
    const interval = this._options.pingInterval;
    if (!(interval > 0)) return;
    const tick = () => {
      if (this._state !== 'open') return;
      const ws = this._socket;
      const id = `k${++this._pingIds}`;
      this._pongDue = id;
      this._fences.set(id, () => {
        this._pongDue = null;
      });
      this._send({ type: 'ping', id });
      this._timer(() => {
        if (this._pongDue === id) this._abandon(ws, 'no pong');
      }, this._options.pongTimeout);
      this._timer(tick, interval);
    };
    this._timer(tick, interval);
  }

  _scheduleRefresh() {
    const { token, refreshBefore } = this._options;
    if (typeof token !== 'function' || !this._expiresAt) return;
    const delay = Math.max(0, this._expiresAt - Date.now() - refreshBefore);
    this._timer(async () => {
      if (this._state !== 'open') return;
      try {
        const value = await token();
        if (this._state !== 'open') return;
        this._expiresAt = expiry(value);
        this._send({ type: 'refresh', token: value });
      } catch (e) {
        this._emit('error', e instanceof Error ? e : new Error(String(e)));
      }
    }, delay);
  }

  _refreshed(frame) {
    this._emit('refreshed', frame);
    this._scheduleRefresh();
  }

  // ---- plumbing

  _require(what) {
    if (this._state !== 'open' || !this._socket) {
      throw new WsGridError('not_connected', `cannot ${what}: not connected (state ${this._state})`);
    }
  }

  _send(frame) {
    const ws = this._socket;
    if (!ws) return;
    ws.send(JSON.stringify(frame));
  }

  _setState(state, detail = {}) {
    this._state = state;
    this._emit('state', state, detail);
  }

  _emit(event, ...args) {
    const handlers = this._listeners.get(event);
    if (!handlers || handlers.size === 0) {
      if (event === 'error' && typeof console !== 'undefined') {
        console.warn('wsgrid:', args[0] && args[0].message ? args[0].message : args[0]);
      }
      return;
    }
    for (const h of [...handlers]) {
      try {
        h(...args);
      } catch (e) {
        if (typeof console !== 'undefined') console.error('wsgrid: a', event, 'handler threw', e);
      }
    }
  }

  _timer(fn, ms) {
    const handle = setTimeout(() => {
      this._timers.delete(handle);
      fn();
    }, ms);
    this._timers.add(handle);
    return handle;
  }

  _cancel(handle) {
    if (handle === undefined) return;
    clearTimeout(handle);
    this._timers.delete(handle);
  }

  _clearTimers() {
    for (const t of this._timers) clearTimeout(t);
    this._timers.clear();
  }
}

function deferred() {
  const d = { settled: false };
  d.promise = new Promise((resolve, reject) => {
    d.resolve = (v) => {
      d.settled = true;
      resolve(v);
    };
    d.reject = (e) => {
      d.settled = true;
      reject(e);
    };
  });
  // A rejection nobody awaits (a join made fire-and-forget) must not be reported as unhandled.
  d.promise.catch(() => {});
  return d;
}

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** The `exp` of a JWT in ms, or null when the token is not a readable JWT. */
function expiry(token) {
  try {
    const payload = token.split('.')[1];
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = JSON.parse(json).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export default WsGridClient;
