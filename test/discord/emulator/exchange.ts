import { performance } from 'node:perf_hooks';
import type { APIMessage } from 'discord-api-types/v10';
import type { UploadedFile } from './multipart.js';

export type CallKind = 'callback' | 'edit-original' | 'followup' | 'edit-followup' | 'delete';

/** One request the bot made with an interaction's id or token. Bodies are loose on purpose: tests poke into them. */
export interface ExchangeCall {
  kind: CallKind;
  body: any;
  files: UploadedFile[];
  /** performance.now() when the request arrived. */
  at: number;
}

export interface InteractionResponse {
  type: number;
  data?: any;
  files?: UploadedFile[];
}

/** What happened to one dispatched interaction, as seen from Discord's side. */
export interface Exchange {
  readonly interactionId: string;
  readonly token: string;
  /** The first callback (`POST /interactions/{id}/{token}/callback`); rejects after `timeoutMs` (default 5000). */
  response(timeoutMs?: number): Promise<InteractionResponse>;
  /** Every accepted callback and webhook call for this interaction, in order of arrival. */
  readonly calls: readonly ExchangeCall[];
  /** Resolves once `calls` holds at least `count` entries; rejects after `timeoutMs` (default 5000). */
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  /** The message of the reply (or of the deferred reply, or the one a button updated), if any. */
  replyMessage(): APIMessage | undefined;
  /** performance.now() when INTERACTION_CREATE was written to the socket. */
  readonly dispatchedAt: number;
  /** performance.now() when the first callback arrived. */
  readonly respondedAt?: number;
  /**
   * Delivered to an interactions endpoint: the status of the POST's response (then, if its body was refused as a
   * callback, the status Discord's callback route would have answered).
   */
  readonly httpStatus?: number;
}

interface Waiter {
  isSatisfied(): boolean;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;

export class InteractionExchange implements Exchange {
  readonly calls: ExchangeCall[] = [];
  #dispatchedAt = Number.NaN;
  #respondedAt: number | undefined;
  #httpStatus: number | undefined;
  readonly #waiters = new Set<Waiter>();

  constructor(
    readonly interactionId: string,
    readonly token: string,
    readonly replyMessage: Exchange['replyMessage'],
  ) {}

  get dispatchedAt(): number {
    return this.#dispatchedAt;
  }

  get respondedAt(): number | undefined {
    return this.#respondedAt;
  }

  get httpStatus(): number | undefined {
    return this.#httpStatus;
  }

  recordHttpStatus(status: number): void {
    this.#httpStatus = status;
  }

  markDispatched(): void {
    this.#dispatchedAt = performance.now();
  }

  record(kind: CallKind, body: unknown, files: UploadedFile[]): void {
    const at = performance.now();
    if (kind === 'callback') this.#respondedAt ??= at;
    this.calls.push({ kind, body, files, at });
    for (const waiter of this.#waiters) {
      if (waiter.isSatisfied()) this.#settle(waiter).resolve();
    }
  }

  async response(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<InteractionResponse> {
    const firstCallback = (): ExchangeCall | undefined => this.calls.find((call) => call.kind === 'callback');
    await this.#waitUntil(() => firstCallback() !== undefined, timeoutMs, 'no interaction callback');
    const callback = firstCallback();
    return { type: callback?.body.type, data: callback?.body.data, files: callback?.files ?? [] };
  }

  waitForCalls(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return this.#waitUntil(() => this.calls.length >= count, timeoutMs, `fewer than ${count} calls`);
  }

  /** Fails every pending wait, so that a test stuck on a closed emulator ends at once. */
  abandon(reason: string): void {
    for (const waiter of this.#waiters) this.#settle(waiter).reject(new Error(reason));
  }

  #waitUntil(isSatisfied: () => boolean, timeoutMs: number, failure: string): Promise<void> {
    if (isSatisfied()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        isSatisfied,
        resolve,
        reject,
        timer: setTimeout(() => {
          const seen = this.calls.map((call) => call.kind).join(', ') || 'none';
          this.#settle(waiter).reject(
            new Error(`interaction ${this.interactionId}: ${failure} within ${timeoutMs} ms (calls so far: ${seen})`),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #settle(waiter: Waiter): Waiter {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
    return waiter;
  }
}
