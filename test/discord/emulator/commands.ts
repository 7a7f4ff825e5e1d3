import {
  ApplicationCommandType,
  type APIApplicationCommand,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { ApiError, unknownCommand } from './errors.js';
import type { SnowflakeGenerator } from './snowflake.js';
import { commandCountProblems, commandListProblems, commandProblems, type FormProblem } from './validation.js';

/** Application commands as registered by the bot, globally and per guild. */
export class CommandRegistry {
  readonly global: APIApplicationCommand[] = [];
  readonly guild = new Map<string, APIApplicationCommand[]>();
  readonly #ids: SnowflakeGenerator;
  readonly #applicationId: string;
  /** Ids handed out for commands a test invokes without registering them first. */
  readonly #unregisteredIds = new Map<string, string>();

  constructor(ids: SnowflakeGenerator, applicationId: string) {
    this.#ids = ids;
    this.#applicationId = applicationId;
  }

  list(guildId?: string): APIApplicationCommand[] {
    if (guildId === undefined) return this.global;
    let commands = this.guild.get(guildId);
    if (commands === undefined) {
      commands = [];
      this.guild.set(guildId, commands);
    }
    return commands;
  }

  /** Bulk overwrite: commands keep their id when one of the same name and type existed, like on Discord. */
  overwrite(guildId: string | undefined, bodies: RESTPostAPIApplicationCommandsJSONBody[]): APIApplicationCommand[] {
    assertNoProblems(commandListProblems(bodies));
    const commands = this.list(guildId);
    const replaced = bodies.map((body) => this.#build(guildId, body, findSame(commands, body)?.id));
    commands.splice(0, commands.length, ...replaced);
    return commands;
  }

  /** Creating a command whose name and type exist already replaces it (Discord's upsert). */
  create(guildId: string | undefined, body: RESTPostAPIApplicationCommandsJSONBody): APIApplicationCommand {
    const commands = this.list(guildId);
    const existing = findSame(commands, body);
    const others = commands.filter((command) => command !== existing);
    assertNoProblems([...commandCountProblems([...others, body]), ...commandProblems(body)]);
    const command = this.#build(guildId, body, existing?.id);
    if (existing === undefined) commands.push(command);
    else commands.splice(commands.indexOf(existing), 1, command);
    return command;
  }

  delete(guildId: string | undefined, commandId: string): void {
    const commands = this.list(guildId);
    const index = commands.findIndex((command) => command.id === commandId);
    if (index === -1) throw unknownCommand();
    commands.splice(index, 1);
  }

  /** The id Discord puts in interactions for a command: the registered one (guild first), else a stable made-up one. */
  idFor(name: string, type: ApplicationCommandType, guildId: string): string {
    const registered = [...this.list(guildId), ...this.global].find(
      (command) => command.name === name && command.type === type,
    );
    if (registered !== undefined) return registered.id;
    const key = `${type}:${name}`;
    let id = this.#unregisteredIds.get(key);
    if (id === undefined) {
      id = this.#ids.next();
      this.#unregisteredIds.set(key, id);
    }
    return id;
  }

  #build(guildId: string | undefined, body: RESTPostAPIApplicationCommandsJSONBody, id = this.#ids.next()): APIApplicationCommand {
    const command: APIApplicationCommand = {
      ...body,
      id,
      application_id: this.#applicationId,
      type: body.type ?? ApplicationCommandType.ChatInput,
      description: ('description' in body ? body.description : undefined) ?? '',
      default_member_permissions: body.default_member_permissions ?? null,
      nsfw: body.nsfw ?? false,
      version: this.#ids.next(),
    };
    if (guildId !== undefined) command.guild_id = guildId;
    return command;
  }
}

function findSame(commands: APIApplicationCommand[], body: RESTPostAPIApplicationCommandsJSONBody): APIApplicationCommand | undefined {
  const type = body.type ?? ApplicationCommandType.ChatInput;
  return commands.find((command) => command.name === body.name && command.type === type);
}

function assertNoProblems(problems: FormProblem[]): void {
  if (problems.length > 0) throw ApiError.invalidForm(problems);
}
