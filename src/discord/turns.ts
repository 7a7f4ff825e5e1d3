import { performance } from 'node:perf_hooks';

/** The most items one turn may start, however quick they are: a bound on how long a turn can surprise us by. */
const MAX_PER_TURN = 64;

/**
 * The fewest items a turn starts, however slow they are: a few that arrive together still start together, as they did
 * before turns (four admins' /reindex at once share one rebuild), and a turn of slow ones stays well under a second.
 */
const MIN_PER_TURN = 4;

/** Started items are dropped from the front of the queue once this many have piled up there (see #forgetStarted). */
const STARTED_KEPT = 1024;

/**
 * Starts queued work in turns of a few milliseconds, handing the event loop back between turns.
 *
 * Why: under a burst of interactions, Node reads up to 32 chunks of 64 KiB from the gateway socket in one go (over a
 * thousand interactions), and discord.js hands every one of them to its handler as it is read. Answering them all in
 * one stretch kept Node from serving any other socket: no reply could leave, and no answer from Discord be read,
 * until the whole burst was answered, so the first members waited as long as the last. With hybrid search (tens of
 * milliseconds a question) that stretch lasts tens of seconds, and requests waiting that long time out in
 * @discordjs/rest (15 s) and are sent again. Taken in turns, replies leave while later interactions wait for theirs.
 *
 * An item runs until its first await, and a handler does most of its work after one (it awaits the question's
 * vector), in the same turn: so a turn's length shows only when the event loop comes back. Turns shorter than the
 * target let the next one start twice as many items; longer ones, half as many.
 */
export class TurnTaking {
  readonly #targetMs: number;
  #perTurn = MIN_PER_TURN;
  /** Started items are undefined until dropped: the queue holds each interaction only until its handler starts. */
  #queue: Array<(() => void) | undefined> = [];
  /** Index of the next item of #queue to start: shifting an array of thousands on each start would cost more. */
  #next = 0;
  #scheduled = false;
  /** When the current turn started; undefined while no turn is under way. */
  #turnStartedAt: number | undefined;

  constructor(targetMs: number) {
    this.#targetMs = targetMs;
  }

  /** Items waiting for their turn. */
  get waiting(): number {
    return this.#queue.length - this.#next;
  }

  /** `start` should not throw: it is called from the event loop, where nothing would catch it. */
  push(start: () => void): void {
    this.#queue.push(start);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#turn);
    }
  }

  readonly #turn = (): void => {
    const now = performance.now();
    if (this.#turnStartedAt !== undefined) {
      const tookMs = now - this.#turnStartedAt;
      this.#perTurn =
        tookMs < this.#targetMs ? Math.min(this.#perTurn * 2, MAX_PER_TURN) : Math.max(MIN_PER_TURN, this.#perTurn >> 1);
    }
    this.#turnStartedAt = now;
    try {
      const end = Math.min(this.#queue.length, this.#next + this.#perTurn);
      while (this.#next < end) {
        const start = this.#queue[this.#next] as () => void;
        this.#queue[this.#next] = undefined;
        this.#next++;
        start();
      }
    } finally {
      // Even if an item threw, the items behind it get their turn.
      if (this.#next < this.#queue.length) {
        this.#forgetStarted();
        setImmediate(this.#turn);
      } else {
        this.#queue = [];
        this.#next = 0;
        this.#scheduled = false;
        this.#turnStartedAt = undefined;
      }
    }
  };

  /**
   * Under steady load the queue may never empty: without this its front would grow by every interaction ever
   * started. Dropped when they are at least half the queue, so each item is moved at most once on average.
   */
  #forgetStarted(): void {
    if (this.#next < STARTED_KEPT || this.#next * 2 < this.#queue.length) return;
    this.#queue.splice(0, this.#next);
    this.#next = 0;
  }
}
