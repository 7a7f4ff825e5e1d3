/** Two `npm run serve` instances on one PostgreSQL (see cluster.ts), each with its own copy of `data/`. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { startServe, type ServeProcess } from './serve-process.js';
import type { DiscordEmulator } from '../discord/emulator/index.js';
import { option, shown } from '../discord/harness.js';
import { startCluster, type Cluster } from './cluster.js';
import type { RoundRobin } from './round-robin.js';

let cluster: Cluster;
let emulator: DiscordEmulator;
let balancer: RoundRobin;
let folders: readonly string[];
let instances: readonly ServeProcess[];
const copies: string[] = [];

async function dataCopy(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'citebot-instance-'));
  await cp('data', folder, { recursive: true });
  copies.push(folder);
  return folder;
}

/** The message ids of the pins the instances track, read from their database. */
async function trackedPins(): Promise<string[]> {
  const rows = await cluster.query<{ message_id: string }>('SELECT message_id FROM pins ORDER BY message_id');
  return rows.map((row) => row.message_id);
}

/** Waits until the instance has logged `message`; on timeout, fails with what it logged about pins and reloads. */
async function untilLogged(instance: ServeProcess, message: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!instance.stdout().includes(`"msg":"${message}"`)) {
    if (Date.now() - started > timeoutMs) {
      const related = instance.stdout().split('\n').filter((line) => /pin|reindex|reload|warn|error/i.test(line));
      throw new Error(`${instance.url} did not log "${message}" in time; it logged:\n${related.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function sourceCount(instance: ServeProcess): Promise<number> {
  const body = (await (await fetch(`${instance.url}api/sources`)).json()) as { sources: unknown[] };
  return body.sources.length;
}

beforeAll(async () => {
  cluster = await startCluster(dataCopy);
  ({ emulator, balancer, folders, instances } = cluster);
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  await Promise.all(copies.map((folder) => rm(folder, { recursive: true, force: true })));
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

describe('one state for several instances', () => {
  it('tracks a pin made through one instance once, and edits it once after its source changes', async () => {
    const ask = await emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    await ask.response();
    const answer = ask.replyMessage() as APIMessage;
    const press = await emulator.button(answer, 'pin', { as: emulator.users.moderator });
    await press.waitForCalls(2);
    expect(emulator.pins()).toContain(answer.id);
    // Tracked once, in the shared database, whichever instance took the pin.
    await expect.poll(() => trackedPins(), { timeout: 10_000 }).toEqual([answer.id]);

    // The quoted passage, corrected in both instances' copies of the folder, then /reindex through the balancer.
    const file = answer.embeds[0]?.description?.match(/([\w\\.-]+\.txt)/)?.[1]?.replaceAll('\\', '') ?? '';
    expect(file).not.toBe('');
    for (const folder of folders) {
      const text = await readFile(path.join(folder, file), 'utf8');
      await writeFile(path.join(folder, file), text.replace('Laura Watson', 'L. Watson'));
    }
    const edits = () =>
      emulator.requests.filter(({ method, path: route }) => method === 'PATCH' && route.endsWith(`/messages/${answer.id}`));
    await (await emulator.slashCommand('reindex', [], { as: emulator.users.admin })).waitForCalls(2, 30_000);
    await expect.poll(() => edits().length, { timeout: 15_000 }).toBe(1);
    expect(shown(emulator.message(answer.id)?.embeds[1])).toContain('The source has changed since this answer was pinned');
    // Both instances checked the pin: the second found it edited already.
    for (const instance of instances) await untilLogged(instance, 'pinned answers checked');
    expect(edits()).toHaveLength(1);
    expect(await trackedPins()).toEqual([answer.id]);
  });

  it('/gaps on either instance lists the questions asked on both', async () => {
    const questions = ['What is the capital of Peru?', 'How tall is Mount Everest?', 'Who won the 1966 World Cup?', 'What is the boiling point of iron?'];
    // Round robin: the questions alternate between the two instances.
    const before = [...balancer.received];
    for (const question of questions) await (await emulator.slashCommand('ask', [option('question', question)])).response();
    expect(balancer.received.map((count, index) => count - (before[index] ?? 0))).toEqual([2, 2]);
    // A question is recorded once its answer is sent: /gaps may come a moment before the last one is.
    const listed = async () => shown((await (await emulator.slashCommand('gaps', [], { as: emulator.users.admin })).response()).data.embeds[0]);
    const all = (text: string) => questions.every((question) => text.includes(question));
    await expect.poll(async () => all(await listed()), { timeout: 10_000 }).toBe(true);
    // Round robin again: the next /gaps goes to the other instance.
    expect(all(await listed())).toBe(true);
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
    const url = new URL(cluster.database.url);
    url.pathname = '/no_such_database';
    const error = await startServe({ DATA_DIR: folder, DATABASE_URL: url.toString() }).catch((failure: Error) => failure.message);
    expect(error).toMatch(/The database at .*\/no_such_database refused the connection \(database "no_such_database" does not exist\)\. Correct DATABASE_URL/);
  });

  it('stops with a message when DATABASE_URL is not a PostgreSQL address', async () => {
    const error = await startServe({ DATA_DIR: 'data', DATABASE_URL: 'mysql://localhost/citebot' }).catch((failure: Error) => failure.message);
    expect(error).toContain('DATABASE_URL must be a PostgreSQL address');
  });
});
