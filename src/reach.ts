/**
 * Reaching Discord and the database at start-up. A bot started with the machine often comes up before its network or
 * its database: a failed look-up or a refused connection is tried again, with growing waits, for a bounded time,
 * rather than ended at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './log.js';

/**
 * Error codes of a network or server that is not there (yet): no DNS, no route, nothing listening, a connection cut;
 * and PostgreSQL's own while it starts up or shuts down (57P03 cannot connect now, 57P01 admin shutdown).
 */
const UNREACHABLE_CODES = new Set([
  '57P03',
  '57P01',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The network error behind `error` (undici wraps it as the cause of "fetch failed"), if that is what it is. */
export function unreachableReason(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return cause.message || code;
  }
  return undefined;
}

export class DiscordUnreachableError extends Error {
  override name = 'DiscordUnreachableError';
  constructor(seconds: number, reason: string) {
    super(
      `Could not reach Discord for ${seconds} s (${reason}). Check the machine's network and DNS, and DISCORD_API_URL ` +
        'if it is set, then start the bot again.',
    );
  }
}

/** The first wait after a failure; each next one doubles, up to MAX_WAIT_MS. */
const FIRST_WAIT_MS = 1_000;
const MAX_WAIT_MS = 30_000;

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
  constructor(seconds: number, reason: string, where: string) {
    super(
      `Could not reach the database at ${where} for ${seconds} s (${reason}). Start PostgreSQL, or correct ` +
        'DATABASE_URL (or leave it empty to keep the data in SQLite), then start again.',
    );
  }
}

/** What is being reached: its name in the log, and the error to give up with. */
export interface Peer {
  readonly name: string;
  unreachable(seconds: number, reason: string): Error;
}

export const DISCORD: Peer = {
  name: 'Discord',
  unreachable: (seconds, reason) => new DiscordUnreachableError(seconds, reason),
};

/**
 * Runs `connect` until it succeeds, fails for another reason than the network (thrown as it is), or the network has
 * failed for `giveUpAfterMs` (the peer's error). Each failure is one log line saying what happens next.
 */
export async function whenReachable<T>(
  connect: () => Promise<T>,
  giveUpAfterMs: number,
  logger: Logger,
  peer: Peer = DISCORD,
): Promise<T> {
  const started = Date.now();
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
    try {
      return await connect();
    } catch (error) {
      const reason = unreachableReason(error);
      if (reason === undefined) throw error;
      const left = giveUpAfterMs - (Date.now() - started);
      if (left <= 0) throw peer.unreachable(Math.round(giveUpAfterMs / 1000), reason);
      const next = Math.min(wait, left);
      logger.warn(`${peer.name} cannot be reached (${reason}): trying again in ${Math.ceil(next / 1000)} s`);
      await sleep(next);
    }
  }
}
