import { performance } from 'node:perf_hooks';
import type { AnswerCooldownSettings } from '../config.js';
import { slowDown } from '../messages.js';

export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly retryInMs: number };

/**
 * Fair use: each member gets at most `answers` answers in any `windowMs` (a sliding window). Members whose last
 * answer is a whole window old are forgotten, so memory follows the members active lately, not every member seen.
 */
export class AnswerCooldown {
  readonly settings: AnswerCooldownSettings;
  readonly #now: () => number;
  /** When each member's answers of the current window were given, oldest first. */
  readonly #recent = new Map<string, number[]>();
  #lastSweep: number;

  constructor(settings: AnswerCooldownSettings, now: () => number = () => performance.now()) {
    this.settings = settings;
    this.#now = now;
    this.#lastSweep = now();
  }

  /** Counts an answer for the member, or says how long until they may have the next one. */
  admit(memberId: string): Admission {
    const now = this.#now();
    const { answers, windowMs } = this.settings;
    this.#forgetIdleMembers(now);
    const times = (this.#recent.get(memberId) ?? []).filter((time) => time > now - windowMs);
    const oldest = times[0];
    if (oldest !== undefined && times.length >= answers) {
      this.#recent.set(memberId, times);
      return { admitted: false, retryInMs: oldest + windowMs - now };
    }
    times.push(now);
    this.#recent.set(memberId, times);
    return { admitted: true };
  }

  /** How many members are remembered. */
  get membersRemembered(): number {
    return this.#recent.size;
  }

  /** Once a window: a full pass costs as little as possible and no member is remembered for long after going quiet. */
  #forgetIdleMembers(now: number): void {
    const { windowMs } = this.settings;
    if (now - this.#lastSweep < windowMs) return;
    this.#lastSweep = now;
    for (const [memberId, times] of this.#recent) {
      if ((times.at(-1) ?? 0) <= now - windowMs) this.#recent.delete(memberId);
    }
  }
}

/** "Slow down — you get 5 answers every 10 s. Try again in 4 s." */
export function slowDownNotice(retryInMs: number, { answers, windowMs }: AnswerCooldownSettings): string {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  const share = answers === 1 ? '1 answer' : `${answers} answers`;
  return slowDown(share, windowMs / 1000, seconds);
}
