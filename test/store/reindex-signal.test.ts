import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { listenForReindex, type ReindexSignal } from '../../src/store/reindex-signal.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

const logger = createLogger('silent');

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('/reindex across instances sharing PostgreSQL', () => {
  let database: TestDatabase;
  const signals: ReindexSignal[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(signals.map((signal) => signal.close()));
    await database?.drop();
  });

  async function instance(): Promise<{ signal: ReindexSignal; triggers: string[] }> {
    const triggers: string[] = [];
    const signal = await listenForReindex({ url: database.url, onReindex: (trigger) => triggers.push(trigger), logger });
    signals.push(signal);
    return { signal, triggers };
  }

  it('reaches every other instance, and not the one that announced it', async () => {
    const [a, b, c] = [await instance(), await instance(), await instance()];
    await a.signal.announce();
    await until(() => b.triggers.length === 1 && c.triggers.length === 1);
    // Another round trip on A's connection: had A been told of its own announcement, it would have been by now.
    await b.signal.announce();
    await until(() => a.triggers.length === 1 && c.triggers.length === 2);
    expect(a.triggers).toEqual(['/reindex on another instance']);
    expect(b.triggers).toEqual(['/reindex on another instance']);
  });

  it('reloads once listening again after its connection is cut, since it may have missed one', async () => {
    const { triggers } = await instance();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    // Every listening connection of this database is cut, as when the server restarts.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    await admin.end();
    await until(() => triggers.length > 0);
    expect(triggers[0]).toMatch(/listening for \/reindex again/);
    const other = await instance();
    await other.signal.announce();
    await until(() => triggers.length === 2);
  });
});
