import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { capturedLogger } from '../helpers.js';
import { storeBehaviour } from './store-suite.js';

const made: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'citebot-store-'));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

let current = '';
storeBehaviour('SQLite', {
  async open() {
    current = path.join(await tempDir(), 'nested', 'citebot.sqlite');
    return openSqliteStore(current);
  },
  reopen: () => openSqliteStore(current),
});


const settings = (databasePath: string) => ({ databasePath, recordQuestions: true, recordDays: 30 });

describe('the SQLite file', () => {
  it('is in WAL mode, at the latest schema, and shared by two processes at once', async () => {
    const file = path.join(await tempDir(), 'citebot.sqlite');
    const first = await openSqliteStore(file);
    const second = await openSqliteStore(file);
    await first.recordQuestion({ question: 'from the first', verdict: 'none', askedAt: new Date(), guildId: undefined, channelId: undefined });
    expect((await second.questionsSince(new Date(0))).map(({ question }) => question)).toEqual(['from the first']);
    expect(await second.voteSalt()).toBe(await first.voteSalt());
    await first.close();
    await second.close();
    const raw = new SQLite(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('is made once when several processes open the same new file at once', async () => {
    const file = path.join(await tempDir(), 'citebot.sqlite');
    const stores = await Promise.all([openSqliteStore(file), openSqliteStore(file), openSqliteStore(file)]);
    await stores[0]?.recordQuestion({ question: 'one schema', verdict: 'none', askedAt: new Date(), guildId: undefined, channelId: undefined });
    for (const store of stores) expect((await store.questionsSince(new Date(0))).map(({ question }) => question)).toEqual(['one schema']);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('that is corrupt gives one clear warning, and no store', async () => {
    const file = path.join(await tempDir(), 'citebot.sqlite');
    await writeFile(file, 'this is not a database, just some text that happens to be here '.repeat(100));
    const { logger, lines } = capturedLogger();
    expect(await openStore(settings(file), logger)).toBeUndefined();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain(`The database ${file} cannot be used (file is not a database)`);
    expect(warnings[0]?.msg).toContain('The bot answers questions as usual');
  });

  it('that cannot be written gives one clear warning, and no store', async () => {
    // A folder that cannot be made, whoever runs the test (even root): its parent is a file.
    const blocker = path.join(await tempDir(), 'not-a-folder');
    await writeFile(blocker, '');
    const { logger, lines } = capturedLogger();
    expect(await openStore(settings(path.join(blocker, 'citebot.sqlite')), logger)).toBeUndefined();
    expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      expect.stringMatching(/cannot be used \(its folder .*not-a-folder cannot be made: EEXIST\)\. The bot answers questions as usual/),
    ]);
  });

  it('that another program holds locked gives one clear warning once the busy timeout is over, and no store', async () => {
    const file = path.join(await tempDir(), 'citebot.sqlite');
    const holder = new SQLite(file);
    holder.exec('BEGIN EXCLUSIVE; CREATE TABLE held (x INTEGER);');
    try {
      const { logger, lines } = capturedLogger();
      expect(await openStore(settings(file), logger)).toBeUndefined();
      expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
        expect.stringMatching(/cannot be used \(database is locked\)\. The bot answers questions as usual/),
      ]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 20_000);
});
