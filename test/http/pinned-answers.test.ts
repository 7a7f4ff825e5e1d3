import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/library.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { buttons, EPHEMERAL, option, shown } from '../discord/harness.js';
import { startHttpHarness, type HttpHarness } from './harness.js';

const LIGHTHOUSE = 'Lighthouse keepers\n\nThe lighthouse at Whitby was kept by the Darling family for forty years.\n';
const FERRY = 'Ferries\n\nThe ferry to Harwich leaves at dawn on Tuesdays and returns on Thursdays.\n';

let dir: string;
let store: Store;
let harness: HttpHarness;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'citebot-http-pins-'));
  await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE);
  await writeFile(path.join(dir, 'ferry.txt'), FERRY);
  store = await openSqliteStore(path.join(dir, 'db', 'citebot.sqlite'));
  harness = await startHttpHarness({ library: await Library.open({ dataDir: dir }), store, settings: { storage: { databasePath: '', recordQuestions: true, recordDays: 30 } } });
});

afterAll(async () => {
  await harness?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function pinnedAnswer(question: string): Promise<APIMessage> {
  const ask = await harness.emulator.slashCommand('ask', [option('question', question)]);
  await ask.response();
  const answer = ask.replyMessage() as APIMessage;
  const press = await harness.emulator.button(answer, 'pin', { as: harness.emulator.users.moderator });
  await press.waitForCalls(2);
  await expect.poll(async () => (await store.trackedPins()).some((pin) => pin.messageId === answer.id)).toBe(true);
  return answer;
}

describe('pinned answers over the HTTP interactions endpoint', () => {
  it('are edited with the bot token after a reload, and those unpinned in Discord are let go at the reload', async () => {
    const kept = await pinnedAnswer('Who kept the lighthouse at Whitby?');
    const unpinned = await pinnedAnswer('When does the ferry to Harwich leave?');
    // No gateway: the server hears nothing of this until it looks at the channel's pins.
    harness.emulator.setPinnedByMember(unpinned.id, false);
    expect((await store.trackedPins()).map((pin) => pin.messageId)).toContain(unpinned.id);

    await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE.replace('Darling', 'Grace'));
    await writeFile(path.join(dir, 'ferry.txt'), FERRY.replace('dawn', 'noon'));
    expect((await harness.live.reload('test')).ok).toBe(true);

    await expect.poll(() => harness.emulator.message(kept.id)?.embeds.length, { timeout: 10_000 }).toBe(2);
    expect(shown(harness.emulator.message(kept.id)?.embeds[1])).toContain('The source has changed since this answer was pinned');
    const edit = harness.emulator.requests.find(({ method, path: route }) => method === 'PATCH' && route === `/channels/${kept.channel_id}/messages/${kept.id}`);
    expect(edit?.headers.authorization).toBe(`Bot ${harness.emulator.token}`);
    expect(buttons(harness.emulator.message(kept.id)).map(({ label }) => label)).toContain('Current answer');

    expect((await store.trackedPins()).map((pin) => pin.messageId)).toEqual([kept.id]);
    expect(harness.emulator.message(unpinned.id)?.embeds).toHaveLength(1);
  });

  it('records the questions the sources did not answer, which /gaps lists', async () => {
    const asked = await (await harness.emulator.slashCommand('ask', [option('question', 'What is the capital of Peru?')])).response();
    expect(asked.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    const gaps = await (await harness.emulator.slashCommand('gaps', [], { as: harness.emulator.users.admin })).response();
    expect(shown(gaps.data.embeds[0])).toMatch(/^1× What is the capital of Peru\? · last asked <t:\d+:R>$/);
  });
});
