/**
 * An instance killed in the middle of the pin checks that follow a reload: nothing is lost, the survivor edits every
 * changed pin, and no pin shows the notice twice.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { option, shown } from '../discord/harness.js';
import { startCluster, type Cluster } from './cluster.js';
import type { ServeProcess } from './serve-process.js';

const ROCKS = ['Alder', 'Basalt', 'Cormorant', 'Dunlin', 'Eider', 'Fulmar', 'Gannet', 'Heron'];
const sourceText = (rock: string, keeper: string) =>
  `${rock} Rock\n\nThe lighthouse on ${rock} Rock was kept by the ${keeper} family for forty years.\n`;
/** Short, so that the test waits little for the dead instance's claims to lapse. */
const PIN_CLAIM_SECONDS = 5;

let cluster: Cluster;

async function rockFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'citebot-kill-'));
  for (const rock of ROCKS) await writeFile(path.join(folder, `${rock.toLowerCase()}.txt`), sourceText(rock, 'Darling'));
  return folder;
}

/** The process ids of the instances holding claims on pins not yet edited (a claim names host/pid/nonce). */
async function claimantsOfPinsToEdit(): Promise<number[]> {
  const rows = await cluster.query<{ claimed_by: string }>(
    "SELECT DISTINCT claimed_by FROM pins WHERE status = 'current' AND claimed_by IS NOT NULL",
  );
  return rows.map((row) => Number(row.claimed_by.split('/')[1]));
}

async function pinStatuses(): Promise<string[]> {
  return (await cluster.query<{ status: string }>('SELECT status FROM pins')).map((row) => row.status);
}

beforeAll(async () => {
  cluster = await startCluster(rockFolder, { PIN_CLAIM_SECONDS: String(PIN_CLAIM_SECONDS) });
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

describe('an instance killed in the middle of the pin checks', () => {
  it('loses nothing: the survivor edits every changed pin, each once', async () => {
    const { emulator, folders, instances } = cluster;
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
