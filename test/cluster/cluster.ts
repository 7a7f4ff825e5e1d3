/**
 * Two `npm run serve` instances behind a round-robin balancer, sharing one PostgreSQL database, each with its own copy
 * of a data folder, as a deployment on several machines runs them; Discord's side played by the emulator.
 */
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { startEmulator, type DiscordEmulator } from '../discord/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../store/postgres.js';
import { startRoundRobin, type RoundRobin } from './round-robin.js';
import { startServe, type ServeProcess } from './serve-process.js';

export interface Cluster {
  readonly emulator: DiscordEmulator;
  readonly database: TestDatabase;
  readonly balancer: RoundRobin;
  /** The data folder of each instance, in the order of `instances`. */
  readonly folders: readonly string[];
  readonly instances: readonly ServeProcess[];
  /** Rows of a query on the shared database. */
  query<Row extends pg.QueryResultRow>(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * Starts one instance on each folder (made by `makeFolder`; removed on close), in lexical mode with no fair-use limit
 * and the folder watcher held back, so that only /reindex brings changes in; `env` adds settings.
 */
export async function startCluster(makeFolder: () => Promise<string>, env: Record<string, string> = {}): Promise<Cluster> {
  const [emulator, database] = await Promise.all([startEmulator(), createTestDatabase()]);
  const folders = await Promise.all([makeFolder(), makeFolder()]);
  const instances = await Promise.all(
    folders.map((dataDir) =>
      startServe({
        ...emulator.botEnvironment(dataDir),
        DISCORD_PUBLIC_KEY: emulator.publicKey,
        DATABASE_URL: database.url,
        SEARCH_MODE: 'lexical',
        ANSWER_LIMIT: '0',
        RELOAD_DEBOUNCE_MS: '60000',
        ...env,
      }),
    ),
  );
  const balancer = await startRoundRobin(instances.map((instance) => instance.url));
  emulator.useInteractionsEndpoint(`${balancer.url}interactions`);
  return {
    emulator,
    database,
    balancer,
    folders,
    instances,
    async query<Row extends pg.QueryResultRow>(sql: string): Promise<Row[]> {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<Row>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    async close() {
      await Promise.all(instances.map((instance) => instance.stop()));
      await balancer.close();
      await emulator.close();
      await database.drop();
      await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
    },
  };
}
