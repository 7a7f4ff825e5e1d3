/** The Store over any database Kysely speaks to: the queries are the same for SQLite and PostgreSQL. */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type {
  PassageVotes,
  PinClaim,
  PinStatus,
  QuotePlace,
  RecordedQuestion,
  Store,
  TrackedPin,
  UnansweredVerdict,
  Vote,
  VoteResult,
} from './store.js';

/** Times are kept as milliseconds; PostgreSQL returns a bigint as a string, SQLite as a number. */
type Millis = number | string | bigint;

interface PinsTable {
  message_id: string;
  channel_id: string;
  guild_id: string | null;
  question: string;
  file: string;
  first_line: number;
  last_line: number;
  page: number | null;
  section: string | null;
  quote: string;
  quote_hash: string;
  message: string;
  status: string;
  pinned_at: Millis;
  /** Which instance is editing the pin, until when: null when none is. */
  claimed_by: string | null;
  claimed_until: Millis | null;
}

interface QuestionsTable {
  question: string;
  verdict: string;
  asked_at: Millis;
  guild_id: string | null;
  channel_id: string | null;
}

interface VotesTable {
  voter: string;
  message_id: string;
  passage_id: string;
  file: string;
  first_line: number;
  last_line: number;
  helpful: number;
  voted_at: Millis;
}

interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  pins: PinsTable;
  questions: QuestionsTable;
  votes: VotesTable;
  settings: SettingsTable;
}

const VOTE_SALT_KEY = 'vote_salt';
/** Bytes of randomness in the vote salt. */
const VOTE_SALT_BYTES = 32;

function placeColumns(place: QuotePlace) {
  return {
    file: place.file,
    first_line: place.lines[0],
    last_line: place.lines[1],
    page: place.page ?? null,
    section: place.section === undefined ? null : JSON.stringify(place.section),
  };
}

function pinOf(row: Selectable<PinsTable>): TrackedPin {
  const section = row.section === null ? undefined : (JSON.parse(row.section) as string[]);
  return {
    messageId: row.message_id,
    channelId: row.channel_id,
    guildId: row.guild_id ?? undefined,
    question: row.question,
    place: {
      file: row.file,
      lines: [Number(row.first_line), Number(row.last_line)],
      ...(row.page !== null && { page: Number(row.page) }),
      ...(section !== undefined && { section }),
    },
    quote: row.quote,
    quoteHash: row.quote_hash,
    message: row.message,
    status: row.status as PinStatus,
    pinnedAt: new Date(Number(row.pinned_at)),
  };
}

export class KyselyStore implements Store {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async trackPin(pin: TrackedPin): Promise<void> {
    const columns = {
      channel_id: pin.channelId,
      guild_id: pin.guildId ?? null,
      question: pin.question,
      ...placeColumns(pin.place),
      quote: pin.quote,
      quote_hash: pin.quoteHash,
      message: pin.message,
      status: pin.status,
      pinned_at: pin.pinnedAt.getTime(),
      claimed_by: null,
      claimed_until: null,
    };
    await this.#db
      .insertInto('pins')
      .values({ message_id: pin.messageId, ...columns })
      .onConflict((conflict) => conflict.column('message_id').doUpdateSet(columns))
      .execute();
  }

  async trackedPins(): Promise<TrackedPin[]> {
    const rows = await this.#db.selectFrom('pins').selectAll().orderBy('pinned_at').execute();
    return rows.map(pinOf);
  }

  async updatePin(messageId: string, change: Pick<TrackedPin, 'place' | 'message' | 'status'>): Promise<void> {
    await this.#db
      .updateTable('pins')
      .set({ ...placeColumns(change.place), message: change.message, status: change.status, claimed_by: null, claimed_until: null })
      .where('message_id', '=', messageId)
      .execute();
  }

  async claimPin(messageId: string, seenMessage: string, holder: string, holdMs: number): Promise<PinClaim> {
    const now = Date.now();
    // One statement: of instances claiming at once, the database lets exactly one update the row.
    const { numUpdatedRows } = await this.#db
      .updateTable('pins')
      .set({ claimed_by: holder, claimed_until: now + holdMs })
      .where('message_id', '=', messageId)
      .where('message', '=', seenMessage)
      .where((row) => row.or([row('claimed_until', 'is', null), row('claimed_until', '<', now), row('claimed_by', '=', holder)]))
      .executeTakeFirst();
    if (numUpdatedRows > 0n) return 'claimed';
    const current = await this.#db.selectFrom('pins').select('message').where('message_id', '=', messageId).executeTakeFirst();
    return current?.message === seenMessage ? 'held' : 'handled';
  }

  async releasePin(messageId: string, holder: string): Promise<void> {
    await this.#db
      .updateTable('pins')
      .set({ claimed_by: null, claimed_until: null })
      .where('message_id', '=', messageId)
      .where('claimed_by', '=', holder)
      .execute();
  }

  async untrackPins(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.#db.deleteFrom('pins').where('message_id', 'in', [...messageIds]).execute();
  }

  async recordQuestion(question: RecordedQuestion): Promise<void> {
    await this.#db
      .insertInto('questions')
      .values({
        question: question.question,
        verdict: question.verdict,
        asked_at: question.askedAt.getTime(),
        guild_id: question.guildId ?? null,
        channel_id: question.channelId ?? null,
      })
      .execute();
  }

  async questionsSince(since: Date): Promise<RecordedQuestion[]> {
    const rows = await this.#db
      .selectFrom('questions')
      .selectAll()
      .where('asked_at', '>=', since.getTime())
      .orderBy('asked_at', 'desc')
      .execute();
    return rows.map((row) => ({
      question: row.question,
      verdict: row.verdict as UnansweredVerdict,
      askedAt: new Date(Number(row.asked_at)),
      guildId: row.guild_id ?? undefined,
      channelId: row.channel_id ?? undefined,
    }));
  }

  async forgetQuestionsBefore(before: Date): Promise<number> {
    const result = await this.#db.deleteFrom('questions').where('asked_at', '<', before.getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async voteSalt(): Promise<string> {
    const read = () => this.#db.selectFrom('settings').select('value').where('key', '=', VOTE_SALT_KEY).executeTakeFirst();
    const existing = await read();
    if (existing !== undefined) return existing.value;
    // Two processes may start together: whichever writes first makes the salt, and both read that one.
    await this.#db
      .insertInto('settings')
      .values({ key: VOTE_SALT_KEY, value: randomBytes(VOTE_SALT_BYTES).toString('hex') })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .execute();
    const made = await read();
    if (made === undefined) throw new Error('the vote salt could not be stored');
    return made.value;
  }

  vote(vote: Vote): Promise<VoteResult> {
    return this.#db.transaction().execute(async (transaction) => {
      const helpful = vote.helpful ? 1 : 0;
      const inserted = await transaction
        .insertInto('votes')
        .values({
          voter: vote.voter,
          message_id: vote.messageId,
          passage_id: vote.passageId,
          file: vote.file,
          first_line: vote.lines[0],
          last_line: vote.lines[1],
          helpful,
          voted_at: vote.votedAt.getTime(),
        })
        .onConflict((conflict) => conflict.columns(['message_id', 'voter']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return 'recorded';
      const updated = await transaction
        .updateTable('votes')
        .set({ helpful, voted_at: vote.votedAt.getTime(), passage_id: vote.passageId, file: vote.file, first_line: vote.lines[0], last_line: vote.lines[1] })
        .where('message_id', '=', vote.messageId)
        .where('voter', '=', vote.voter)
        .where('helpful', '<>', helpful)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) > 0 ? 'changed' : 'unchanged';
    });
  }

  async notHelpfulPassages(since: Date, limit: number): Promise<PassageVotes[]> {
    const rows = await this.#db
      .selectFrom('votes')
      .select((select) => [
        'passage_id',
        select.fn.max('file').as('file'),
        select.fn.max('first_line').as('first_line'),
        select.fn.max('last_line').as('last_line'),
        select.fn.countAll().as('votes'),
        select.fn.max('voted_at').as('last_voted_at'),
      ])
      .where('helpful', '=', 0)
      .where('voted_at', '>=', since.getTime())
      .groupBy('passage_id')
      .orderBy('votes', 'desc')
      .orderBy('last_voted_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      passageId: row.passage_id,
      file: row.file,
      lines: [Number(row.first_line), Number(row.last_line)],
      notHelpful: Number(row.votes),
      lastVotedAt: new Date(Number(row.last_voted_at)),
    }));
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
