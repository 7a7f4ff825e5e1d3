/**
 * `/reindex` reaching every instance that shares one PostgreSQL database. The instance that received the command
 * reloads at once and announces it with NOTIFY; every other instance LISTENs and reloads its own copy of the data
 * folder. PostgreSQL delivers a notification only to connections listening when it is sent, so an instance whose
 * listening connection was cut reloads once it is back: it may have missed one. An instance that was down reads the
 * data folder afresh as it starts, which is all a reindex does.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../log.js';

/** The notification channel; every citebot instance on the database listens on it. */
const CHANNEL = 'citebot_reindex';

/** The first wait before listening again after the connection is lost; each next one doubles, up to MAX_WAIT_MS. */
const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 30_000;

export interface ReindexSignal {
  /** Tells every other instance to read its sources again. Never throws: a failure is logged. */
  readonly announce: () => Promise<void>;
  /** Stops listening. */
  readonly close: () => Promise<void>;
}

export interface ReindexSignalOptions {
  /** A postgres:// connection string (DATABASE_URL). */
  readonly url: string;
  /** Called when another instance announced a reindex, or when listening resumed after a cut. */
  readonly onReindex: (trigger: string) => void;
  readonly logger: Logger;
}

/**
 * Listens for reindexes announced by other instances. Resolves once listening (the first connection is made by the
 * caller's start-up check, so a database that cannot be reached at all has been reported already); a connection lost
 * later is made again, with growing waits, for as long as the instance runs.
 */
export async function listenForReindex({ url, onReindex, logger }: ReindexSignalOptions): Promise<ReindexSignal> {
  // Tells this instance's own announcements apart from the others': PostgreSQL delivers them to the sender too.
  const instance = randomUUID();
  let client: pg.Client | undefined;
  let closed = false;

  async function listen(): Promise<pg.Client> {
    const listener = new pg.Client({ connectionString: url });
    listener.on('notification', ({ channel, payload }) => {
      if (channel === CHANNEL && payload !== instance) onReindex('/reindex on another instance');
    });
    // An error is followed by 'end', where listening resumes; without this handler it would end the process.
    listener.on('error', (error) => logger.warn({ err: error }, 'the connection listening for /reindex failed'));
    listener.on('end', () => {
      if (!closed) void resume();
    });
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    return listener;
  }

  async function resume(): Promise<void> {
    client = undefined;
    for (let wait = FIRST_WAIT_MS; !closed; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
      await sleep(wait);
      if (closed) return;
      try {
        client = await listen();
        if (closed) {
          await client.end();
          return;
        }
        logger.info('listening for /reindex again');
        onReindex('listening for /reindex again (one may have been missed)');
        return;
      } catch (error) {
        logger.warn(
          { err: error },
          `cannot listen for /reindex from other instances: trying again in ${Math.ceil(Math.min(wait * 2, MAX_WAIT_MS) / 1000)} s`,
        );
      }
    }
  }

  client = await listen();
  return {
    announce: async () => {
      try {
        if (client === undefined) throw new Error('not connected');
        await client.query('SELECT pg_notify($1, $2)', [CHANNEL, instance]);
      } catch (error) {
        logger.warn({ err: error }, 'could not tell the other instances to reindex; this one has');
      }
    },
    close: async () => {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
