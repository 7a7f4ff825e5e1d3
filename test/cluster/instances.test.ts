/**
 * Two `npm run serve` instances behind a round-robin balancer, sharing one PostgreSQL database, each with its own copy
 * of the data folder, as a deployment on several machines runs them.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type DiscordEmulator } from '../discord/emulator/index.js';
import { createTestDatabase, type TestDatabase } from '../store/postgres.js';
import { startRoundRobin, type RoundRobin } from './round-robin.js';
import { startServe, type ServeProcess } from './serve-process.js';

let emulator: DiscordEmulator;
let database: TestDatabase;
let balancer: RoundRobin;
const folders: string[] = [];
const instances: ServeProcess[] = [];

async function dataCopy(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'citebot-instance-'));
  await cp('data', folder, { recursive: true });
  folders.push(folder);
  return folder;
}

async function sourceCount(instance: ServeProcess): Promise<number> {
  const body = (await (await fetch(`${instance.url}api/sources`)).json()) as { sources: unknown[] };
  return body.sources.length;
}

beforeAll(async () => {
  [emulator, database] = await Promise.all([startEmulator(), createTestDatabase()]);
  const [first, second] = await Promise.all([dataCopy(), dataCopy()]);
  const environment = (dataDir: string) => ({
    ...emulator.botEnvironment(dataDir),
    DISCORD_PUBLIC_KEY: emulator.publicKey,
    DATABASE_URL: database.url,
    SEARCH_MODE: 'lexical',
    ANSWER_LIMIT: '0',
    // The watcher would see the change as well; here only /reindex may bring it.
    RELOAD_DEBOUNCE_MS: '60000',
  });
  instances.push(...(await Promise.all([startServe(environment(first)), startServe(environment(second))])));
  balancer = await startRoundRobin(instances.map((instance) => instance.url));
  emulator.useInteractionsEndpoint(`${balancer.url}interactions`);
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await balancer?.close();
  await emulator?.close();
  await database?.drop();
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('several instances sharing PostgreSQL', () => {
  it('/reindex sent to one instance reloads both', async () => {
    const before = await Promise.all(instances.map(sourceCount));
    for (const folder of folders) {
      await writeFile(path.join(folder, 'opening-hours.md'), '# Opening hours\n\nThe drop-in is open on Tuesdays from 10am.\n');
    }
    const exchange = await emulator.slashCommand('reindex', [], { as: emulator.users.admin });
    await exchange.waitForCalls(2, 30_000);
    expect(exchange.calls[1]?.body.content).toMatch(/^Reindexed in .*: \*\*6\*\* sources \(\+1\)/);
    await expect.poll(() => Promise.all(instances.map(sourceCount)), { timeout: 30_000 }).toEqual(before.map((count) => count + 1));
    // Each instance reindexed once: the one that received the command, and the other when told.
    for (const instance of instances) expect(instance.stdout().match(/"msg":"sources reindexed"/g)).toHaveLength(1);
  });
});

describe('npm run serve with DATABASE_URL', () => {
  it('says what to set and exits 1 when the database cannot be reached, after trying for CONNECT_RETRY_SECONDS', async () => {
    const folder = await dataCopy();
    const started = startServe({ DATA_DIR: folder, DATABASE_URL: 'postgres://citebot:secret@127.0.0.1:9/citebot', CONNECT_RETRY_SECONDS: '1' });
    await expect(started).rejects.toThrow(/serve exited with 1/);
    const error = await started.catch((failure: Error) => failure.message);
    expect(error).toMatch(/The database at 127\.0\.0\.1:9\/citebot cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:9\): trying again in 1 s/);
    expect(error).toMatch(/Could not reach the database at 127\.0\.0\.1:9\/citebot for 1 s .*Start PostgreSQL, or correct DATABASE_URL/);
    expect(error).not.toContain('secret');
  });

  it('says the database refused the connection when it does not exist', async () => {
    const folder = await dataCopy();
    const url = new URL(database.url);
    url.pathname = '/no_such_database';
    const error = await startServe({ DATA_DIR: folder, DATABASE_URL: url.toString() }).catch((failure: Error) => failure.message);
    expect(error).toMatch(/The database at .*\/no_such_database refused the connection \(database "no_such_database" does not exist\)\. Correct DATABASE_URL/);
  });

  it('stops with a message when DATABASE_URL is not a PostgreSQL address', async () => {
    const error = await startServe({ DATA_DIR: 'data', DATABASE_URL: 'mysql://localhost/citebot' }).catch((failure: Error) => failure.message);
    expect(error).toContain('DATABASE_URL must be a PostgreSQL address');
  });
});
