import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_RESPONSE_MS } from '../../src/discord/limits.js';
import { Library } from '../../src/library.js';
import { buttons, EPHEMERAL, option, shown } from '../discord/harness.js';
import { startHttpHarness, type HttpHarness } from './harness.js';

/**
 * Discord's interactions endpoint, end to end: the emulator signs and POSTs each interaction as Discord does for an
 * application with an Interactions Endpoint URL, reads the response body as the first callback, and serves the
 * webhook and pin routes that follow over REST.
 */

let harness: HttpHarness;
let library: Library;

beforeAll(async () => {
  library = await Library.open({ dataDir: 'data' });
  harness = await startHttpHarness({ library });
});

afterAll(async () => {
  await harness?.close();
});

const PING = JSON.stringify({ id: '1', application_id: '2', type: 1, token: 'x', version: 1 });

function post(body: string, headers: Record<string, string>) {
  return fetch(`${harness.origin}/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('the signature of a request to /interactions', () => {
  it('answers a PING signed with the application key with a PONG', async () => {
    const response = await post(PING, harness.emulator.signatureHeaders(PING));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ type: 1 });
  });

  it('refuses with 401 a request without a signature', async () => {
    const response = await post(PING, {});
    expect(response.status).toBe(401);
    const timestampOnly = await post(PING, { 'x-signature-timestamp': String(Math.floor(Date.now() / 1000)) });
    expect(timestampOnly.status).toBe(401);
  });

  it('refuses with 401 a bad signature: not hex, or by another key', async () => {
    const { 'x-signature-timestamp': timestamp } = harness.emulator.signatureHeaders(PING);
    expect((await post(PING, { 'x-signature-ed25519': 'not hex', 'x-signature-timestamp': timestamp as string })).status).toBe(401);
    expect((await post(PING, { 'x-signature-ed25519': 'ab'.repeat(64), 'x-signature-timestamp': timestamp as string })).status).toBe(401);
  });

  it('refuses with 401 a signed body altered afterwards, or its timestamp changed', async () => {
    const headers = harness.emulator.signatureHeaders(PING);
    const altered = PING.replace('"type":1', '"type":1 ');
    expect((await post(altered, headers)).status).toBe(401);
    const later = { ...headers, 'x-signature-timestamp': String(Number(headers['x-signature-timestamp']) + 1) };
    expect((await post(PING, later)).status).toBe(401);
    // The same request, unaltered, is accepted: the refusals above are for the change alone.
    expect((await post(PING, headers)).status).toBe(200);
  });

  it('answers a signed body that is not an interaction with 400, and no stack trace', async () => {
    for (const body of ['{"type":', '[]', JSON.stringify({ type: 2, id: '1', token: 't' })]) {
      const response = await post(body, harness.emulator.signatureHeaders(body));
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
      expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it('refuses a body over the size limit with 413, before reading it all', async () => {
    const body = JSON.stringify({ type: 1, padding: 'x'.repeat(300 * 1024) });
    const response = await post(body, harness.emulator.signatureHeaders(body));
    expect(response.status).toBe(413);
  });
});

describe('interactions over HTTP, through the same handlers as the gateway', () => {
  it('/ask: the answer is the HTTP response, a public message with its citation and buttons', async () => {
    const exchange = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    const { type, data } = await exchange.response();
    expect(exchange.httpStatus).toBe(200);
    expect(type).toBe(4);
    expect(data.embeds[0].title).toBe('Who is Laura Watson?');
    expect(shown(data.embeds[0])).toContain('ECOP spokesperson Laura Watson said');
    expect(shown(data.embeds[0])).toContain('📄 002_b621c17d5ab6b26c.txt · lines');
    expect(data.allowed_mentions).toEqual({ parse: [] });
    const message = exchange.replyMessage();
    expect(harness.emulator.messages().map(({ id }) => id)).toContain(message?.id);
    expect(buttons(message).map(({ label }) => label)).toEqual(['Previous', 'Next match', 'Show source', 'Pin', 'Helpful', 'Not helpful']);
  });

  it('says privately when the sources do not answer', async () => {
    const exchange = await harness.emulator.slashCommand('ask', [option('question', 'What is the weather in Leeds?')]);
    const { type, data } = await exchange.response();
    expect(type).toBe(4);
    expect(data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(shown(data.embeds[0])).toContain("I couldn't find that in the sources.");
  });

  it('on the subject but no answer as asked: the closest passage privately, labelled, and "Post anyway" posts it', async () => {
    const exchange = await harness.emulator.slashCommand('ask', [option('question', 'How many walk-ups are there in Soho?')]);
    const { type, data } = await exchange.response();
    expect(type).toBe(4);
    expect(data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(data.content).toBe("The sources don't answer that directly. The closest passage:");
    expect(shown(data.embeds[0])).toMatch(/📄 000_5be5de7e3b6445fb\.txt · lines? \d+/);
    const labels = buttons(exchange.replyMessage()).map(({ label }) => label);
    expect(labels).toEqual(['Show source', 'Post anyway']);

    const postAnyway = buttons(exchange.replyMessage()).find(({ label }) => label === 'Post anyway');
    const post = await harness.emulator.button(exchange.replyMessage() as APIMessage, postAnyway?.id ?? '');
    const posted = await post.response();
    expect(posted.type).toBe(4);
    expect(posted.data.flags ?? 0).toBe(0);
    expect(posted.data.content).toBe("The sources don't answer that directly. The closest passage:");
    expect(shown(posted.data.embeds[0])).toBe(shown(data.embeds[0]));
    expect(buttons(post.replyMessage()).map(({ label }) => label)).not.toContain('Pin');
  });

  it('autocomplete: the choices are the HTTP response', async () => {
    const exchange = await harness.emulator.autocomplete('ask', [option('question', 'Laura Wat', true)]);
    const { type, data } = await exchange.response();
    expect(type).toBe(8);
    expect(data.choices.length).toBeGreaterThan(0);
    expect(data.choices.length).toBeLessThanOrEqual(25);
    for (const choice of data.choices) expect(choice.value).toMatch(/^passage:[0-9a-f]{16}:Laura Wat$/);
  });

  it('a button: "Next match" updates the answer in place', async () => {
    const ask = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    await ask.response();
    const answer = ask.replyMessage() as APIMessage;
    const next = buttons(answer).find(({ label }) => label === 'Next match');
    const press = await harness.emulator.button(answer, next?.id ?? '');
    const { type } = await press.response();
    expect(type).toBe(7);
    const updated = harness.emulator.message(answer.id);
    expect(updated?.embeds[0]?.footer?.text).toBe('Match 2 of 4');
    expect(updated?.embeds[0]?.title).toBe('Who is Laura Watson?');
  });

  it('a reply with a file: deferred in the response, then filled in with the file through the webhook', async () => {
    const ask = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    await ask.response();
    const answer = ask.replyMessage() as APIMessage;
    const source = buttons(answer).find(({ label }) => label === 'Show source');
    const press = await harness.emulator.button(answer, source?.id ?? '');
    const { type, data } = await press.response();
    expect(type).toBe(5);
    expect(data.flags & EPHEMERAL).toBe(EPHEMERAL);
    await press.waitForCalls(2);
    expect(press.calls[1]?.kind).toBe('edit-original');
    const shownSource = press.replyMessage();
    expect(shownSource?.attachments.map(({ filename }) => filename)).toEqual(['002_b621c17d5ab6b26c.txt']);
    expect(shown(shownSource?.embeds[0])).toContain('Laura Watson');
  });

  it('a pin: acknowledged in the response, pinned through REST with the bot token, then the buttons edited', async () => {
    const ask = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    await ask.response();
    const answer = ask.replyMessage() as APIMessage;
    const press = await harness.emulator.button(answer, 'pin', { as: harness.emulator.users.moderator });
    expect((await press.response()).type).toBe(6);
    await press.waitForCalls(2);
    expect(harness.emulator.pins()).toContain(answer.id);
    const pin = harness.emulator.requests.find(({ method, path }) => method === 'PUT' && path.endsWith(`/pins/${answer.id}`));
    expect(pin?.headers.authorization).toBe(`Bot ${harness.emulator.token}`);
    expect(pin?.auditLogReason).toBe(`Answer pinned by grace (${harness.emulator.users.moderator.user.id})`);
    expect(buttons(harness.emulator.message(answer.id)).find(({ id }) => id === 'pin')).toEqual({ id: 'pin', label: 'Pinned by grace', disabled: true });
  });

  it('"Find in sources" and /sources answer as on the gateway', async () => {
    const claim = harness.emulator.postUserMessage('Laura Watson said criminalising clients does not stop prostitution');
    const find = await harness.emulator.messageCommand('Find in sources', claim);
    const found = await find.response();
    expect(found.type).toBe(4);
    expect(found.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(buttons({ components: found.data.components }).map(({ label }) => label)[0]).toBe('Post match 1');
    const sources = await harness.emulator.slashCommand('sources');
    expect((await sources.response()).data.embeds[0].title).toBe('Sources (5)');
  });
});

describe('deferred work over HTTP, completed through REST', () => {
  it('/ask, when its question would wait too long: "thinking" in the response, the answer through the webhook', async () => {
    const waitMs = library.questionWaitMs.bind(library);
    // As when many questions wait to be read for meaning before this one.
    library.questionWaitMs = () => INITIAL_RESPONSE_MS;
    try {
      const exchange = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
      const { type } = await exchange.response();
      expect(type).toBe(5);
      await exchange.waitForCalls(2);
      expect(exchange.calls.map(({ kind }) => kind)).toEqual(['callback', 'edit-original']);
      const webhook = harness.emulator.requests.find(({ method, path }) => method === 'PATCH' && path.includes(exchange.token));
      expect(webhook?.path).toBe(`/webhooks/${harness.emulator.applicationId}/${exchange.token}/messages/@original`);
      // The interaction token is the credential: the bot token is not sent with it.
      expect(webhook?.headers.authorization).toBeUndefined();
      const message = exchange.replyMessage();
      expect(message?.embeds[0]?.title).toBe('Who is Laura Watson?');
      expect(shown(message?.embeds[0])).toContain('ECOP spokesperson Laura Watson said');
      expect(buttons(message).map(({ label }) => label)).toContain('Pin');

      const notFound = await harness.emulator.slashCommand('ask', [option('question', 'What is the weather in Leeds?')]);
      expect((await notFound.response()).type).toBe(5);
      await notFound.waitForCalls(3);
      // The public "thinking" message gives way to a private one.
      expect(notFound.calls.map(({ kind }) => kind)).toEqual(['callback', 'delete', 'followup']);
      expect(notFound.calls[2]?.body.flags & EPHEMERAL).toBe(EPHEMERAL);
    } finally {
      library.questionWaitMs = waitMs;
    }
  });

  it('/reindex: deferred privately, then the report through the webhook', async () => {
    const exchange = await harness.emulator.slashCommand('reindex', [], { as: harness.emulator.users.admin });
    const { type, data } = await exchange.response();
    expect(type).toBe(5);
    expect(data.flags & EPHEMERAL).toBe(EPHEMERAL);
    await exchange.waitForCalls(2);
    expect(exchange.calls[1]?.body.content).toMatch(/^Reindexed in .*: \*\*5\*\* sources and \*\*31\*\* passages\./);
  });

  it('logs one line per interaction, as the gateway bot does, and counts it in /metrics', async () => {
    const exchange = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    await exchange.response();
    await expect
      .poll(() => harness.logs.find((line) => line.msg === 'interaction' && line.id === exchange.interactionId))
      .toMatchObject({ kind: 'command', name: 'ask', answered: true, responded: true, failed: false });
    const metrics = await (await fetch(`${harness.origin}/metrics`)).text();
    expect(metrics).toMatch(/^citebot_interactions_total\{type="command",outcome="answered"\} [1-9]/m);
    expect(metrics).toMatch(/^citebot_interactions_total\{type="autocomplete",outcome="done"\} [1-9]/m);
    expect(metrics).toMatch(/^citebot_answers_total\{verdict="answer",through="interaction"\} [1-9]/m);
    expect(metrics).toMatch(/^citebot_answers_total\{verdict="none",through="interaction"\} [1-9]/m);
    expect(metrics).toMatch(/^citebot_answers_total\{verdict="related",through="interaction"\} [1-9]/m);
    expect(metrics).toMatch(/^citebot_answer_duration_seconds_count\{through="interaction"\} [1-9]/m);
  });
});
