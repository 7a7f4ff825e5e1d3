import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons, EPHEMERAL, option, shown, startHarness, userOption, type Harness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ sourceBaseUrl: 'https://example.org/sources/blob/main/data' });
});

afterAll(async () => {
  await harness?.close();
});

async function ask(question: string, ...extra: never[]) {
  const { users } = harness.emulator;
  // Discord resolves user options for the bot: every fixture member is offered.
  const resolved = { users: Object.fromEntries(Object.values(users).map(({ user }) => [user.id, user])) };
  const exchange = await harness.emulator.slashCommand('ask', [option('question', question), ...extra], { resolved });
  return { exchange, response: await exchange.response() };
}

describe('/ask', () => {
  it('answers with the passage quoted verbatim, the question on top and the citation under it', async () => {
    const { exchange, response } = await ask('Who is Laura Watson?');
    expect(response.type).toBe(4);
    expect(response.data.flags ?? 0).toBe(0);
    const [embed] = response.data.embeds;
    expect(embed.title).toBe('Who is Laura Watson?');
    const text = shown(embed);
    expect(text).toContain('ECOP spokesperson Laura Watson said:');
    expect(embed.description).toContain('**Laura Watson**');
    expect(text).toMatch(/📄 002_b621c17d5ab6b26c\.txt · lines \d+–\d+ · Redbridge council’s efforts/);
    expect(embed.description).toMatch(/\]\(https:\/\/example\.org\/sources\/blob\/main\/data\/002_b621c17d5ab6b26c\.txt#L\d+-L\d+\)/);
    expect(embed.footer.text).toMatch(/^Match 1 of \d+$/);

    const message = exchange.replyMessage();
    expect(buttons(message).map(({ label, disabled }) => [label, disabled])).toEqual([
      ['Previous', true],
      ['Next match', false],
      ['Show source', false],
      ['Pin', false],
      ['Helpful', false],
      ['Not helpful', false],
    ]);
    expect(response.data.allowed_mentions).toEqual({ parse: [] });
  });

  it('quotes every line of what answers exactly as the source has it, "[…]" where the passage goes on', async () => {
    const answer = await harness.library.answer('Who is Laura Watson?');
    const best = answer.results[0];
    const { response } = await ask('Who is Laura Watson?');
    const quoted = shown(response.data.embeds[0]);
    expect(best?.quote).toContain('[…]');
    for (const line of best?.quote.split('\n').filter((line) => line.trim()) ?? []) expect(quoted).toContain(line.trim());
    expect(quoted).toContain(`lines ${best?.quoteLines[0]}–${best?.quoteLines[1]}`);
  });

  it('hides the answer from everyone else with hide:true', async () => {
    const { exchange, response } = await ask('Who is Laura Watson?', option('hide', true));
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(shown(response.data.embeds[0])).toContain('Laura Watson');
    expect(buttons(exchange.replyMessage()).map(({ label }) => label)).not.toContain('Pin');
  });

  it('suggests the answer to a member, who is the only one pinged', async () => {
    const { moderator } = harness.emulator.users;
    const { response } = await ask(
      'Who is Laura Watson? @everyone <@&123456789012345678>',
      userOption('mention', moderator.user.id),
    );
    expect(response.data.content).toBe(`Suggested for <@${moderator.user.id}>`);
    expect(response.data.allowed_mentions).toEqual({ users: [moderator.user.id] });
    expect(response.data.embeds[0].title).not.toContain('@everyone');
    expect(response.data.embeds[0].title).not.toContain('<@&');
  });

  it('says privately when the sources do not answer, with the closest sources as hints', async () => {
    const { response } = await ask('What is the weather in Leeds?');
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    const text = shown(response.data.embeds[0]);
    expect(text).toContain("I couldn't find that in the sources.");
    expect(text).toContain('/sources');
    expect(text).not.toMatch(/^> /m);
  });

  it('answers a question that is only emoji kindly and privately', async () => {
    const { response } = await ask('🦊🦊🦊');
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(shown(response.data.embeds[0])).toContain("I couldn't find that in the sources.");
  });

  it('answers a 6,000-character question within Discord limits', async () => {
    const question = 'Why do sex workers in London say police do not protect them? '.repeat(100).slice(0, 6000);
    const { response } = await ask(question);
    const [embed] = response.data.embeds;
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.title.endsWith('…')).toBe(true);
    expect(embed.description.length).toBeLessThanOrEqual(4096);
  });
});

describe('autocomplete', () => {
  it('offers up to 25 passages, each named by an excerpt and its source', async () => {
    const exchange = await harness.emulator.autocomplete('ask', [option('question', 'sex workers pol', true)]);
    const response = await exchange.response();
    expect(response.type).toBe(8);
    const { choices } = response.data as { choices: { name: string; value: string }[] };
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.value.length).toBeLessThanOrEqual(100);
      expect(choice.name).toMatch(/ · \d{3}_[0-9a-f]{16}\.txt lines? \d+/);
    }
  });

  it('answers with exactly the passage that was picked', async () => {
    const exchange = await harness.emulator.autocomplete('ask', [option('question', 'Niki Adams', true)]);
    const { choices } = (await exchange.response()).data as { choices: { name: string; value: string }[] };
    const picked = choices.at(-1);
    expect(picked).toBeDefined();
    const passageId = picked?.value.split(':')[1] ?? '';
    const passage = harness.library.passage(passageId);

    const { response } = await ask(picked?.value ?? '');
    const [embed] = response.data.embeds;
    expect(embed.title).toBe('Niki Adams');
    expect(shown(embed)).toContain(`📄 ${passage?.file} · line`);
    for (const line of passage?.text.split('\n').filter((line) => line.trim()) ?? []) {
      expect(shown(embed)).toContain(line.trim().slice(0, 60));
    }
  });

  it('offers nothing for an empty question', async () => {
    const exchange = await harness.emulator.autocomplete('ask', [option('question', '', true)]);
    expect((await exchange.response()).data.choices).toEqual([]);
  });
});

describe('the buttons of an answer', () => {
  let answer: APIMessage;

  beforeAll(async () => {
    const { exchange } = await ask('sex workers police');
    answer = exchange.replyMessage() as APIMessage;
  });

  it('"Next match" and "Previous" walk through the ranking in place', async () => {
    const first = shown(answer.embeds[0]);
    const next = await harness.emulator.button(answer, 'ask:next:1');
    const update = await next.response();
    expect(update.type).toBe(7);
    expect(update.data.embeds[0].title).toBe('sex workers police');
    expect(update.data.embeds[0].footer.text).toMatch(/^Match 2 of \d+$/);
    expect(shown(update.data.embeds[0])).not.toBe(first);

    const updated = next.replyMessage() as APIMessage;
    expect(updated.id).toBe(answer.id);
    expect(buttons(updated)[0]).toEqual({ id: 'ask:previous:0', label: 'Previous', disabled: false });

    const back = await harness.emulator.button(updated, 'ask:previous:0');
    const previous = await back.response();
    expect(previous.data.embeds[0].footer.text).toMatch(/^Match 1 of \d+$/);
    expect(shown(previous.data.embeds[0])).toBe(first);
  });

  it('"Show source" shows the passage among its neighbours, privately, with the source file itself attached', async () => {
    const showSource = buttons(answer).find(({ label }) => label === 'Show source');
    const exchange = await harness.emulator.button(answer, showSource?.id ?? '');
    const response = await exchange.response();
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    const passage = harness.library.passage(showSource?.id.slice('src:'.length) ?? '');
    expect(shown(response.data.embeds[0])).toContain(`📄 ${passage?.file}`);
    expect(response.files).toHaveLength(1);
    expect(response.files?.[0]?.filename).toBe(passage?.file);
    expect(response.files?.[0]?.data.equals(readFileSync(path.join(harness.library.dataDir, passage?.file ?? '')))).toBe(true);
  });
});

describe('/ask on the subject, where no passage answers as asked', () => {
  it('shows the closest passage to the asker alone, labelled, with "Post anyway" and never a Pin', async () => {
    const { exchange, response } = await ask('How many walk-ups are there in Soho?');
    expect(response.type).toBe(4);
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toBe("The sources don't answer that directly. The closest passage:");
    expect(response.data.embeds[0].title).toBe('How many walk-ups are there in Soho?');
    expect(shown(response.data.embeds[0])).toMatch(/📄 000_5be5de7e3b6445fb\.txt · lines? \d+/);
    const labels = buttons(exchange.replyMessage()).map(({ label }) => label);
    expect(labels).toEqual(['Show source', 'Post anyway']);

    const postAnyway = buttons(exchange.replyMessage()).find(({ label }) => label === 'Post anyway');
    const post = await harness.emulator.button(exchange.replyMessage() as APIMessage, postAnyway?.id ?? '');
    const posted = await post.response();
    expect(posted.data.flags ?? 0).toBe(0);
    expect(posted.data.content).toBe("The sources don't answer that directly. The closest passage:");
    expect(shown(posted.data.embeds[0])).toBe(shown(response.data.embeds[0]));
    expect(buttons(post.replyMessage()).map(({ label }) => label)).not.toContain('Pin');
  });
});

describe('"Find in sources" on a message', () => {
  it('shows the best cited passages privately, with a button to post one publicly', async () => {
    const claim = harness.emulator.postUserMessage('Most migrant sex workers in London were trafficked and forced');
    const exchange = await harness.emulator.messageCommand('Find in sources', claim, { as: harness.emulator.users.moderator });
    const response = await exchange.response();
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.embeds[0].title).toBe('Most migrant sex workers in London were trafficked and forced');
    expect(shown(response.data.embeds[0])).toContain('📄 003_00d230ab06dfad54.txt');
    const posts = buttons(exchange.replyMessage()).filter(({ label }) => label.startsWith('Post match'));
    expect(posts.length).toBe(response.data.embeds.length);

    const post = await harness.emulator.button(exchange.replyMessage() as APIMessage, posts[0]?.id ?? '', {
      as: harness.emulator.users.moderator,
    });
    const posted = await post.response();
    expect(posted.type).toBe(4);
    expect(posted.data.flags ?? 0).toBe(0);
    expect(posted.data.embeds[0].title).toBe('Most migrant sex workers in London were trafficked and forced');
    const citationOf = (text: string) => text.split('\n').at(-1);
    expect(citationOf(shown(posted.data.embeds[0]))).toBe(citationOf(shown(response.data.embeds[0])));
    expect(buttons(post.replyMessage()).map(({ label }) => label)).toEqual(['Previous', 'Next match', 'Show source', 'Pin', 'Helpful', 'Not helpful']);
  });

  it('says so when the message has no text', async () => {
    // A message with only an attachment has no content.
    const empty = { ...harness.emulator.postUserMessage('see attached'), content: '' };
    const response = await (await harness.emulator.messageCommand('Find in sources', empty)).response();
    expect(response.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(response.data.content).toBe('That message has no text to look up.');
  });
});

describe('/sources and /source', () => {
  it('/sources lists every source with its title and passage count', async () => {
    const response = await (await harness.emulator.slashCommand('sources')).response();
    const text = shown(response.data.embeds[0]);
    for (const source of harness.library.sources) {
      expect(text).toContain(`📄 ${source.file} · `);
      expect(text).toMatch(new RegExp(`${source.file} · .* · ${harness.library.passagesOf(source.file).length} passages?`));
    }
  });

  it('/source shows the passage at a line, with the file attached', async () => {
    const file = '003_00d230ab06dfad54.txt';
    const passage = harness.library.passageAtLine(file, 20);
    const response = await (await harness.emulator.slashCommand('source', [option('file', file), option('line', 20)])).response();
    const [embed] = response.data.embeds;
    expect(embed.title).toBe('Majority sex workers in London not forced: Report');
    expect(shown(embed)).toContain(`📄 ${file} · lines ${passage?.lines[0]}–${passage?.lines[1]}`);
    expect(embed.footer.text).toMatch(/^003_00d230ab06dfad54\.txt · 2\.7 KB · \d+ lines · \d+ passages\. The whole source is attached\.$/);
    expect(response.files?.[0]?.filename).toBe(file);
  });

  it('/source completes file names', async () => {
    const response = await (await harness.emulator.autocomplete('source', [option('file', '003', true)])).response();
    expect(response.data.choices).toEqual([
      { name: '003_00d230ab06dfad54.txt · Majority sex workers in London not forced: Report', value: '003_00d230ab06dfad54.txt' },
    ]);
  });

  it('/source says privately when a file is unknown or a line is past the end', async () => {
    const unknown = await (await harness.emulator.slashCommand('source', [option('file', 'nope.txt')])).response();
    expect(unknown.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(unknown.data.content).toContain('No source is called “nope.txt”');
    const past = await (
      await harness.emulator.slashCommand('source', [option('file', '003_00d230ab06dfad54.txt'), option('line', 9999)])
    ).response();
    expect(past.data.content).toMatch(/has \d+ lines: line 9999 is past its end\./);
  });
});

describe('logs', () => {
  it('has one line per interaction with its kind, latency and outcome, and never the question or the token', async () => {
    const askLines = () => harness.logs.filter((line) => line.msg === 'interaction' && line.kind === 'command' && line.name === 'ask');
    const before = askLines().length;
    await ask('Who is Laura Watson?');
    // The line is written once the reply has gone: wait for it.
    await expect.poll(() => askLines().length).toBeGreaterThan(before);
    const lines = askLines();
    expect(lines.at(-1)).toMatchObject({ level: 30, answered: true, responded: true, failed: false });
    expect(typeof lines.at(-1)?.latencyMs).toBe('number');
    const info = harness.logs.filter((line) => (line.level as number) >= 30);
    expect(JSON.stringify(info)).not.toContain('Laura Watson');
    expect(harness.rawLogs()).not.toContain(harness.emulator.token);
    expect(harness.logs.some((line) => line.level === 20 && line.question === 'Who is Laura Watson?')).toBe(true);
  });
});
