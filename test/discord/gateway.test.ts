import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClosedError, startBot, TokenRejectedError } from '../../src/discord/bot.js';
import { createLogger } from '../../src/log.js';
import type { Exchange } from './emulator/index.js';
import { EPHEMERAL, liveLibrary, logLineOf, option, shown, startHarness, testClientOptions, type Harness } from './harness.js';

let harness: Harness;
const fatal: Error[] = [];

beforeAll(async () => {
  harness = await startHarness({ onFatal: (error) => fatal.push(error) });
});

afterAll(async () => {
  await harness?.close();
});

async function askLauraWatson() {
  const exchange = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
  return exchange.response();
}

describe('the gateway connection', () => {
  it('resumes after Discord drops the connection, and answers what was asked meanwhile', async () => {
    harness.emulator.closeGateway(4000);
    // Dispatched while the bot is disconnected: Discord replays it on RESUME.
    const response = await askLauraWatson();
    expect(shown(response.data.embeds[0])).toContain('Laura Watson');
    expect(harness.logs.some((line) => line.msg === 'gateway session resumed')).toBe(true);
  });

  it('identifies again when the session cannot be resumed', async () => {
    harness.emulator.closeGateway(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await harness.emulator.waitForReady();
    const response = await askLauraWatson();
    expect(shown(response.data.embeds[0])).toContain('Laura Watson');
  });
});

describe('the gateway closing while interactions are in flight', () => {
  const QUESTIONS = ['Who is Laura Watson?', 'Are most migrant sex workers in London trafficked?', 'Who is Niki Adams?'];

  /** Asks, and returns once the bot has sent every answer but is still waiting for Discord to confirm them. */
  async function askWithAnswersInFlight(): Promise<Exchange[]> {
    harness.emulator.delayAll(300);
    const exchanges = await Promise.all(
      QUESTIONS.map((question) => harness.emulator.slashCommand('ask', [option('question', question)])),
    );
    await Promise.all(exchanges.map((exchange) => exchange.response()));
    return exchanges;
  }

  /** Each was answered exactly once, and its handler ended without an error. */
  async function expectAnsweredOnce(exchanges: Exchange[]): Promise<void> {
    for (const exchange of exchanges) {
      expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({ failed: false, answered: true });
      expect(exchange.calls).toHaveLength(1);
      expect(
        harness.emulator.requests.filter(({ path, status }) => path.includes(exchange.token) && status !== 200 && status !== 204),
      ).toEqual([]);
    }
  }

  it('with a resumable code: finishes them, answers what was asked meanwhile, and resumes', async () => {
    const inFlight = await askWithAnswersInFlight();
    harness.emulator.closeGateway(4000);
    const meanwhile = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    await expectAnsweredOnce([...inFlight, meanwhile]);
    harness.emulator.delayAll(0);
    await harness.emulator.waitForReady();
    expect(shown((await askLauraWatson()).data.embeds[0])).toContain('Laura Watson');
  });

  it('with 1000 (session over): finishes them, identifies again and answers new questions', async () => {
    const sessionsBefore = harness.logs.filter((line) => line.msg === 'gateway session started').length;
    const inFlight = await askWithAnswersInFlight();
    harness.emulator.closeGateway(1000);
    await expectAnsweredOnce(inFlight);
    harness.emulator.delayAll(0);
    await expect.poll(() => harness.logs.filter((line) => line.msg === 'gateway session started').length).toBeGreaterThan(sessionsBefore);
    await harness.emulator.waitForReady();
    expect(shown((await askLauraWatson()).data.embeds[0])).toContain('Laura Watson');
  });
});

describe('sharding', () => {
  it('runs the shards Discord recommends and answers interactions arriving on either', async () => {
    const sharded = await startHarness({ shards: 2 });
    try {
      expect(sharded.bot.client.ws.shards.size).toBe(2);
      for (const shard of [0, 1]) {
        const exchange = await sharded.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')], { shard });
        expect(shown((await exchange.response()).data.embeds[0])).toContain('Laura Watson');
        const suggestions = await sharded.emulator.autocomplete('ask', [option('question', 'Laura Wat', true)], { shard });
        expect((await suggestions.response()).data.choices.length).toBeGreaterThan(0);
      }
    } finally {
      await sharded.close();
    }
  });
});

describe('a malformed interaction', () => {
  it('is logged and dropped, and the bot keeps answering', async () => {
    const before = harness.logs.length;
    await harness.emulator.dispatchRaw({ id: '1300000000000000001', type: 2, token: 'x', data: { name: 'ask', type: 1 } });
    await harness.emulator.dispatchRaw(null);
    await harness.emulator.dispatchRaw({ type: 3, data: { custom_id: 'pin', component_type: 2 } });
    const response = await askLauraWatson();
    expect(shown(response.data.embeds[0])).toContain('Laura Watson');
    const dropped = harness.logs.slice(before).filter((line) => line.msg === 'dropped a gateway event that could not be read');
    expect(dropped).toHaveLength(3);
    expect(dropped[0]).toMatchObject({ level: 50, event: 'INTERACTION_CREATE' });
  });
});

describe('a failing handler', () => {
  it('tells the member once, privately, logs the error with its context, and the bot goes on', async () => {
    harness.emulator.failNext(
      { method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/ },
      { status: 400, body: { code: 50035, message: 'Invalid Form Body' } },
    );
    const exchange = await harness.emulator.slashCommand('ask', [option('question', 'Who is Laura Watson?')]);
    const response = await exchange.response();
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toBe('Something went wrong on my side, sorry. It has been logged; please try again.');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exchange.calls).toHaveLength(1);

    const failure = harness.logs.find((line) => line.msg === 'interaction failed' && line.id === exchange.interactionId);
    expect(failure).toMatchObject({ level: 50, kind: 'command', name: 'ask', err: { code: 50035 } });
    expect(JSON.stringify(failure)).not.toContain(exchange.token);
    expect(JSON.stringify(failure)).not.toContain('Laura Watson');
    expect(harness.logs.find((line) => line.msg === 'interaction' && line.id === exchange.interactionId)).toMatchObject({
      failed: true,
      responded: true,
    });

    expect(shown((await askLauraWatson()).data.embeds[0])).toContain('Laura Watson');
  });
});

describe('the token', () => {
  const silent = createLogger('silent');

  it('is reported as rejected when Discord answers 401', async () => {
    const attempt = startBot({ token: 'not-the-token', apiUrl: harness.emulator.apiUrl, sourceBaseUrl: undefined }, liveLibrary(harness.library), silent, {
      clientOptions: testClientOptions,
    });
    await expect(attempt).rejects.toThrow(TokenRejectedError);
    await expect(attempt).rejects.toThrow('Discord rejected DISCORD_TOKEN');
  });

  it('is reported as rejected when the gateway closes with 4004', async () => {
    harness.emulator.failNext(
      { method: 'GET', path: /^\/gateway\/bot$/ },
      {
        status: 200,
        body: {
          url: harness.emulator.apiUrl.replace(/^http/, 'ws').replace(/\/api$/, '/gateway'),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
        },
      },
    );
    const attempt = startBot({ token: 'not-the-token', apiUrl: harness.emulator.apiUrl, sourceBaseUrl: undefined }, liveLibrary(harness.library), silent, {
      clientOptions: testClientOptions,
    });
    await expect(attempt).rejects.toThrow(TokenRejectedError);
  });

  it('ends the bot when Discord revokes it while it runs', async () => {
    harness.emulator.closeGateway(4004);
    await expect.poll(() => fatal).toHaveLength(1);
    expect(fatal[0]).toBeInstanceOf(TokenRejectedError);
    expect(fatal[0]).not.toBeInstanceOf(GatewayClosedError);
  });
});
