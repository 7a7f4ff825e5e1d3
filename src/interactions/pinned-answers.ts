/**
 * Pinned answers kept true when the sources change. A moderator's pin records the quote and where it stands; after
 * every reload each tracked pin is looked for in the new sources:
 * - the same text at the same place: nothing to do;
 * - the same text at other lines (or under another heading or page): the citation is edited, quietly;
 * - the text changed, or its source is gone: the quote stays as it was pinned (it is the record), and a notice that
 *   the source has changed is added, with a button that shows the current answer to the same question.
 * Written once for both transports, against the MessageEditor port.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ButtonStyle, RESTJSONErrorCodes, type APIEmbed } from 'discord-api-types/v10';
import type { Passage } from '../corpus/types.js';
import { DEFAULT_PIN_CLAIM_SECONDS } from '../config.js';
import type { Library } from '../library.js';
import type { Logger } from '../log.js';
import type { QuotePlace, Store, TrackedPin } from '../store/store.js';
import { citation } from '../discord/render/citation.js';
import { shownFocus } from '../discord/render/quote.js';
import { SOURCE_CHANGED_SINCE_PINNED } from '../messages.js';
import { discordErrorCode } from './discord-errors.js';
import type { MessageEditor, OutgoingMessage } from './port.js';
import { button, type ButtonRow } from './components/buttons.js';
import { matchesFor, pickedView } from './components/answer-pages.js';
import { parseShowSourceCustomId, showSourceCustomId } from './components/show-source.js';
import { parseVoteCustomId, voteCustomId } from './components/feedback.js';

/** The custom_id of the button a changed pin gets: the current best passage for its question (current-answer.ts). */
export const CURRENT_ANSWER_CUSTOM_ID = 'current';
/**
 * Edits started a second at most after a reload: below the 50 requests a second Discord allows a bot in all
 * (topics/rate-limits.mdx), with room left for pins, replies' edits and the lists of pins. Range 1–50.
 */
const EDITS_PER_SECOND = 40;
/** How often pins another instance is editing are looked at again, until it has edited them or its claims lapse. */
const HELD_RECHECK_MS = 1_000;
/** Amber: a warning, distinct from the answer's blue. */
const NOTICE_COLOUR = 0xd69e2e;

/** What is kept of a pinned message to edit it later: Discord's JSON of its embeds and buttons. */
interface PinnedMessage {
  readonly embeds: APIEmbed[];
  readonly components: ButtonRow[];
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/** The lines of every place `quote` stands in `text`. */
function linesOf(text: string, quote: string): [number, number][] {
  const found: [number, number][] = [];
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    found.push([lineAt(text, at), lineAt(text, at + Math.max(0, quote.length - 1))]);
  }
  return found;
}

function placeOf(file: string, lines: readonly [number, number], passage: Passage | undefined): QuotePlace {
  return {
    file,
    lines,
    ...(passage?.page !== undefined && { page: passage.page }),
    ...(passage?.section !== undefined && { section: passage.section }),
  };
}

function samePlace(a: QuotePlace, b: QuotePlace): boolean {
  return (
    a.file === b.file &&
    a.lines[0] === b.lines[0] &&
    a.lines[1] === b.lines[1] &&
    a.page === b.page &&
    JSON.stringify(a.section ?? []) === JSON.stringify(b.section ?? [])
  );
}

/**
 * What to keep of an answer being pinned, or undefined when its passage is no longer in the sources (a reload came
 * between the answer and the pin: there is nothing to compare with).
 */
export async function pinRecord(
  library: Library,
  pinned: { messageId: string; channelId: string; guildId: string | undefined; question: string; passageId: string },
  message: PinnedMessage,
): Promise<TrackedPin | undefined> {
  const passage = library.passage(pinned.passageId);
  const source = passage && library.source(passage.file);
  if (!passage || !source) return undefined;
  // The quote as the answer shows it: the passage's focus for the question, not always the whole passage.
  const view = pickedView(library, pinned.question, await matchesFor(library, pinned.question), passage);
  const [start, end] = shownFocus(view.passage).quoteRange ?? [0, passage.text.length];
  const quote = passage.text.slice(start, end);
  const places = linesOf(source.text, quote);
  const lines = places.find(([first]) => first >= passage.lines[0] && first <= passage.lines[1]) ?? places[0];
  if (!lines) return undefined;
  return {
    ...pinned,
    place: placeOf(passage.file, lines, passage),
    quote,
    quoteHash: hashOf(quote),
    message: JSON.stringify(message),
    status: 'current',
    pinnedAt: new Date(),
  };
}

type PinState =
  | { readonly kind: 'same' }
  | { readonly kind: 'moved'; readonly place: QuotePlace; readonly passage: Passage | undefined }
  | { readonly kind: 'changed' };

/** Where a pin's quote stands in the library now. */
function stateOf(library: Library, pin: TrackedPin): PinState {
  const source = library.source(pin.place.file);
  if (!source || hashOf(pin.quote) !== pin.quoteHash) return { kind: 'changed' };
  const places = linesOf(source.text, pin.quote);
  if (places.length === 0) return { kind: 'changed' };
  const [before] = pin.place.lines;
  // Where the text still is at its lines, that is its place; else the nearest place it stands now.
  const lines =
    places.find(([first, last]) => first === pin.place.lines[0] && last === pin.place.lines[1]) ??
    places.reduce((best, candidate) => (Math.abs(candidate[0] - before) < Math.abs(best[0] - before) ? candidate : best));
  const passage = library.passageAtLine(source.file, lines[0]);
  const place = placeOf(source.file, lines, passage);
  return samePlace(place, pin.place) ? { kind: 'same' } : { kind: 'moved', place, passage };
}

type Button = Extract<ButtonRow['components'][number], { custom_id: string }>;

/** The rows with each button `map` returns a replacement for replaced. */
function mapButtons(components: ButtonRow[], map: (button: Button) => Button | undefined): ButtonRow[] {
  return components.map((row) => ({ ...row, components: row.components.map((component) => map(component) ?? component) }));
}

/**
 * The pinned message with its citation naming the quote's new place, and Show source and the votes pointing at the
 * passage there.
 */
function movedMessage(
  pinned: PinnedMessage,
  library: Library,
  place: QuotePlace,
  passage: Passage | undefined,
  sourceBaseUrl: string | undefined,
): PinnedMessage {
  const [first, ...rest] = pinned.embeds;
  const description = first?.description ?? '';
  const cut = description.lastIndexOf('\n\n');
  const cited = { ...(passage ?? { title: library.source(place.file)?.title ?? place.file }), ...place };
  const quote = cut === -1 ? description : description.slice(0, cut);
  const embeds = first === undefined ? [] : [{ ...first, description: `${quote}\n\n**${citation(cited, sourceBaseUrl)}**` }, ...rest];
  const components = mapButtons(pinned.components, (old) => {
    if (passage === undefined) return undefined;
    if (parseShowSourceCustomId(old.custom_id) !== undefined) return { ...old, custom_id: showSourceCustomId(passage.id) };
    const vote = parseVoteCustomId(old.custom_id);
    return vote === undefined ? undefined : { ...old, custom_id: voteCustomId(vote.helpful, passage.id) };
  });
  return { embeds, components };
}

/** The pinned message as it was pinned, with the notice that its source changed and "Current answer" for Show source. */
function changedMessage(pinned: PinnedMessage): PinnedMessage {
  const notice: APIEmbed = { color: NOTICE_COLOUR, description: SOURCE_CHANGED_SINCE_PINNED };
  const components = mapButtons(pinned.components, (old) =>
    parseShowSourceCustomId(old.custom_id) === undefined
      ? undefined
      : button(CURRENT_ANSWER_CUSTOM_ID, 'Current answer', ButtonStyle.Primary, { emoji: '🔄' }),
  );
  return { embeds: [...pinned.embeds.slice(0, 1), notice], components };
}

/** One edit to send, and the channel whose rate limit it counts against. */
interface Edit {
  readonly channelId: string;
  /** False when another instance is editing the pin: look again later. */
  send(): Promise<boolean>;
}

/**
 * The edits one channel at a time in turn (a, b, c, a, b, c…): Discord limits edits per channel, so every channel's
 * first edits go out at once rather than one channel's after another's.
 */
function roundRobin(edits: readonly Edit[]): Edit[] {
  const byChannel = new Map<string, Edit[]>();
  for (const edit of edits) byChannel.set(edit.channelId, [...(byChannel.get(edit.channelId) ?? []), edit]);
  const queues = [...byChannel.values()];
  const ordered: Edit[] = [];
  for (let turn = 0; ordered.length < edits.length; turn++) {
    for (const queue of queues) {
      const edit = queue[turn];
      if (edit) ordered.push(edit);
    }
  }
  return ordered;
}

/** Discord's answers that mean the message is gone for good: stop tracking it. */
const GONE: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
]);

/** What one check after a reload found and did. */
export interface PinCheckReport {
  readonly checked: number;
  readonly moved: number;
  readonly changed: number;
  /** No longer pinned (or deleted): no longer tracked. */
  readonly unpinned: number;
  /** Edits that failed for another reason: tried again after the next reload. */
  readonly failed: number;
  /** Pins another instance on the same database edited (or was editing when this check gave up waiting). */
  readonly editedElsewhere: number;
}

export interface PinTrackerOptions {
  readonly store: Store;
  readonly editor: MessageEditor;
  readonly sourceBaseUrl: string | undefined;
  readonly logger: Logger;
  /** Whether this process looks after the pin (a shard: only the servers it serves); every pin when absent. */
  readonly owns?: (pin: TrackedPin) => boolean;
  /**
   * How long a claim on a pin being edited runs before another instance may take it (several instances on one
   * database check the same pins): longer than an edit can wait in the REST queue under Discord's rate limits, so
   * that a claim lapses only when its instance died. Default PIN_CLAIM_SECONDS' default.
   */
  readonly claimMs?: number;
}

/** Checks the tracked pins after each reload, one check at a time, and stops tracking pins taken down. */
export class PinTracker {
  readonly #options: PinTrackerOptions;
  /** This tracker's name on its claims: the machine and process, for whoever looks at the database, and a nonce. */
  readonly #holder = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #waitingChannels = new Map<string, Promise<number>>();

  constructor(options: PinTrackerOptions) {
    this.#options = options;
  }

  /** Checks every tracked pin against `library`, after any check still running. */
  check(library: Library): Promise<PinCheckReport> {
    const run = this.#queue.then(() => this.#check(library));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The pins of a channel changed (CHANNEL_PINS_UPDATE): tracked answers no longer pinned there are let go. Events for
   * a channel whose look is still waiting share it: pinning many answers at once lists the channel's pins once.
   */
  channelPinsChanged(channelId: string): Promise<number> {
    const waiting = this.#waitingChannels.get(channelId);
    if (waiting !== undefined) return waiting;
    const run = this.#queue.then(async () => {
      this.#waitingChannels.delete(channelId);
      const pins = (await this.#owned()).filter((pin) => pin.channelId === channelId);
      return pins.length === 0 ? 0 : this.#untrackUnpinned(channelId, pins);
    });
    this.#waitingChannels.set(channelId, run);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #owned(): Promise<TrackedPin[]> {
    const { store, owns } = this.#options;
    const pins = await store.trackedPins();
    return owns === undefined ? pins : pins.filter(owns);
  }

  /** Resolves to how many were let go; a channel whose pins cannot be listed keeps its pins tracked. */
  async #untrackUnpinned(channelId: string, pins: readonly TrackedPin[]): Promise<number> {
    const { store, editor, logger } = this.#options;
    let pinned: ReadonlySet<string>;
    try {
      pinned = await editor.pinnedMessageIds(channelId);
    } catch (error) {
      if (!GONE.has(discordErrorCode(error) ?? '')) {
        logger.warn({ err: error, channelId }, "could not list a channel's pins; its pinned answers stay tracked");
        return 0;
      }
      pinned = new Set();
    }
    const gone = pins.filter((pin) => !pinned.has(pin.messageId)).map((pin) => pin.messageId);
    await store.untrackPins(gone);
    return gone.length;
  }

  async #check(library: Library): Promise<PinCheckReport> {
    const { store, editor, sourceBaseUrl, logger } = this.#options;
    const tracked = await this.#owned();
    // The HTTP transport hears of no unpinning: every channel's pins are listed before any edit.
    const channels = [...new Set(tracked.map((pin) => pin.channelId))];
    const untracked = await Promise.all(
      channels.map((channel) => this.#untrackUnpinned(channel, tracked.filter((pin) => pin.channelId === channel))),
    );
    const unpinned = untracked.reduce((sum, count) => sum + count, 0);
    const stillTracked = unpinned === 0 ? tracked : await this.#owned();

    const notices: Edit[] = [];
    const quiet: Edit[] = [];
    let moved = 0;
    let changed = 0;
    let failed = 0;
    let gone = 0;
    let editedElsewhere = 0;
    const claimMs = this.#options.claimMs ?? DEFAULT_PIN_CLAIM_SECONDS * 1000;
    /**
     * Edits unless another instance has, or is editing it (then resolves to false: look again later). Never rejects:
     * a database or Discord failing in the middle of a check costs that pin's edit until the next reload, not the bot.
     */
    const send = async (pin: TrackedPin, message: PinnedMessage, after: () => Promise<void>): Promise<boolean> => {
      const where = { channelId: pin.channelId, messageId: pin.messageId };
      let claimed = false;
      try {
        const claim = await store.claimPin(pin.messageId, pin.message, this.#holder, claimMs);
        if (claim === 'held') return false;
        if (claim === 'handled') {
          editedElsewhere++;
          return true;
        }
        claimed = true;
        await editor.editMessage(pin.channelId, pin.messageId, message satisfies OutgoingMessage);
        await after();
      } catch (error) {
        if (claimed && GONE.has(discordErrorCode(error) ?? '')) {
          gone++;
          await store.untrackPins([pin.messageId]).catch(() => undefined);
        } else {
          failed++;
          if (claimed) await store.releasePin(pin.messageId, this.#holder).catch(() => undefined);
          logger.warn({ err: error, ...where }, 'could not edit a pinned answer; it is tried again after the next reload');
        }
      }
      return true;
    };
    for (const pin of stillTracked) {
      // A pin already marked changed keeps its notice: the quote is the record of what was pinned.
      if (pin.status === 'changed') continue;
      const state = stateOf(library, pin);
      if (state.kind === 'same') continue;
      const pinned = JSON.parse(pin.message) as PinnedMessage;
      if (state.kind === 'moved') {
        moved++;
        const message = movedMessage(pinned, library, state.place, state.passage, sourceBaseUrl);
        const kept = { place: state.place, message: JSON.stringify(message), status: 'current' } as const;
        quiet.push({ channelId: pin.channelId, send: () => send(pin, message, () => store.updatePin(pin.messageId, kept)) });
      } else {
        changed++;
        const message = changedMessage(pinned);
        const kept = { place: pin.place, message: JSON.stringify(message), status: 'changed' } as const;
        notices.push({ channelId: pin.channelId, send: () => send(pin, message, () => store.updatePin(pin.messageId, kept)) });
      }
    }
    // Notices are queued first: they are what members must see soon; quiet citation fixes follow. Edits start evenly
    // spaced, below Discord's limit on all of a bot's requests, so that they never meet it (a burst of 429s) and leave
    // room for the bot's other requests; each channel's edits then wait their turn in its bucket of the REST queue.
    const sent: Promise<boolean>[] = [];
    const started = performance.now();
    const ordered = [...roundRobin(notices), ...roundRobin(quiet)];
    for (const [index, edit] of ordered.entries()) {
      const wait = started + (index * 1000) / EDITS_PER_SECOND - performance.now();
      if (wait > 0) await sleep(wait);
      sent.push(edit.send());
    }
    // Pins another instance is editing are looked at until it has (or its claim lapsed, and this one edits them).
    const done = await Promise.all(sent);
    let held = ordered.filter((_, index) => !done[index]);
    const giveUpAt = performance.now() + 2 * claimMs;
    while (held.length > 0 && performance.now() < giveUpAt) {
      await sleep(HELD_RECHECK_MS);
      const doneNow = await Promise.all(held.map((edit) => edit.send()));
      held = held.filter((_, index) => !doneNow[index]);
    }
    editedElsewhere += held.length;
    const report = { checked: stillTracked.length, moved, changed, unpinned: unpinned + gone, failed, editedElsewhere };
    if (tracked.length > 0) logger.info(report, 'pinned answers checked');
    return report;
  }
}
