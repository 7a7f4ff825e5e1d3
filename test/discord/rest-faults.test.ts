import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange } from './emulator/index.js';
import { EPHEMERAL, logLineOf, option, shown, startHarness, type Harness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterEach(() => {
  harness.emulator.delayAll(0);
});

afterAll(async () => {
  await harness?.close();
});

const CALLBACK = { method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/ };
const SERVER_ERROR = { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
const SOMETHING_WENT_WRONG = 'Something went wrong on my side, sorry. It has been logged; please try again.';

function askLauraWatson(opts: { expired?: boolean } = {}): Promise<Exchange> {
  return harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')], opts);
}

/** Requests the bot made for one interaction's callback, with Discord's answers, faults included. */
function callbackStatuses(exchange: Exchange): number[] {
  return harness.emulator.requests
    .filter(({ path }) => path === `/interactions/${exchange.interactionId}/${exchange.token}/callback`)
    .map(({ status }) => status);
}

/** After a fault the bot is still connected and answers the next member as usual. */
async function stillAnswers(): Promise<void> {
  const response = await (await askLauraWatson()).response();
  expect(shown(response.data.embeds[0])).toContain('Laura Watson');
}

describe('Discord answering a request with 500', () => {
  it('once: the request is sent again and the member gets one answer', async () => {
    harness.emulator.failNext(CALLBACK, SERVER_ERROR);
    const exchange = await askLauraWatson();
    expect(shown((await exchange.response()).data.embeds[0])).toContain('Laura Watson');
    expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({ failed: false, answered: true });
    expect(exchange.calls).toHaveLength(1);
    expect(callbackStatuses(exchange)).toEqual([500, 204]);
    expect(harness.logs).toContainEqual(
      expect.objectContaining({ msg: 'Discord answered a request with a server error', route: '/interactions/:id/:token/callback' }),
    );
    await stillAnswers();
  });

  it('every time: after the retries the member gets one private apology, and the failure is logged', async () => {
    // @discordjs/rest sends a request up to four times on 5xx.
    harness.emulator.failNext(CALLBACK, SERVER_ERROR, 4);
    const exchange = await askLauraWatson();
    const response = await exchange.response();
    expect(response.data).toMatchObject({ content: SOMETHING_WENT_WRONG, flags: EPHEMERAL });
    expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({ failed: true, responded: true });
    expect(exchange.calls).toHaveLength(1);
    expect(harness.logs.find((line) => line.msg === 'interaction failed' && line.id === exchange.interactionId)).toMatchObject({
      level: 50,
      err: { status: 500 },
    });
    await stillAnswers();
  });

  it('after Discord had in fact posted the answer: the retry is refused and the member still sees one answer', async () => {
    harness.emulator.failNext(CALLBACK, { ...SERVER_ERROR, handled: true });
    const exchange = await askLauraWatson();
    expect(shown((await exchange.response()).data.embeds[0])).toContain('Laura Watson');
    expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({ failed: true });
    expect(exchange.calls).toHaveLength(1);
    // The answer, then the retry that Discord refuses with 40060; no apology is attempted.
    expect(callbackStatuses(exchange)).toEqual([500, 400]);
    expect(harness.logs.find((line) => line.id === exchange.interactionId && line.level === 40)).toMatchObject({
      msg: 'the interaction expired or was answered already',
      err: { code: 40060 },
    });
    await stillAnswers();
  });
});

describe('Discord answering slowly', () => {
  it('answers everything once when every answer takes 2 s', async () => {
    harness.emulator.delayAll(2000);
    const exchanges = await Promise.all([
      askLauraWatson(),
      harness.emulator.slashCommand('ask', [option('question', 'Are most migrant sex workers in London trafficked?')]),
      harness.emulator.autocomplete('ask', [option('question', 'sex workers pol', true)]),
      harness.emulator.slashCommand('sources'),
    ]);
    const lines = await Promise.all(exchanges.map((exchange) => logLineOf(harness, exchange.interactionId)));
    for (const line of lines) expect(line).toMatchObject({ failed: false, responded: true });
    for (const exchange of exchanges) expect(exchange.calls).toHaveLength(1);
    harness.emulator.delayAll(0);
    await stillAnswers();
  });
});

describe('an interaction Discord no longer accepts answers for', () => {
  it('arriving with its token expired (10062): logged once, no apology tried, and the bot goes on', async () => {
    const exchange = await askLauraWatson({ expired: true });
    expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({ failed: true, responded: false });
    expect(exchange.calls).toHaveLength(0);
    expect(callbackStatuses(exchange)).toEqual([404]);
    expect(harness.logs.filter((line) => line.id === exchange.interactionId && (line.level as number) >= 40)).toEqual([
      expect.objectContaining({ level: 40, msg: 'the interaction expired or was answered already', err: expect.objectContaining({ code: 10062 }) }),
    ]);
    await stillAnswers();
  });

  it('expiring between a deferred update and its edit (50027): the pin is kept, nothing else is sent', async () => {
    const asked = await askLauraWatson();
    await asked.response();
    const answer = asked.replyMessage() as APIMessage;
    harness.emulator.failNext(
      { method: 'PATCH', path: /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/ },
      { status: 401, body: { code: 50027, message: 'Invalid Webhook Token' } },
    );
    const exchange = await harness.emulator.button(answer, 'pin', { as: harness.emulator.users.moderator });
    expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({ failed: true });
    expect(harness.emulator.pins()).toContain(answer.id);
    expect(exchange.calls.map(({ kind }) => kind)).toEqual(['callback']);
    expect(harness.logs.find((line) => line.id === exchange.interactionId && line.level === 40)).toMatchObject({
      err: { code: 50027 },
    });
    await stillAnswers();
  });
});
