import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  Events,
  MessageFlags,
  type Client,
  type Interaction,
} from 'discord.js';
import { ApplicationCommandOptionType, ComponentType, InteractionResponseType, MessageType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, startEmulator, type DiscordEmulator } from './emulator/index.js';

const PIN_REASON = 'pinned by citebot: useful answer';

/** A small bot, enough to exercise every kind of answer the emulator has to understand. */
async function answer(interaction: Interaction): Promise<void> {
  if (interaction.isAutocomplete()) {
    const typed = interaction.options.getFocused();
    await interaction.respond([{ name: `${typed}ropy`, value: `${typed}ropy` }]);
  } else if (interaction.isButton()) {
    await interaction.update({ content: 'The whole passage.', components: [] });
  } else if (interaction.isMessageContextMenuCommand()) {
    await interaction.targetMessage.pin(PIN_REASON);
    await interaction.reply({ content: 'Pinned.', flags: MessageFlags.Ephemeral });
  } else if (interaction.isChatInputCommand()) {
    switch (interaction.commandName) {
      case 'cite': {
        const query = interaction.options.getString('query', true);
        const more = new ButtonBuilder().setCustomId('more:1').setLabel('Show more').setStyle(ButtonStyle.Secondary);
        await interaction.reply({
          embeds: [new EmbedBuilder().setTitle(`Passages for "${query}"`).setDescription('> A cited passage.')],
          components: [new ActionRowBuilder<ButtonBuilder>().addComponents(more)],
          withResponse: true,
        });
        break;
      }
      case 'slow':
        await interaction.deferReply();
        await interaction.editReply('Found 3 passages.');
        break;
      case 'file':
        await interaction.reply('Here is the passage.');
        await interaction.followUp({ files: [new AttachmentBuilder(Buffer.from('verbatim text'), { name: 'passage.txt' })] });
        break;
    }
  }
}

async function loggedInClient(emulator: DiscordEmulator, failures: unknown[]): Promise<Client> {
  const client = createTestClient(emulator);
  client.on(Events.InteractionCreate, (interaction) => {
    answer(interaction).catch((error: unknown) => failures.push(error));
  });
  const ready = once(client, Events.ClientReady);
  await client.login(emulator.token);
  await ready;
  return client;
}

const citeOptions = [{ name: 'query', type: ApplicationCommandOptionType.String as const, value: 'entropy' }];

describe('the Discord emulator, driven by the real discord.js client', () => {
  let emulator: DiscordEmulator;
  let client: Client;
  const failures: unknown[] = [];

  beforeAll(async () => {
    emulator = await startEmulator();
    client = await loggedInClient(emulator, failures);
  });

  afterAll(async () => {
    await client?.destroy();
    await emulator?.close();
    expect(failures).toEqual([]);
  });

  it('logs the client in with the guild and its channel cached', async () => {
    await emulator.waitForReady();
    expect(client.user?.id).toBe(emulator.botUser.id);
    expect(client.application?.id).toBe(emulator.applicationId);
    expect(client.guilds.cache.get(emulator.guildId)?.channels.cache.has(emulator.channelId)).toBe(true);
    expect(emulator.requests.map((request) => `${request.method} ${request.path}`)).toContain('GET /gateway/bot');
  });

  it('records a reply with an embed and a button, then a click that updates it', async () => {
    const exchange = await emulator.slashCommand('cite', citeOptions);
    const response = await exchange.response();

    expect(response.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(response.data.embeds[0].title).toBe('Passages for "entropy"');
    expect(response.data.components[0].components[0]).toMatchObject({ type: ComponentType.Button, custom_id: 'more:1' });
    expect(response.data.allowed_mentions).toEqual({ parse: [] });
    const callback = emulator.requests.find((request) => request.path.endsWith(`/${exchange.token}/callback`));
    expect(callback?.query.with_response).toBe('true');
    expect(exchange.respondedAt).toBeGreaterThanOrEqual(exchange.dispatchedAt);

    const reply = exchange.replyMessage();
    expect(reply).toMatchObject({ type: MessageType.ChatInputCommand, author: { id: emulator.botUser.id } });
    expect(reply?.interaction_metadata).toMatchObject({ id: exchange.interactionId, user: { id: emulator.users.member.user.id } });
    expect(emulator.messages().map((message) => message.id)).toContain(reply?.id);

    const click = await emulator.button(reply!, 'more:1');
    expect((await click.response()).type).toBe(InteractionResponseType.UpdateMessage);
    expect(emulator.message(reply!.id)).toMatchObject({ content: 'The whole passage.', components: [] });
    await expect(emulator.button(emulator.message(reply!.id)!, 'more:1')).rejects.toThrow(/no enabled button/);
  });

  it('turns a deferred reply and its edit into one message', async () => {
    const exchange = await emulator.slashCommand('slow');
    await exchange.waitForCalls(2);

    expect(exchange.calls.map((call) => call.kind)).toEqual(['callback', 'edit-original']);
    expect(exchange.calls[0]?.body.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(exchange.replyMessage()).toMatchObject({ content: 'Found 3 passages.', flags: 0, edited_timestamp: null });
    const edit = emulator.requests.find((request) => request.method === 'PATCH' && request.path.includes(exchange.token));
    expect(edit?.path).toBe(`/webhooks/${emulator.applicationId}/${exchange.token}/messages/@original`);
  });

  it('answers autocomplete with choices', async () => {
    const exchange = await emulator.autocomplete('cite', [{ ...citeOptions[0]!, value: 'ent', focused: true }]);
    const response = await exchange.response();
    expect(response.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(response.data.choices).toEqual([{ name: 'entropy', value: 'entropy' }]);
  });

  it('parses a follow-up with an attached file', async () => {
    const exchange = await emulator.slashCommand('file');
    await exchange.waitForCalls(2);

    const followup = exchange.calls[1];
    expect(followup?.kind).toBe('followup');
    expect(followup?.files.map((file) => [file.filename, file.data.toString()])).toEqual([['passage.txt', 'verbatim text']]);
    const [message] = emulator.messages().filter((candidate) => candidate.attachments.length > 0);
    expect(message?.attachments[0]).toMatchObject({ filename: 'passage.txt', size: 'verbatim text'.length });
    expect(message?.interaction_metadata?.id).toBe(exchange.interactionId);
  });

  it('pins through the pins route with the audit-log reason', async () => {
    const cited = await emulator.slashCommand('cite', citeOptions);
    await cited.response();
    const target = cited.replyMessage()!;
    const exchange = await emulator.messageCommand('Pin answer', target, { as: emulator.users.moderator });
    await exchange.response();

    const pin = emulator.requests.find((request) => request.method === 'PUT' && request.path.includes('/pins/'));
    expect(pin?.path).toBe(`/channels/${emulator.channelId}/messages/pins/${target.id}`);
    expect(pin?.auditLogReason).toBe(PIN_REASON);
    expect(pin?.status).toBe(204);
    expect(emulator.pins()).toEqual([target.id]);
    expect(emulator.message(target.id)?.pinned).toBe(true);
    // The ephemeral confirmation is kept, but is not a message of the channel.
    expect(exchange.replyMessage()?.flags).toBe(MessageFlags.Ephemeral);
    expect(emulator.messages().map((message) => message.id)).not.toContain(exchange.replyMessage()?.id);
  });

  it('refuses a second answer and an expired interaction like Discord', async () => {
    const exchange = await emulator.slashCommand('cite', citeOptions);
    await exchange.response();

    const callback = `/interactions/${exchange.interactionId}/${exchange.token}/callback`;
    await expect(client.rest.post(callback as `/${string}`, { body: { type: 4, data: { content: 'again' } }, auth: false })).rejects.toMatchObject({
      code: 40060,
    });
    emulator.expireInteraction(exchange.interactionId);
    await expect(
      client.rest.patch(`/webhooks/${emulator.applicationId}/${exchange.token}/messages/@original`, { body: { content: 'late' }, auth: false }),
    ).rejects.toMatchObject({ code: 50027 });
  });

  it('resumes after the gateway closes with 4000 and replays what was dispatched meanwhile', async () => {
    const resumed = once(client, Events.ShardResume);
    emulator.closeGateway(4000);
    const duringOutage = await emulator.slashCommand('cite', citeOptions);

    await resumed;
    expect((await duringOutage.response()).type).toBe(InteractionResponseType.ChannelMessageWithSource);
    await emulator.waitForReady();
    const afterwards = await emulator.slashCommand('slow');
    await afterwards.waitForCalls(2);
  });

  it('rejects a login with the wrong token', async () => {
    const intruder = createTestClient(emulator);
    await expect(intruder.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    await intruder.destroy();
    expect(emulator.requests.at(-1)).toMatchObject({ path: '/gateway/bot', status: 401 });
  });
});

describe('the Discord emulator with two shards', () => {
  it('connects both shards and answers on the one that owns the guild', async () => {
    const emulator = await startEmulator({ shards: 2 });
    const failures: unknown[] = [];
    const client = await loggedInClient(emulator, failures);
    try {
      await emulator.waitForReady();
      expect([...client.ws.shards.keys()].sort()).toEqual([0, 1]);
      const exchange = await emulator.slashCommand('slow');
      await exchange.waitForCalls(2);
      expect(failures).toEqual([]);
    } finally {
      await client.destroy();
      await emulator.close();
    }
  });
});

describe('closing the emulator', () => {
  it('leaves no sockets, servers or timers behind', async () => {
    const before = countHandles();
    const emulator = await startEmulator();
    const client = await loggedInClient(emulator, []);
    await (await emulator.slashCommand('cite', citeOptions)).response();

    await client.destroy();
    await emulator.close();
    // Sockets finish closing on the next turns of the event loop.
    for (let attempt = 0; attempt < 20 && handlesAdded(before).length > 0; attempt++) await sleep(25);
    expect(handlesAdded(before)).toEqual([]);
  });
});

function countHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) {
    if (resource.startsWith('TCP') || resource === 'Timeout') counts[resource] = (counts[resource] ?? 0) + 1;
  }
  return counts;
}

/** Kinds of handle of which there are more now than in `before`. */
function handlesAdded(before: Record<string, number>): string[] {
  return Object.entries(countHandles())
    .filter(([kind, count]) => count > (before[kind] ?? 0))
    .map(([kind]) => kind);
}
