import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerCooldown, slowDownNotice } from '../../src/interactions/cooldown.js';
import type { FixtureMember } from '../discord/emulator/index.js';
import { EPHEMERAL, logLineOf, option, shown, startHarness, type Harness } from '../discord/harness.js';

describe('AnswerCooldown', () => {
  const settings = { answers: 5, windowMs: 10_000 };

  function clocked() {
    let now = 1_000_000;
    const cooldown = new AnswerCooldown(settings, () => now);
    return { cooldown, advance: (ms: number) => (now += ms) };
  }

  it('gives a member 5 answers in any 10 s, and says when the next one comes', () => {
    const { cooldown, advance } = clocked();
    for (let i = 0; i < 5; i++) {
      expect(cooldown.admit('ada')).toEqual({ admitted: true });
      advance(1000);
    }
    expect(cooldown.admit('ada')).toEqual({ admitted: false, retryInMs: 5000 });
    advance(5000);
    expect(cooldown.admit('ada')).toEqual({ admitted: true });
    expect(cooldown.admit('ada')).toEqual({ admitted: false, retryInMs: 1000 });
  });

  it('counts each member apart', () => {
    const { cooldown } = clocked();
    for (let i = 0; i < 5; i++) cooldown.admit('ada');
    expect(cooldown.admit('ada').admitted).toBe(false);
    expect(cooldown.admit('grace').admitted).toBe(true);
  });

  it('forgets members who have been quiet for a whole window', () => {
    const { cooldown, advance } = clocked();
    for (let i = 0; i < 10_000; i++) cooldown.admit(`member-${i}`);
    expect(cooldown.membersRemembered).toBe(10_000);
    advance(settings.windowMs + 1);
    cooldown.admit('ada');
    expect(cooldown.membersRemembered).toBe(1);
  });

  it('says how long to wait in whole seconds, never "0 s"', () => {
    expect(slowDownNotice(4200, settings)).toBe('Slow down — you get 5 answers every 10 s. Try again in 5 s.');
    expect(slowDownNotice(1, { answers: 1, windowMs: 60_000 })).toBe('Slow down — you get 1 answer every 60 s. Try again in 1 s.');
  });
});

describe('fair use on Discord', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ answerCooldown: { answers: 5, windowMs: 10_000 } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function ask(as: FixtureMember, question = 'Who is Laura Watson?') {
    const exchange = await harness.emulator.slashCommand('ask', [option('question', question)], { as });
    return { exchange, response: await exchange.response() };
  }

  it('slows a member down after 5 answers, privately, and only them', async () => {
    const { member, moderator } = harness.emulator.users;
    for (let i = 0; i < 5; i++) expect(shown((await ask(member)).response.data.embeds[0])).toContain('Laura Watson');

    const { exchange, response } = await ask(member);
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toMatch(/^Slow down — you get 5 answers every 10 s\. Try again in ([1-9]|10) s\.$/);
    expect(await logLineOf(harness, exchange.interactionId)).toMatchObject({
      slowedDown: true,
      failed: false,
    });

    expect(shown((await ask(moderator)).response.data.embeds[0])).toContain('Laura Watson');
  });

  it('keeps suggesting as a slowed-down member types, and their buttons keep working', async () => {
    const { member } = harness.emulator.users;
    expect((await ask(member)).response.data.content).toMatch(/^Slow down/);
    for (let i = 0; i < 30; i++) {
      const exchange = await harness.emulator.autocomplete('ask', [option('question', `sex workers pol${'i'.repeat(i % 3)}`, true)], {
        as: member,
      });
      expect((await exchange.response()).data.choices.length).toBeGreaterThan(0);
    }
    const earlier = harness.emulator.messages().find((message) => message.interaction_metadata?.user.id === member.user.id);
    const next = await (await harness.emulator.button(earlier as APIMessage, 'ask:next:1', { as: member })).response();
    expect(next.type).toBe(7);
    expect(next.data.embeds[0].footer.text).toMatch(/^Match 2 of/);
  });

  it('counts "Find in sources" in the same share as /ask', async () => {
    const { admin } = harness.emulator.users;
    for (let i = 0; i < 5; i++) await ask(admin);
    const claim = harness.emulator.postUserMessage('Most migrant sex workers in London were trafficked');
    const response = await (await harness.emulator.messageCommand('Find in sources', claim, { as: admin })).response();
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toMatch(/^Slow down — you get 5 answers every 10 s\./);
  });
});
