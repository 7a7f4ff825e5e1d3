import { afterAll } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { storeBehaviour } from './store-suite.js';

const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

let current: TestDatabase | undefined;
storeBehaviour('PostgreSQL', {
  async open() {
    current = await createTestDatabase();
    databases.push(current);
    return openPostgresStore({ url: current.url, poolSize: 4 });
  },
  reopen() {
    if (current === undefined) throw new Error('open() first');
    return openPostgresStore({ url: current.url, poolSize: 4 });
  },
});
