/**
 * An instance killed in the middle of the pin checks that follow a reload: nothing is lost, the survivor edits every
 * changed pin, and no pin shows the notice twice.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type DiscordEmulator } from '../discord/emulator/index.js';
import { option, shown } from '../discord/harness.js';
import { createTestDatabase, type TestDatabase } from '../store/postgres.js';
import { startRoundRobin, type RoundRobin } from './round-robin.js';
import { startServe, type ServeProcess } from './serve-process.js';

const ROCKS = ['Alder', 'Basalt', 'Cormorant', 'Dunlin', 'Eider', 'Fulmar', 'Gannet', 'Heron'];
const sourceText = (rock: string, keeper: string) =>
  `${rock} Rock\n\nThe lighthouse on ${rock} Rock was kept by the ${keeper} family for forty years.\n`;
/** Short, so that the test waits little for the dead instance's claims to lapse. */
const PIN_CLAIM_SECONDS = 5;

let emulator: DiscordEmulator;
let database: TestDatabase;
let balancer: RoundRobin;
const folders: string[] = [];
const instances: ServeProcess[] = [];

async function query<Row extends pg.QueryResultRow>(sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The process ids of the instances holding claims on pins not yet edited (a claim names host/pid/nonce). */
async function claimantsOfPinsToEdit(): Promise<number[]> {
  const rows = await query<{ claimed_by: string }>(
    "SELECT DISTINCT claimed_by FROM pins WHERE status = 'current' AND claimed_by IS NOT NULL",
  );
  return rows.map((row) => Number(row.claimed_by.split('/')[1]));
}

async function pinStatuses(): Promise<string[]> {
  return (await query<{ status: string }>('SELECT status FROM pins')).map((row) => row.status);
}

beforeAll(async () => {
  [emulator, database] = await Promise.all([startEmulator(), createTestDatabase()]);
  for (let copy = 0; copy < 2; copy++) {
    const folder = await mkdtemp(path.join(tmpdir(), 'citebot-kill-'));
    for (const rock of ROCKS) await writeFile(path.join(folder, `${rock.toLowerCase()}.txt`), sourceText(rock, 'Darling'));
    folders.push(folder);
  }
  const environment = (dataDir: string) => ({
    ...emulator.botEnvironment(dataDir),
    DISCORD_PUBLIC_KEY: emulator.publicKey,
    DATABASE_URL: database.url,
    SEARCH_MODE: 'lexical',
    ANSWER_LIMIT: '0',
    RELOAD_DEBOUNCE_MS: '60000',
    PIN_CLAIM_SECONDS: String(PIN_CLAIM_SECONDS),
  });
  instances.push(...(await Promise.all(folders.map((folder) => startServe(environment(folder))))));
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

describe('an instance killed in the middle of the pin checks', () => {
  it('loses nothing: the survivor edits every changed pin, each once', async () => {
    const pinned: APIMessage[] = [];
    for (const rock of ROCKS) {
      const ask = await emulator.slashCommand('ask', [option('question', `Who kept the lighthouse on ${rock} Rock?`)]);
      await ask.response();
      const answer = ask.replyMessage() as APIMessage;
      await (await emulator.button(answer, 'pin', { as: emulator.users.moderator })).waitForCalls(2);
      pinned.push(answer);
    }
    await expect.poll(async () => (await pinStatuses()).length, { timeout: 10_000 }).toBe(ROCKS.length);

    // Discord-like limits on edits in one channel: the checks take seconds, and the kill lands in the middle.
    emulator.setRateLimits({ perRoute: { limit: 2, windowMs: 2_000 }, globalPerSecond: 50 });
    for (const folder of folders) {
      for (const rock of ROCKS) await writeFile(path.join(folder, `${rock.toLowerCase()}.txt`), sourceText(rock, 'Grace'));
    }
    await emulator.slashCommand('reindex', [], { as: emulator.users.admin });
    // Both reload and check; then one instance dies with its claims held.
    await expect
      .poll(() => instances.every((instance) => instance.stdout().includes('"msg":"sources reindexed"')), { timeout: 15_000 })
      .toBe(true);
    // The instance holding claims on pins still to edit dies: the survivor must wait for them to lapse.
    let claimant: number | undefined;
    await expect
      .poll(async () => (claimant = (await claimantsOfPinsToEdit())[0]), { timeout: 15_000, interval: 10 })
      .toBeDefined();
    const killed = instances.find((instance) => instance.child.pid === claimant) as ServeProcess;
    const survivor = instances.find((instance) => instance !== killed) as ServeProcess;
    killed.child.kill('SIGKILL');
    await killed.exited;
    const killedAt = Date.now();

    const noticed = (message: APIMessage) =>
      (emulator.message(message.id)?.embeds ?? []).filter((embed) => shown(embed).includes('The source has changed since this answer was pinned'))
        .length;
    await expect.poll(() => pinned.map(noticed), { timeout: 60_000, interval: 250 }).toEqual(pinned.map(() => 1));
    expect(await pinStatuses()).toEqual(ROCKS.map(() => 'changed'));
    // What the dead instance held was taken over once its claims lapsed, not before.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual((PIN_CLAIM_SECONDS - 1) * 1000);
    expect(survivor.child.exitCode).toBeNull();
  }, 120_000);
});
