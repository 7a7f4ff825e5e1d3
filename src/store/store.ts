/**
 * What the bot keeps beyond a restart: pinned answers it keeps true, questions the sources did not answer, and votes
 * on answers. One small asynchronous interface, so that a database server can stand behind it as well as the SQLite
 * file of one machine (src/store/sqlite.ts). The core (library, search, answers) never imports it.
 */

/** The verdicts worth recording: the sources did not answer the question as asked. */
export type UnansweredVerdict = 'none' | 'related';

/** Where a pinned quote stands in its source: what its citation names. */
export interface QuotePlace {
  /** The source's path in the data folder (or a web page's address), as citations name it. */
  readonly file: string;
  /** 1-based first and last line of the quote in the source's text as read. */
  readonly lines: readonly [first: number, last: number];
  /** PDF: the page the quote's passage starts on. */
  readonly page?: number;
  /** The heading path the quote's passage stands under, outermost first. */
  readonly section?: readonly string[];
}

/** Whether a pinned answer still says what its source says. */
export type PinStatus = 'current' | 'changed';

/** An answer a moderator pinned, as the bot keeps track of it. */
export interface TrackedPin {
  readonly messageId: string;
  readonly channelId: string;
  /** Undefined outside a server. */
  readonly guildId: string | undefined;
  readonly question: string;
  readonly place: QuotePlace;
  /** The source's text that the answer quotes, verbatim: what is looked for after a reload. */
  readonly quote: string;
  /** SHA-256 of `quote`, hex. */
  readonly quoteHash: string;
  /** The message as last sent (Discord's JSON: `embeds` and `components`), for edits that keep the quote as pinned. */
  readonly message: string;
  readonly status: PinStatus;
  readonly pinnedAt: Date;
}

/** A question the sources did not answer. No member is named: only where and when it was asked. */
export interface RecordedQuestion {
  readonly question: string;
  readonly verdict: UnansweredVerdict;
  readonly askedAt: Date;
  readonly guildId: string | undefined;
  readonly channelId: string | undefined;
}

/** One member's vote on one answer, the member known only by a salted hash. */
export interface Vote {
  /** Salted hash of the member and the message (see voterHash): one vote per member per answer. */
  readonly voter: string;
  readonly messageId: string;
  readonly passageId: string;
  /** The passage's source and lines, for naming it once the sources have changed. */
  readonly file: string;
  readonly lines: readonly [first: number, last: number];
  readonly helpful: boolean;
  readonly votedAt: Date;
}

/** What became of a vote: new, changed from the other answer, or the same as the member's earlier one. */
export type VoteResult = 'recorded' | 'changed' | 'unchanged';

/** A passage and how many votes called it "not helpful". */
export interface PassageVotes {
  readonly passageId: string;
  readonly file: string;
  readonly lines: readonly [first: number, last: number];
  readonly notHelpful: number;
  readonly lastVotedAt: Date;
}

/**
 * What claiming a pinned answer for an edit found: `claimed`, this instance edits it; `handled`, it changed since it was
 * read, or is no longer tracked (another instance edited or let go of it); `held`, another instance is editing it.
 */
export type PinClaim = 'claimed' | 'handled' | 'held';

export interface Store {
  /** Starts tracking a pinned answer (again, if it was tracked before). */
  trackPin(pin: TrackedPin): Promise<void>;
  /** Every pinned answer tracked. */
  trackedPins(): Promise<TrackedPin[]>;
  /** Changes what is kept of a tracked pin after its message was edited, and lets go of any claim on it. */
  updatePin(messageId: string, change: Pick<TrackedPin, 'place' | 'message' | 'status'>): Promise<void>;
  /**
   * Claims a tracked pin for one edit, so that of several instances checking the same pins after a reload exactly one
   * edits each. Succeeds when the pin's message is still `seenMessage` and no other holder's claim is running; the
   * claim runs for `holdMs`, so that one held by an instance that died lapses and another can take the pin.
   */
  claimPin(messageId: string, seenMessage: string, holder: string, holdMs: number): Promise<PinClaim>;
  /** Lets go of a claim without an edit (the edit failed; the next check tries again). */
  releasePin(messageId: string, holder: string): Promise<void>;
  /** Stops tracking these answers (unpinned, or their message deleted). */
  untrackPins(messageIds: readonly string[]): Promise<void>;

  recordQuestion(question: RecordedQuestion): Promise<void>;
  /** The questions recorded since `since`, newest first. */
  questionsSince(since: Date): Promise<RecordedQuestion[]>;
  /** Forgets the questions asked before `before`; resolves to how many were forgotten. */
  forgetQuestionsBefore(before: Date): Promise<number>;

  /** The salt that votes are hashed with, made once per database. */
  voteSalt(): Promise<string>;
  vote(vote: Vote): Promise<VoteResult>;
  /** Passages voted "not helpful" since `since`, most votes first, at most `limit`. */
  notHelpfulPassages(since: Date, limit: number): Promise<PassageVotes[]>;

  close(): Promise<void>;
}
