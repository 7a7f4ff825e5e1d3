import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PermissionFlagsBits, Routes, type APIMessage } from 'discord-api-types/v10';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimited } from './emulator/index.js';
import { buttons, EPHEMERAL, logLineOf, option, shown, startHarness, type Harness } from './harness.js';

let harness: Harness;
let databaseDir: string;
let store: Store;

beforeAll(async () => {
  databaseDir = await mkdtemp(path.join(tmpdir(), 'citebot-pin-'));
  store = await openSqliteStore(path.join(databaseDir, 'citebot.sqlite'));
  harness = await startHarness({ store });
});

afterAll(async () => {
  await harness?.close();
  await store?.close();
  await rm(databaseDir, { recursive: true, force: true });
});

/** A public answer, asked by an ordinary member. */
async function postAnswer(on: Harness = harness): Promise<APIMessage> {
  const exchange = await on.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
  await exchange.response();
  return exchange.replyMessage() as APIMessage;
}

async function pressPin(message: APIMessage, as: 'member' | 'moderator' | 'admin', on: Harness = harness) {
  const exchange = await on.emulator.button(message, 'pin', { as: on.emulator.users[as] });
  return { exchange, response: await exchange.response() };
}

describe('📌 Pin', () => {
  it('pins the answer for a moderator, names them in the audit log, and freezes the answer', async () => {
    const answer = await postAnswer();
    const { exchange, response } = await pressPin(answer, 'moderator');
    expect(response.type).toBe(6);
    await exchange.waitForCalls(2);

    expect(harness.emulator.pins()).toContain(answer.id);
    const pinRequest = harness.emulator.requests.find(
      ({ method, path }) => method === 'PUT' && path === `/channels/${answer.channel_id}/messages/pins/${answer.id}`,
    );
    expect(pinRequest?.auditLogReason).toBe(`Answer pinned by grace (${harness.emulator.users.moderator.user.id})`);

    const pinned = harness.emulator.message(answer.id);
    // Paging goes (a pin is frozen); Show source stays, and members may still say whether the answer helped.
    expect(buttons(pinned)).toEqual([
      { id: buttons(answer)[2]?.id, label: 'Show source', disabled: false },
      { id: 'pin', label: 'Pinned by grace', disabled: true },
      { id: buttons(answer)[4]?.id, label: 'Helpful', disabled: false },
      { id: buttons(answer)[5]?.id, label: 'Not helpful', disabled: false },
    ]);
    // The pinned message still carries the question, the passage and the citation.
    expect(pinned?.embeds[0]?.title).toBe('Who is Laura Watson?');
    expect(shown(pinned?.embeds[0])).toContain('📄 002_b621c17d5ab6b26c.txt · lines');
  });

  it('lets an administrator pin: Administrator implies Pin Messages', async () => {
    const answer = await postAnswer();
    const { exchange } = await pressPin(answer, 'admin');
    await exchange.waitForCalls(2);
    expect(harness.emulator.pins()).toContain(answer.id);
    expect(buttons(harness.emulator.message(answer.id)).find(({ id }) => id === 'pin')).toEqual({ id: 'pin', label: 'Pinned by hedy', disabled: true });
  });

  it('refuses a member without Pin Messages, privately, and pins nothing', async () => {
    const answer = await postAnswer();
    const { response } = await pressPin(answer, 'member');
    expect(response.type).toBe(4);
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toContain('Only members with the **Pin Messages** permission can pin answers');
    expect(harness.emulator.pins()).not.toContain(answer.id);
    expect(buttons(harness.emulator.message(answer.id)).find(({ id }) => id === 'pin')).toEqual({ id: 'pin', label: 'Pin', disabled: false });
  });

  it('says so when the answer is already pinned, and keeps a pinned answer from changing', async () => {
    const answer = await postAnswer();
    // Pinned by someone through Discord's own menu: the button did not change.
    await harness.bot.client.rest.put(Routes.channelMessagesPin(answer.channel_id, answer.id));
    const { response } = await pressPin(answer, 'moderator');
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toBe('This answer is already pinned.');

    const next = await (await harness.emulator.button(answer, 'ask:next:1')).response();
    expect(next.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(next.data.content).toContain('This answer is pinned, so it stays as it is.');
    expect(harness.emulator.message(answer.id)?.embeds[0]?.footer?.text).toMatch(/^Match 1 of/);
  });

  it('says so when the channel already has 250 pins', async () => {
    const answer = await postAnswer();
    harness.emulator.setPinLimitReached(harness.emulator.channelId, true);
    try {
      const { exchange } = await pressPin(answer, 'moderator');
      await exchange.waitForCalls(2);
      const notice = exchange.calls[1];
      expect(notice?.kind).toBe('followup');
      expect(notice?.body.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(notice?.body.content).toContain('This channel already has 250 pinned messages');
      expect(harness.emulator.pins()).not.toContain(answer.id);
      expect(buttons(harness.emulator.message(answer.id)).find(({ id }) => id === 'pin')).toEqual({ id: 'pin', label: 'Pin', disabled: false });
    } finally {
      harness.emulator.setPinLimitReached(harness.emulator.channelId, false);
    }
  });

  it('says what to grant when Discord refuses the pin for missing permissions', async () => {
    const answer = await postAnswer();
    harness.emulator.failNext(
      { method: 'PUT', path: /\/messages\/pins\// },
      { status: 403, body: { code: 50013, message: 'Missing Permissions' } },
    );
    const { exchange } = await pressPin(answer, 'moderator');
    await exchange.waitForCalls(2);
    expect(exchange.calls[1]?.body.content).toContain('I need **Pin Messages** and **Read Message History** here');
    expect(harness.emulator.pins()).not.toContain(answer.id);
  });
});

describe('📌 Pin failing unexpectedly', () => {
  it('follows the deferred update with one private "something went wrong"', async () => {
    const answer = await postAnswer();
    harness.emulator.failNext(
      { method: 'PUT', path: /\/messages\/pins\// },
      { status: 400, body: { code: 50035, message: 'Invalid Form Body' } },
    );
    const { exchange, response } = await pressPin(answer, 'moderator');
    expect(response.type).toBe(6);
    await exchange.waitForCalls(2);
    expect(exchange.calls.map(({ kind }) => kind)).toEqual(['callback', 'followup']);
    expect(exchange.calls[1]?.body).toMatchObject({
      content: 'Something went wrong on my side, sorry. It has been logged; please try again.',
      flags: EPHEMERAL,
    });
    expect(harness.logs.find((line) => line.msg === 'interaction failed' && line.id === exchange.interactionId)).toMatchObject({
      kind: 'button',
      name: 'pin',
    });
  });
});

describe('📌 Pin when Discord pushes back', () => {
  const PIN_ROUTE = { method: 'PUT', path: /\/messages\/pins\// };
  const EDIT_ROUTE = { method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/ };

  function pinRequests(answer: APIMessage): number[] {
    return harness.emulator.requests
      .filter(({ method, path }) => method === 'PUT' && path === `/channels/${answer.channel_id}/messages/pins/${answer.id}`)
      .map(({ status }) => status);
  }

  async function pinAndSettle(answer: APIMessage) {
    const { exchange } = await pressPin(answer, 'moderator');
    const line = await logLineOf(harness, exchange.interactionId);
    return { exchange, line };
  }

  it('waits out a 429 on the pin, then pins once and says who pinned it', async () => {
    const answer = await postAnswer();
    harness.emulator.failNext(PIN_ROUTE, rateLimited(0.2));
    const { exchange, line } = await pinAndSettle(answer);
    expect(line).toMatchObject({ failed: false });
    expect(pinRequests(answer)).toEqual([429, 204]);
    expect(harness.emulator.pins().filter((id) => id === answer.id)).toHaveLength(1);
    expect(exchange.calls.map(({ kind }) => kind)).toEqual(['callback', 'edit-original']);
    expect(buttons(harness.emulator.message(answer.id)).find(({ id }) => id === 'pin')).toEqual({ id: 'pin', label: 'Pinned by grace', disabled: true });
    expect(harness.logs).toContainEqual(
      expect.objectContaining({
        msg: 'Discord is rate limiting a request; it is sent again after the wait',
        route: '/channels/:id/messages/pins/:id',
        retryAfterSeconds: 0.2,
      }),
    );
  });

  it('waits out a 429 on the edit of the button, and edits it once', async () => {
    const answer = await postAnswer();
    harness.emulator.failNext(EDIT_ROUTE, rateLimited(0.2));
    const { exchange, line } = await pinAndSettle(answer);
    expect(line).toMatchObject({ failed: false });
    expect(pinRequests(answer)).toEqual([204]);
    expect(exchange.calls.map(({ kind }) => kind)).toEqual(['callback', 'edit-original']);
    expect(buttons(harness.emulator.message(answer.id)).find(({ id }) => id === 'pin')).toEqual({ id: 'pin', label: 'Pinned by grace', disabled: true });
    expect(harness.logs).toContainEqual(
      expect.objectContaining({ route: '/webhooks/:id/:token/messages/%40original', retryAfterSeconds: 0.2 }),
    );
  });

  it('sends the pin again after a 500, and pins once', async () => {
    const answer = await postAnswer();
    harness.emulator.failNext(PIN_ROUTE, { status: 500, body: { message: '500: Internal Server Error', code: 0 } });
    const { exchange, line } = await pinAndSettle(answer);
    expect(line).toMatchObject({ failed: false });
    expect(pinRequests(answer)).toEqual([500, 204]);
    expect(exchange.calls.map(({ kind }) => kind)).toEqual(['callback', 'edit-original']);
  });
});

describe('📌 Pin when the bot lacks permissions in the channel', () => {
  let restricted: Harness;

  beforeAll(async () => {
    restricted = await startHarness({
      botPermissions:
        PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks |
        PermissionFlagsBits.AttachFiles |
        PermissionFlagsBits.ReadMessageHistory,
    });
  });

  afterAll(async () => {
    await restricted?.close();
  });

  it('tells the moderator exactly which permission to grant, and pins nothing', async () => {
    const answer = await postAnswer(restricted);
    const { response } = await pressPin(answer, 'moderator', restricted);
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toBe(
      "I can't pin in this channel: I need **Pin Messages** here. " +
        "A server admin can grant it to my role in the channel's settings (Edit Channel → Permissions).",
    );
    expect(restricted.emulator.pins()).toEqual([]);
  });
});

describe('Answers filled in while Discord holds the bot to its global limit', () => {
  /** Discord's 429 for a bot past its 50 requests a second in all: every request with its token must wait. */
  const globalLimit = (retryAfterSeconds: number) => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: true },
  });

  it('are not held back with the requests that wait, since interactions are not bound to that limit', async () => {
    const own = await startHarness();
    try {
      const answer = await postAnswer(own);
      own.emulator.failNext({ method: 'PUT', path: /\/messages\/pins\// }, globalLimit(6));
      const { exchange: pin } = await pressPin(answer, 'moderator', own);
      const pinRequests = () => own.emulator.requests.filter(({ method, path }) => method === 'PUT' && path.includes('/pins/'));
      await expect.poll(() => pinRequests().length).toBe(1);

      // A moderator's /reindex is deferred, then filled in through the interaction's webhook while the pin waits.
      const reindex = await own.emulator.slashCommand('reindex', [], { as: own.emulator.users.admin });
      await reindex.waitForCalls(2, 3_000);
      expect(reindex.calls.map(({ kind }) => kind)).toEqual(['callback', 'edit-original']);
      expect(pinRequests().map(({ status }) => status)).toEqual([429]);

      // The pin itself is sent again once the wait is over.
      await pin.waitForCalls(2, 15_000);
      expect(pinRequests().map(({ status }) => status)).toEqual([429, 204]);
      expect(own.emulator.pins()).toContain(answer.id);
    } finally {
      await own.close();
    }
  });
});
