import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { startBot, type Bot } from '../../src/discord/bot.js';
import { Library } from '../../src/library.js';
import { createLogger } from '../../src/log.js';
import { buttons, EPHEMERAL, liveLibrary, option, shown, startHarness, testClientOptions, type Harness } from './harness.js';

const LIGHTHOUSE = 'Lighthouse keepers\n\nThe lighthouse at Whitby was kept by the Darling family for forty years.\n';
const LIGHTHOUSE_CHANGED = 'Lighthouse keepers\n\nThe lighthouse at Whitby was kept by the Grace family for ten years.\n';
const FERRY = 'Ferries\n\nThe ferry to Harwich leaves at dawn on Tuesdays and returns on Thursdays.\n';
/** The same text, four lines further down (under a new first line, which is the file's title). */
const FERRY_MOVED =
  'Timetables\n\nTimetables are posted at the harbour office every spring.\n\n' +
  'Ferries\n\nThe ferry to Harwich leaves at dawn on Tuesdays and returns on Thursdays.\n';
const CANAL = 'Canals\n\nThe canal boats of Birmingham carried coal until 1960.\n';
const CANAL_CHANGED = 'Canals\n\nThe canal boats of Birmingham carried timber until 1950.\n';

const made: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The quote of an answer's description, without its citation (the last paragraph). */
function quoteOf(message: APIMessage | undefined): string {
  const description = message?.embeds[0]?.description ?? '';
  return description.slice(0, description.lastIndexOf('\n\n'));
}

function citationOf(message: APIMessage | undefined): string {
  return shown(message?.embeds[0]).split('\n').at(-1) ?? '';
}

async function publicAnswer(harness: Harness, question: string): Promise<APIMessage> {
  const exchange = await harness.emulator.slashCommand('ask', [option('question', question)]);
  await exchange.response();
  return exchange.replyMessage() as APIMessage;
}

async function pinAsModerator(harness: Harness, store: Store, answer: APIMessage): Promise<void> {
  const exchange = await harness.emulator.button(answer, 'pin', { as: harness.emulator.users.moderator });
  await exchange.waitForCalls(2);
  await expect.poll(async () => (await store.trackedPins()).some((pin) => pin.messageId === answer.id)).toBe(true);
}

async function reindex(harness: Harness): Promise<void> {
  const exchange = await harness.emulator.slashCommand('reindex', [], { as: harness.emulator.users.admin });
  await exchange.waitForCalls(2);
}

describe('pinned answers when the sources change', () => {
  let dir: string;
  let store: Store;
  let harness: Harness;

  beforeAll(async () => {
    dir = await tempDir('citebot-pins-data-');
    await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE);
    await writeFile(path.join(dir, 'ferry.txt'), FERRY);
    await writeFile(path.join(dir, 'canal.txt'), CANAL);
    store = await openSqliteStore(path.join(await tempDir('citebot-pins-db-'), 'citebot.sqlite'));
    harness = await startHarness({ dataDir: dir, store, reloadDebounceMs: 50 });
  });

  afterAll(async () => {
    await harness?.close();
    await store?.close();
  });

  it('edits a pinned answer whose quoted lines changed: the quote stays as pinned, with a notice and the current answer a click away', async () => {
    const answer = await publicAnswer(harness, 'Who kept the lighthouse at Whitby?');
    expect(shown(answer.embeds[0])).toContain('kept by the Darling family');
    await pinAsModerator(harness, store, answer);
    const pinned = harness.emulator.message(answer.id);

    await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE_CHANGED);
    await expect.poll(() => harness.emulator.message(answer.id)?.embeds.length, { timeout: 10_000 }).toBe(2);

    const edited = harness.emulator.message(answer.id);
    expect(edited?.embeds[0]).toEqual(pinned?.embeds[0]);
    expect(shown(edited?.embeds[1])).toContain('The source has changed since this answer was pinned');
    expect(buttons(edited).map(({ label }) => label)).toEqual(['Current answer', 'Pinned by grace', 'Helpful', 'Not helpful']);
    expect(harness.emulator.requests).toContainEqual(
      expect.objectContaining({ method: 'PATCH', path: `/channels/${answer.channel_id}/messages/${answer.id}`, status: 200 }),
    );

    const current = await (await harness.emulator.button(edited as APIMessage, 'current')).response();
    expect(current.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(shown(current.data.embeds[0])).toContain('kept by the Grace family for ten years');
    // The pin is not edited again at the next reload: its notice stands.
    const edits = () => harness.emulator.requests.filter(({ method, path }) => method === 'PATCH' && path.startsWith('/channels/')).length;
    const editsBefore = edits();
    const checks = () => harness.logs.filter((line) => line.msg === 'pinned answers checked').length;
    const checksBefore = checks();
    await reindex(harness);
    await expect.poll(checks).toBeGreaterThan(checksBefore);
    expect(edits()).toBe(editsBefore);
  });

  it('changes only the citation of a pinned answer whose text moved to other lines', async () => {
    const answer = await publicAnswer(harness, 'When does the ferry to Harwich leave?');
    await pinAsModerator(harness, store, answer);
    const pinned = harness.emulator.message(answer.id);
    expect(citationOf(pinned)).toBe('📄 ferry.txt · lines 1–3 · Ferries');

    await writeFile(path.join(dir, 'ferry.txt'), FERRY_MOVED);
    await expect.poll(() => citationOf(harness.emulator.message(answer.id)), { timeout: 10_000 }).toBe('📄 ferry.txt · lines 5–7 · Timetables');

    const edited = harness.emulator.message(answer.id);
    expect(quoteOf(edited)).toBe(quoteOf(pinned));
    expect(edited?.embeds).toHaveLength(1);
    expect(edited?.embeds[0]?.title).toBe(pinned?.embeds[0]?.title);
    const showSource = buttons(edited).find(({ label }) => label === 'Show source');
    expect(showSource?.id).not.toBe(buttons(pinned).find(({ label }) => label === 'Show source')?.id);
    const source = await (await harness.emulator.button(edited as APIMessage, showSource?.id ?? '')).response();
    expect(shown(source.data.embeds[0])).toContain('The ferry to Harwich leaves at dawn');
    // Votes on the pin now count for the passage where the text stands.
    const newPassage = showSource?.id.replace('src:', '');
    expect(buttons(edited).slice(-2).map(({ id }) => id)).toEqual([`vote:up:${newPassage}`, `vote:down:${newPassage}`]);
  });

  it('stops tracking an answer unpinned through Discord, and leaves it as it is when its source changes', async () => {
    const answer = await publicAnswer(harness, 'What did the canal boats of Birmingham carry?');
    await pinAsModerator(harness, store, answer);
    harness.emulator.setPinnedByMember(answer.id, false);
    await expect.poll(async () => (await store.trackedPins()).some((pin) => pin.messageId === answer.id)).toBe(false);

    await writeFile(path.join(dir, 'canal.txt'), CANAL_CHANGED);
    await expect.poll(async () => (await publicAnswer(harness, 'What did the canal boats of Birmingham carry?')).embeds[0]?.description, { timeout: 10_000 }).toContain('timber');
    expect(harness.emulator.message(answer.id)?.embeds).toHaveLength(1);
    expect(harness.emulator.requests.some(({ method, path }) => method === 'PATCH' && path.endsWith(`/messages/${answer.id}`))).toBe(false);
  });
});

describe('pinned answers when the sources changed while the bot was down', () => {
  it('are checked at start', async () => {
    const dir = await tempDir('citebot-pins-restart-');
    await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE);
    const store = await openSqliteStore(path.join(dir, 'db', 'citebot.sqlite'));
    const harness = await startHarness({ dataDir: dir, store });
    let restarted: Bot | undefined;
    try {
      const answer = await publicAnswer(harness, 'Who kept the lighthouse at Whitby?');
      await pinAsModerator(harness, store, answer);
      await harness.bot.stop();
      await writeFile(path.join(dir, 'lighthouse.txt'), LIGHTHOUSE_CHANGED);
      const { emulator } = harness;
      restarted = await startBot(
        { token: emulator.token, apiUrl: emulator.apiUrl, sourceBaseUrl: undefined },
        liveLibrary(await Library.open({ dataDir: dir })),
        createLogger('silent'),
        { clientOptions: testClientOptions, store },
      );
      await expect.poll(() => emulator.message(answer.id)?.embeds.length, { timeout: 10_000 }).toBe(2);
      expect(shown(emulator.message(answer.id)?.embeds[1])).toContain('The source has changed since this answer was pinned');
    } finally {
      await restarted?.stop();
      await harness.close();
      await store.close();
    }
  });
});

describe('/gaps', () => {
  it('lists the questions the sources did not answer, grouped, still after a restart', async () => {
    const databasePath = path.join(await tempDir('citebot-gaps-db-'), 'citebot.sqlite');
    const before = await openSqliteStore(databasePath);
    const first = await startHarness({ store: before });
    try {
      for (const question of ['What is the capital of Peru?', 'capital of peru', 'How tall is Mount Everest?']) {
        const response = await (await first.emulator.slashCommand('ask', [option('question', question)])).response();
        expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
      }
      await (await first.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')])).response();
    } finally {
      await first.close();
      await before.close();
    }

    const after = await openSqliteStore(databasePath);
    const second = await startHarness({ store: after });
    try {
      await expect.poll(async () => (await after.questionsSince(new Date(0))).length).toBe(3);
      const response = await (await second.emulator.slashCommand('gaps', [], { as: second.emulator.users.admin })).response();
      expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
      const embed = response.data.embeds[0];
      expect(embed.title).toBe('Questions the sources did not answer · last 30 days');
      const lines = shown(embed).split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^2× capital of peru · last asked <t:\d+:R>$/);
      expect(lines[1]).toMatch(/^1× How tall is Mount Everest\? · last asked/);
      expect(shown(embed)).not.toContain('Laura Watson');
    } finally {
      await second.close();
      await after.close();
    }
  });

  it('pages the questions, and lists the passages voted not helpful', async () => {
    const store = await openSqliteStore(path.join(await tempDir('citebot-gaps-db-'), 'citebot.sqlite'));
    const harness = await startHarness({ store });
    try {
      for (let n = 0; n < 12; n++) {
        await store.recordQuestion({ question: `unanswered question number ${'x'.repeat(n + 1)}`, verdict: 'none', askedAt: new Date(), guildId: undefined, channelId: undefined });
      }
      const answer = await publicAnswer(harness, 'Who is Laura Watson?');
      for (const as of [harness.emulator.users.member, harness.emulator.users.moderator]) {
        const vote = await (await harness.emulator.button(answer, buttons(answer).find(({ label }) => label === 'Not helpful')?.id ?? '', { as })).response();
        expect(vote.data.content).toBe('Thanks: your vote (not helpful) is counted.');
      }
      const exchange = await harness.emulator.slashCommand('gaps', [option('days', 7)], { as: harness.emulator.users.admin });
      const first = await exchange.response();
      expect(first.data.embeds[0].title).toBe('Questions the sources did not answer · last 7 days');
      expect(shown(first.data.embeds[0]).split('\n')).toHaveLength(10);
      expect(first.data.embeds[0].footer.text).toBe('Page 1 of 2 · 12 questions asked · near-duplicates grouped');
      const field = first.data.embeds[0].fields[0];
      expect(field.name).toBe('Passages most often voted not helpful');
      expect(field.value).toMatch(/^\*\*2×\*\* 📄 002\\_b621c17d5ab6b26c\.txt · lines? [\d–]+ · .* · last <t:\d+:R>$/);

      const reply = exchange.replyMessage() as APIMessage;
      const next = await (await harness.emulator.button(reply, 'gaps:next:7:1', { as: harness.emulator.users.admin })).response();
      expect(next.type).toBe(7);
      expect(shown(next.data.embeds[0]).split('\n')).toHaveLength(2);
      expect(next.data.embeds[0].footer.text).toMatch(/^Page 2 of 2/);
    } finally {
      await harness.close();
      await store.close();
    }
  });
});

describe('Helpful / Not helpful', () => {
  let store: Store;
  let harness: Harness;

  beforeAll(async () => {
    store = await openSqliteStore(path.join(await tempDir('citebot-votes-db-'), 'citebot.sqlite'));
    harness = await startHarness({ store });
  });

  afterAll(async () => {
    await harness?.close();
    await store?.close();
  });

  it('sit on a second row under every public answer, not under a hidden one', async () => {
    const answer = await publicAnswer(harness, 'Who is Laura Watson?');
    expect(answer.components?.map((row) => ('components' in row ? row.components.length : 0))).toEqual([4, 2]);
    expect(buttons(answer).slice(4).map(({ label }) => label)).toEqual(['Helpful', 'Not helpful']);
    const hidden = await (await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?'), option('hide', true)])).response();
    expect(buttons(hidden.data).map(({ label }) => label)).not.toContain('Helpful');
  });

  it('count one vote per member per answer, which the member may change, and keep no member id', async () => {
    const answer = await publicAnswer(harness, 'Who is Laura Watson?');
    const [helpful, notHelpful] = buttons(answer).slice(4).map(({ id }) => id) as [string, string];
    const press = async (id: string) => (await (await harness.emulator.button(answer, id)).response()).data;
    const first = await press(helpful);
    expect(first.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(first.content).toBe('Thanks: your vote (helpful) is counted.');
    expect((await press(helpful)).content).toBe(
      'You have already voted helpful on this answer: each member votes once per answer. Press the other button to change your vote.',
    );
    expect((await press(notHelpful)).content).toBe('Your vote is changed to not helpful.');
    const listed = await store.notHelpfulPassages(new Date(0), 10);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.notHelpful).toBe(1);
    expect(JSON.stringify(listed)).not.toContain(harness.emulator.users.member.user.id);
  });
});

describe('without a database', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('still pins and answers, and says politely what is unavailable', async () => {
    const answer = await publicAnswer(harness, 'Who is Laura Watson?');
    const pin = await harness.emulator.button(answer, 'pin', { as: harness.emulator.users.moderator });
    await pin.waitForCalls(3);
    expect(harness.emulator.pins()).toContain(answer.id);
    expect(pin.calls[2]?.body.content).toBe(
      "Pinned. I can't keep this pin up to date when the sources change, though: my database is unavailable right now.",
    );
    const gaps = await (await harness.emulator.slashCommand('gaps', [], { as: harness.emulator.users.admin })).response();
    expect(gaps.data.content).toBe("Sorry, that isn't available right now: my database can't be used. The bot's log says why; answers still work.");
    const vote = await (await harness.emulator.button(answer, buttons(answer).find(({ label }) => label === 'Helpful')?.id ?? '')).response();
    expect(vote.data.content).toBe(gaps.data.content);
  });
});
