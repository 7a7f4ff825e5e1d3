/**
 * The PostgreSQL server the storage tests run against: TEST_DATABASE_URL, or the one on 127.0.0.1:5432 that the
 * README's compose file (and the development and CI machines) provide. Each test file gets a database of its own,
 * dropped afterwards. When no server answers, the tests fail with a message saying so: a run that skipped them must
 * not look green.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** A connection string for the new database. */
  readonly url: string;
  /** Drops it, ending whatever connections are left. */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `These tests need PostgreSQL, and none answers at ${SERVER_URL.replace(/\/\/[^@/]*@/, '//')} ` +
        `(${(error as Error).message}). Start one (see the README, "Several instances") or set TEST_DATABASE_URL.`,
      { cause: error },
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `citebot_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
