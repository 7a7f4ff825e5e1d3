import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  type APIApplicationCommandOption,
  type APIEmbed,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { ApiError } from './errors.js';
import type { MessageBody } from './messages.js';

/** One reason Discord would refuse a request body, at a path such as `embeds.0.description`. */
export interface FormProblem {
  path: Array<string | number>;
  code: string;
  message: string;
}

/** Throws Discord's 50035 answer when a message body breaks a limit; `prefix` is `['data']` inside callbacks. */
export function assertValidMessage(body: MessageBody, prefix: string[] = []): void {
  const problems = messageProblems(body);
  if (problems.length > 0) throw ApiError.invalidForm(problems, prefix);
}

/** The limits of resources/message.mdx and the components reference that bots run into. */
function messageProblems(body: MessageBody): FormProblem[] {
  const problems: FormProblem[] = [];
  if (typeof body.content === 'string') problems.push(...maxLength(['content'], body.content, 2000));

  const embeds = body.embeds ?? [];
  if (embeds.length > 10) problems.push(tooMany(['embeds'], 10));
  embeds.forEach((embed, index) => problems.push(...embedProblems(['embeds', index], embed)));
  if (embeds.reduce((total, embed) => total + embedSize(embed), 0) > 6000) {
    problems.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  }

  const rows = body.components ?? [];
  if (rows.length > 5) problems.push(tooMany(['components'], 5));
  rows.forEach((row, rowIndex) => {
    if (row.type !== ComponentType.ActionRow) return;
    if (row.components.length > 5) problems.push(tooMany(['components', rowIndex, 'components'], 5));
    row.components.forEach((component, index) => {
      const path = ['components', rowIndex, 'components', index];
      if ('custom_id' in component) problems.push(...maxLength([...path, 'custom_id'], component.custom_id, 100));
      if ('label' in component && typeof component.label === 'string') {
        problems.push(...maxLength([...path, 'label'], component.label, 80));
      }
    });
  });
  return problems;
}

/** Autocomplete answers: at most 25 choices, names of 1–100 characters, string values up to 100. */
export function autocompleteProblems(choices: Array<{ name: string; value: string | number }>): FormProblem[] {
  const problems: FormProblem[] = [];
  if (choices.length > 25) problems.push(tooMany(['choices'], 25));
  choices.forEach((choice, index) => {
    problems.push(...requiredText(['choices', index, 'name'], choice.name, 100));
    if (typeof choice.value === 'string') problems.push(...maxLength(['choices', index, 'value'], choice.value, 100));
  });
  return problems;
}

/** Slash-command names: lower case letters, digits, `-` and `_`, up to 32 characters. */
const CHAT_INPUT_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const MAX_COMMANDS: Partial<Record<ApplicationCommandType, number>> = {
  [ApplicationCommandType.ChatInput]: 100,
  [ApplicationCommandType.User]: 15,
  [ApplicationCommandType.Message]: 15,
};

/** A whole command list (bulk overwrite): per-type counts, unique names, and each command's own limits. */
export function commandListProblems(commands: RESTPostAPIApplicationCommandsJSONBody[]): FormProblem[] {
  const problems = commandCountProblems(commands);
  commands.forEach((command, index) => {
    problems.push(...commandProblems(command).map((problem) => ({ ...problem, path: [index, ...problem.path] })));
  });
  return problems;
}

/** At most 100 slash, 15 user and 15 message commands, each name once per type. */
export function commandCountProblems(commands: ReadonlyArray<{ name: string; type?: ApplicationCommandType }>): FormProblem[] {
  const problems: FormProblem[] = [];
  const typeOf = (command: { type?: ApplicationCommandType }): ApplicationCommandType =>
    command.type ?? ApplicationCommandType.ChatInput;
  for (const [type, limit] of Object.entries(MAX_COMMANDS)) {
    if (commands.filter((command) => Number(typeOf(command)) === Number(type)).length > limit) {
      problems.push({
        path: [],
        code: 'APPLICATION_COMMANDS_TOO_MANY',
        message: `Maximum number of application commands of type ${type} reached (${limit})`,
      });
    }
  }
  const seen = new Set<string>();
  commands.forEach((command, index) => {
    const key = `${typeOf(command)}:${command.name}`;
    if (seen.has(key)) {
      problems.push({ path: [index, 'name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: 'Application command names must be unique' });
    }
    seen.add(key);
  });
  return problems;
}

/** One command: name, description (slash commands only) and options as application-commands.mdx describes. */
export function commandProblems(command: RESTPostAPIApplicationCommandsJSONBody): FormProblem[] {
  if ((command.type ?? ApplicationCommandType.ChatInput) !== ApplicationCommandType.ChatInput) {
    return requiredText(['name'], command.name, 32);
  }
  const description = 'description' in command ? command.description : undefined;
  const problems = [...nameProblems(['name'], command.name), ...requiredText(['description'], description, 100)];
  problems.push(...optionProblems([], 'options' in command ? command.options : undefined));
  return problems;
}

function optionProblems(path: Array<string | number>, options: APIApplicationCommandOption[] | undefined): FormProblem[] {
  const problems: FormProblem[] = [];
  if (options === undefined) return problems;
  if (options.length > 25) problems.push(tooMany([...path, 'options'], 25));
  options.forEach((option, index) => {
    const at = [...path, 'options', index];
    problems.push(...nameProblems([...at, 'name'], option.name), ...requiredText([...at, 'description'], option.description, 100));
    if ('choices' in option && option.choices !== undefined) {
      if (option.choices.length > 25) problems.push(tooMany([...at, 'choices'], 25));
      if ('autocomplete' in option && option.autocomplete && option.choices.length > 0) {
        problems.push({ path: [...at, 'autocomplete'], code: 'AUTOCOMPLETE_AND_CHOICES', message: 'Autocomplete cannot be set for options with choices' });
      }
    }
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      problems.push(...optionProblems(at, option.options));
    }
  });
  return problems;
}

function nameProblems(path: Array<string | number>, name: string): FormProblem[] {
  if (CHAT_INPUT_NAME.test(name) && name === name.toLowerCase()) return [];
  return [{ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid` }];
}

function embedProblems(path: Array<string | number>, embed: APIEmbed): FormProblem[] {
  const problems: FormProblem[] = [];
  if (embed.title !== undefined) problems.push(...maxLength([...path, 'title'], embed.title, 256));
  if (embed.description !== undefined) problems.push(...maxLength([...path, 'description'], embed.description, 4096));
  if (embed.footer !== undefined) problems.push(...requiredText([...path, 'footer', 'text'], embed.footer.text, 2048));
  if (embed.author !== undefined) problems.push(...requiredText([...path, 'author', 'name'], embed.author.name, 256));
  const fields = embed.fields ?? [];
  if (fields.length > 25) problems.push(tooMany([...path, 'fields'], 25));
  fields.forEach((field, index) => {
    problems.push(...requiredText([...path, 'fields', index, 'name'], field.name, 256));
    problems.push(...requiredText([...path, 'fields', index, 'value'], field.value, 1024));
  });
  return problems;
}

function embedSize(embed: APIEmbed): number {
  const texts = [embed.title, embed.description, embed.footer?.text, embed.author?.name];
  for (const field of embed.fields ?? []) texts.push(field.name, field.value);
  return texts.reduce((total, text) => total + characters(text ?? ''), 0);
}

function requiredText(path: Array<string | number>, value: string | undefined, limit: number): FormProblem[] {
  if (value === undefined || characters(value) === 0) {
    return [{ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  }
  return maxLength(path, value, limit);
}

function maxLength(path: Array<string | number>, value: string, limit: number): FormProblem[] {
  if (characters(value) <= limit) return [];
  return [{ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` }];
}

function tooMany(path: Array<string | number>, limit: number): FormProblem {
  return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` };
}

/** Discord counts characters (code points), not UTF-16 units: an emoji is one character. */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
