// TypeScript declarations for wsgrid.js, the wsgrid JavaScript client (served by every node at /client/wsgrid.d.ts).

/** Milliseconds. Retry n waits a uniform random time in [0, min(cap, base * 2^n)); after 1012, [0, restartJitter). */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay (default 500). */
  base?: number;
  /** Largest ceiling (default 30000). */
  cap?: number;
  /** Spread of the immediate reconnect after 1012 (default: base). */
  restartJitter?: number;
}

export interface WsGridOptions {
  /** A JWT (sent as `?token=`), or a function giving one, called before every connect and before expiry. */
  token?: string | (() => string | Promise<string>);
  /** The user id, for nodes with `wsgrid.auth.mode=none` (sent as `?user_id=`). */
  user?: string;
  /** The tenant (sent as `?tenant=`); the node's `default` when unset. */
  tenant?: string;
  backoff?: BackoffOptions;
  /** Reconnect after unexpected closes (default true). */
  reconnect?: boolean;
  /** Resume the user's and groups' streams on reconnect (default true). */
  resume?: boolean;
  /** Application-level ping interval in ms (default 25000; 0 turns it off). */
  pingInterval?: number;
  /** A connection without a pong for this long (ms) is dropped and replaced (default 10000). */
  pongTimeout?: number;
  /** A connection without a `connected` frame after this long (ms) is dropped and retried (default 10000). */
  connectTimeout?: number;
  /** With a token function, refresh the session this long (ms) before the token's `exp` (default 60000). */
  refreshBefore?: number;
  /** The WebSocket class; `globalThis.WebSocket` by default. */
  WebSocket?: new (url: string) => WebSocket;
  /** The source of jitter, in [0, 1); `Math.random` by default. */
  random?: () => number;
}

export type State = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateDetail {
  /** The close code that ended the previous session (reconnecting, closed). */
  code?: number;
  reason?: string;
  /** The wait before the next attempt in ms (reconnecting). */
  delay?: number;
  attempt?: number;
  /** Whether this attempt resumes (connecting). */
  resume?: boolean;
  session?: string;
  node?: string;
  /** Whether this open session follows an earlier one (open). */
  reconnected?: boolean;
}

export interface Connected {
  type: 'connected';
  session: string;
  user: string;
  node: string;
  /** The WebSocket ping interval in seconds. */
  heartbeat: number;
  /** Top of the user's stream (nodes with recovery). */
  offset?: number;
  epoch?: string;
}

export interface Message<T = unknown> {
  type: 'message';
  /** A time-ordered UUIDv7, unique per message. */
  id: string;
  /** The sending user; absent for REST sends. */
  from?: string;
  /** Set for user-directed messages. */
  user?: string;
  /** Set for group messages. */
  group?: string;
  /** Set for broadcasts (which have no offset). */
  broadcast?: boolean;
  data: T;
  /** When the cluster accepted it, epoch ms. */
  ts: number;
  /** Position in its stream (user or group). */
  offset?: number;
  epoch?: string;
}

export interface Joined {
  type: 'joined';
  group: string;
  offset?: number;
  epoch?: string;
}

export interface Left {
  type: 'left';
  group: string;
}

export interface Presence {
  type: 'presence';
  group: string;
  user: string;
  event: 'join' | 'leave';
}

export interface Resumed {
  type: 'resumed';
  /** Whether the user's stream was recovered without a gap. */
  recovered: boolean;
  groups?: Record<string, boolean>;
}

export interface Refreshed {
  type: 'refreshed';
  exp: number;
}

export interface Position {
  offset: number;
  epoch: string;
}

/** A stream whose missed messages could not be replayed: `{user: true}` or `{group}`. */
export interface Lost {
  user?: true;
  group?: string;
  frame: Resumed;
}

export interface ErrorFrame {
  type: 'error';
  code: 'bad_request' | 'forbidden' | 'too_large' | 'rate_limited' | string;
  message: string;
}

/** An `error` frame from the node, or a client failure (`not_connected`, `closed`, `unauthorized`, ...). */
export class WsGridError extends Error {
  constructor(code: string, message: string, frame?: ErrorFrame, closeCode?: number);
  readonly code: string;
  readonly frame?: ErrorFrame;
  /** The close code, when a connection was closed for good. */
  readonly closeCode?: number;
}

export interface Events {
  message: (message: Message) => void;
  state: (state: State, detail: StateDetail) => void;
  error: (error: WsGridError | Error) => void;
  presence: (event: Presence) => void;
  connected: (frame: Connected) => void;
  joined: (frame: Joined) => void;
  left: (frame: Left) => void;
  resumed: (frame: Resumed) => void;
  lost: (lost: Lost) => void;
  close: (code: number, reason: string, willReconnect: boolean) => void;
  refreshed: (frame: Refreshed) => void;
  /** Every text frame as received. */
  frame: (text: string) => void;
}

export class WsGridClient {
  constructor(url: string, options?: WsGridOptions);
  readonly state: State;
  /** The groups kept joined across reconnects. */
  readonly groups: string[];
  /** The last offset/epoch delivered per stream. */
  readonly positions: { user: Position | null; groups: Record<string, Position> };
  /** Adds a handler; returns a function that removes it. */
  on<E extends keyof Events>(event: E, handler: Events[E]): () => void;
  off<E extends keyof Events>(event: E, handler: Events[E]): void;
  /** Resolves with the first `connected` frame; rejects when refused for good (4001, 45xx) or closed first. */
  connect(): Promise<Connected>;
  /** Joins now and after every reconnect; rejects with the node's error frame (e.g. `forbidden`). */
  join(group: string): Promise<void>;
  /** Leaves and stops rejoining. */
  leave(group: string): void;
  /** Publishes to a joined group; throws `not_connected` when not connected. */
  publish(group: string, data: unknown): void;
  /** Sends to every session of a user; throws `not_connected` when not connected. */
  send(user: string, data: unknown): void;
  /** An application-level ping; resolves with the round trip in ms. */
  ping(): Promise<number>;
  /** Closes with 1000; final. */
  close(): void;
}

export class Backoff {
  constructor(options?: BackoffOptions);
  readonly base: number;
  readonly cap: number;
  readonly restartJitter: number;
  ceiling(attempt: number): number;
  delay(attempt: number, random?: () => number): number;
  immediate(random?: () => number): number;
}

/** Whether a close code means "reconnect" (everything but 4001 and 4500-4999). */
export function shouldReconnect(code: number): boolean;
/** Whether a close code means "reconnect now" (1012). */
export function reconnectImmediately(code: number): boolean;

export default WsGridClient;
