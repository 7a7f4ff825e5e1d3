/**
 * `npm run serve`'s HTTP server, on Node's own `http`: Discord's interactions endpoint, the playground page and its
 * API, the JSON API, health and metrics. Every response is JSON or text written here; no error reaches a client as
 * more than one plain sentence.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { REST } from '@discordjs/rest';
import {
  InteractionResponseType,
  InteractionType,
  type APIInteraction,
  type APIInteractionResponse,
} from 'discord-api-types/v10';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { toJson } from '../answer/json.js';
import type { ServeConfig } from '../config.js';
import { AnswerCooldown } from '../interactions/cooldown.js';
import { handleInteraction, type SharedServices } from '../interactions/handle.js';
import { DEFAULT_TOP, type Library } from '../library.js';
import type { Logger } from '../log.js';
import type { LiveLibrary } from '../reload.js';
import { describeSearch } from '../semantic/progress.js';
import { fromPayload } from './interaction-port.js';
import { createInteractionWebhookRest } from '../discord/interaction-webhook.js';
import { restMessageEditor } from '../discord/message-editor.js';
import { PinTracker } from '../interactions/pinned-answers.js';
import type { Store } from '../store/store.js';
import { ServerMetrics } from './metrics.js';
import { runPlayground } from './playground.js';
import { publicKeyFromHex, isSignedByDiscord } from './signature.js';

/**
 * The largest body accepted on /interactions. An interaction is a few KiB; a button's carries its whole message
 * (at most 6,000 characters of embeds, in UTF-8 up to four bytes each, plus components and fields).
 */
export const INTERACTION_BODY_LIMIT_BYTES = 256 * 1024;
/** The largest body accepted from the playground page: a question, or a button and the message it is on. */
export const PLAYGROUND_BODY_LIMIT_BYTES = 64 * 1024;
/** Time to receive a request's headers, and the whole request: a client that sends slowly is cut off. */
const HEADERS_TIME_LIMIT_MS = 5_000;
const REQUEST_TIME_LIMIT_MS = 10_000;
/** Time to answer a request once received; past it, a 503. Discord itself waits only 3 s for an interaction. */
export const RESPONSE_TIME_LIMIT_MS = 10_000;
/** The most ranked passages /api/ask returns. */
const MAX_TOP = 100;

/**
 * The playground's folder, at the top of the repository: found upwards from this module, which runs from src/http
 * under tsx, from dist/http under `npm run serve`, and from elsewhere when built into another folder.
 */
function findPageDir(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'playground', 'index.html'))) return path.join(dir, 'playground');
    if (path.dirname(dir) === dir) throw new Error('the playground/ folder of the repository was not found');
  }
}
const PAGE_FILES = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/playground.js', 'playground.js', 'text/javascript; charset=utf-8'],
  ['/playground.css', 'playground.css', 'text/css; charset=utf-8'],
] as const;

/** The page takes its script and style from this server only, and nothing runs inline. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export type ServerSettings = Pick<ServeConfig, 'publicKey' | 'token' | 'apiUrl' | 'sourceBaseUrl' | 'answerCooldown' | 'rateLimit'> &
  Partial<Pick<ServeConfig, 'storage'>>;

class TooLargeError extends Error {
  override name = 'TooLargeError';
}

/** A request that cannot be served as sent: answered with its status and one sentence. */
class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > limit) throw new TooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve) => {
    if (response.headersSent) return resolve();
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    // Settled also when the client went away first (Discord gives up after 3 s): nothing waits for ever.
    response.once('close', () => resolve());
    response.end(body, () => resolve());
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  return send(response, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isInteractionPayload(value: unknown): value is APIInteraction {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'number';
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new RequestError(400, 'The body is not JSON.');
  }
}

interface Route {
  readonly path: string;
  /** For the metrics: a fixed name, never the path a client sent. */
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** Counted against the address's share (HTTP_RATE_LIMIT). */
  readonly limited: boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** What handlers share, for Discord's interactions and for the playground's. */
interface ServicesByCaller {
  readonly discord: SharedServices;
  readonly playground: SharedServices;
}

export interface HttpServerOptions {
  readonly settings: ServerSettings;
  readonly logger: Logger;
}

/** The server; it answers /healthz and /metrics at once, and everything else once `serveFrom` gives it the sources. */
export class HttpServer {
  readonly metrics: ServerMetrics;
  readonly #server: Server;
  readonly #logger: Logger;
  readonly #settings: ServerSettings;
  readonly #routes: Map<string, Route>;
  readonly #rateLimiter: RateLimiterMemory | undefined;
  readonly #rest: REST;
  readonly #webhooks: REST;
  readonly #cooldown: AnswerCooldown | undefined;
  readonly #page: Map<string, { type: string; body: Buffer }>;
  #live: LiveLibrary | undefined;
  #closed = false;
  /** Keeps pinned answers true after each reload: set by `serveFrom` when there is a store and a bot token. */
  pins: PinTracker | undefined;
  /** Set once the sources are indexed. */
  #services: ServicesByCaller | undefined;

  constructor({ settings, logger }: HttpServerOptions) {
    this.#settings = settings;
    this.#logger = logger;
    this.metrics = new ServerMetrics(() => this.#live?.current);
    this.#rateLimiter =
      settings.rateLimit && new RateLimiterMemory({ points: settings.rateLimit.requests, duration: settings.rateLimit.windowSeconds });
    this.#rest = new REST(settings.apiUrl ? { api: settings.apiUrl } : {});
    if (settings.token !== undefined) this.#rest.setToken(settings.token);
    this.#webhooks = createInteractionWebhookRest(settings.apiUrl ? { api: settings.apiUrl } : {});
    this.#cooldown = settings.answerCooldown && new AnswerCooldown(settings.answerCooldown);
    const pageDir = findPageDir();
    this.#page = new Map(PAGE_FILES.map(([route, file, type]) => [route, { type, body: readFileSync(path.join(pageDir, file)) }]));
    this.#routes = this.#defineRoutes();
    this.#server = createServer({ requestTimeout: REQUEST_TIME_LIMIT_MS, headersTimeout: HEADERS_TIME_LIMIT_MS }, (request, response) => {
      void this.#handle(request, response);
    });
  }

  /**
   * Starts answering from `live`: /healthz turns 200, and every reload is counted. With `store`, Discord's
   * interactions get tracked pins, recorded questions, /gaps and votes, and pinned answers are checked after every
   * reload (with the bot's token: the interaction's has expired by then). `announceReindex` tells the other instances
   * sharing this one's database of a /reindex.
   */
  serveFrom(live: LiveLibrary, store?: Store, announceReindex?: () => Promise<void>): void {
    const shared = { live, sourceBaseUrl: this.#settings.sourceBaseUrl, logger: this.#logger, announceReindex };
    const storage = this.#settings.storage;
    this.#services = {
      discord: {
        ...shared,
        cooldown: this.#cooldown,
        onHandled: (handled) => this.metrics.interaction(handled),
        ...(store && { store }),
        ...(storage && { recording: storage }),
      },
      // The playground's visitors are held to the per-address limit instead of the per-member one.
      playground: { ...shared, cooldown: undefined, onHandled: (handled) => this.metrics.playground(handled) },
    };
    this.#live = live;
    live.onReload((result) => this.metrics.reload(result));
    if (store && this.#settings.token !== undefined) {
      const tracker = new PinTracker({
        store,
        editor: restMessageEditor(this.#rest),
        sourceBaseUrl: this.#settings.sourceBaseUrl,
        logger: this.#logger,
        claimMs: storage?.pinClaimMs,
      });
      this.pins = tracker;
      const check = (library: Library) =>
        tracker.check(library).catch((error: unknown) => this.#logger.warn({ err: error }, 'could not check the pinned answers'));
      live.onReload((result) => {
        if (result.ok && !this.#closed) void check(result.library);
      });
      // The sources may have changed while the server was not running.
      void check(live.current);
    }
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Stops taking connections, ends the open ones, and lets requests to Discord already sent finish. */
  async close(): Promise<void> {
    this.#closed = true;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = this.#routes.get(url.pathname);
    const timer = setTimeout(() => {
      void sendJson(response, 503, { error: 'The server took too long to answer. Try again.' }, { connection: 'close' });
    }, RESPONSE_TIME_LIMIT_MS);
    try {
      if (route === undefined) throw new RequestError(404, 'Nothing is here.');
      if (request.method !== route.method) {
        response.setHeader('allow', route.method);
        throw new RequestError(405, `Use ${route.method} here.`);
      }
      if (route.limited && !(await this.#admit(request, response))) return;
      await route.handle(request, response, url);
    } catch (error) {
      if (error instanceof RequestError) {
        await sendJson(response, error.status, { error: error.message });
      } else if (error instanceof TooLargeError) {
        await sendJson(response, 413, { error: 'The body is too large.' }, { connection: 'close' });
      } else {
        this.#logger.error({ err: error, route: route?.name }, 'request failed');
        await sendJson(response, 500, { error: 'Something went wrong on the server. It has been logged.' });
      }
    } finally {
      clearTimeout(timer);
      this.metrics.request(route?.name ?? 'unknown', response.statusCode);
    }
  }

  /** Per address: false, once answered with 429 and when to come back, when the address has had its share. */
  async #admit(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    if (this.#rateLimiter === undefined) return true;
    try {
      await this.#rateLimiter.consume(request.socket.remoteAddress ?? 'unknown');
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      await sendJson(response, 429, { error: `Too many requests. Try again in ${seconds} s.` }, { 'retry-after': String(seconds) });
      return false;
    }
  }

  #liveOrUnavailable(): LiveLibrary {
    return this.#servicesOrUnavailable().discord.live;
  }

  #servicesOrUnavailable(): ServicesByCaller {
    if (this.#services === undefined) throw new RequestError(503, 'The sources are still being indexed. Try again in a moment.');
    return this.#services;
  }

  #defineRoutes(): Map<string, Route> {
    const routes: Route[] = [
      {
        path: '/healthz',
        name: 'healthz',
        method: 'GET',
        limited: false,
        handle: async (_request, response) => {
          const library = this.#live?.current;
          if (library === undefined) return sendJson(response, 503, { status: 'indexing' });
          await sendJson(response, 200, { status: 'ok', sources: library.sources.length, passages: library.passages.length });
        },
      },
      {
        path: '/metrics',
        name: 'metrics',
        method: 'GET',
        limited: false,
        handle: async (_request, response) => {
          await send(response, 200, this.metrics.registry.contentType, await this.metrics.registry.metrics());
        },
      },
      {
        path: '/api/ask',
        name: 'api-ask',
        method: 'GET',
        limited: true,
        handle: async (_request, response, url) => {
          const question = url.searchParams.get('q') ?? '';
          if (question.trim() === '') throw new RequestError(400, 'Ask a question: /api/ask?q=your+question');
          const topParam = url.searchParams.get('top');
          const top = topParam === null ? DEFAULT_TOP : Number(topParam);
          if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
            throw new RequestError(400, `top takes a whole number from 1 to ${MAX_TOP} (got "${topParam}").`);
          }
          const started = performance.now();
          const answer = await this.#liveOrUnavailable().current.answer(question, { top });
          await sendJson(response, 200, toJson(answer));
          this.metrics.answer('api', answer.verdict, (performance.now() - started) / 1000);
        },
      },
      {
        path: '/api/sources',
        name: 'api-sources',
        method: 'GET',
        limited: true,
        handle: async (_request, response) => {
          const library = this.#liveOrUnavailable().current;
          await sendJson(response, 200, {
            search: describeSearch(library.searchStatus),
            sources: library.sources.map(({ file, title }) => ({ file, title, passages: library.passagesOf(file).length })),
          });
        },
      },
      {
        path: '/api/playground',
        name: 'playground-api',
        method: 'POST',
        limited: true,
        handle: async (request, response) => {
          const body = parseJson(await readBody(request, PLAYGROUND_BODY_LIMIT_BYTES));
          const services = this.#servicesOrUnavailable().playground;
          const result = await runPlayground(body, services);
          if (result === undefined) throw new RequestError(400, 'Send {"question": "…"}, or {"customId": "…", "message": {…}} for a button.');
          await sendJson(response, 200, result);
        },
      },
      ...PAGE_FILES.map(([route]): Route => ({
        path: route,
        name: route === '/' ? 'playground' : 'playground-asset',
        method: 'GET',
        // The page itself is counted; its script and style come with it.
        limited: route === '/',
        handle: async (_request, response) => {
          const file = this.#page.get(route);
          if (file === undefined) throw new RequestError(404, 'Nothing is here.');
          await send(response, 200, file.type, file.body, PAGE_HEADERS);
        },
      })),
    ];
    if (this.#settings.publicKey !== undefined) {
      const key = publicKeyFromHex(this.#settings.publicKey);
      routes.push({
        path: '/interactions',
        name: 'interactions',
        method: 'POST',
        limited: false,
        handle: (request, response) => this.#interaction(request, response, key),
      });
    }
    return new Map(routes.map((route) => [route.path, route]));
  }

  async #interaction(request: IncomingMessage, response: ServerResponse, key: ReturnType<typeof publicKeyFromHex>): Promise<void> {
    const receivedAt = performance.now();
    const body = await readBody(request, INTERACTION_BODY_LIMIT_BYTES);
    // Checked on the bytes as they came, before anything reads them.
    if (!isSignedByDiscord(key, header(request, 'x-signature-ed25519'), header(request, 'x-signature-timestamp'), body)) {
      throw new RequestError(401, 'Invalid request signature.');
    }
    const payload = parseJson(body);
    if (!isInteractionPayload(payload)) throw new RequestError(400, 'The body is not an interaction.');
    if (payload.type === InteractionType.Ping) {
      await sendJson(response, 200, { type: InteractionResponseType.Pong } satisfies APIInteractionResponse);
      return;
    }
    const services = this.#servicesOrUnavailable().discord;
    let firstSent!: () => void;
    const sent = new Promise<void>((resolve) => (firstSent = resolve));
    const respond = async (answer: APIInteractionResponse) => {
      await sendJson(response, 200, answer);
      firstSent();
    };
    let port;
    try {
      port = fromPayload(payload, { rest: this.#rest, webhooks: this.#webhooks, respond });
    } catch (error) {
      this.#logger.warn({ err: error, type: payload.type }, 'dropped an interaction that could not be read');
      throw new RequestError(400, 'The interaction could not be read.');
    }
    if (port === undefined) throw new RequestError(400, 'This kind of interaction is not answered here.');
    // The handler goes on after its first response (follow-ups, edits): the request is done once that is sent.
    const handled = handleInteraction(port, services, receivedAt);
    await Promise.race([sent, handled]);
    void handled.then(() => {
      if (!response.headersSent) {
        this.#logger.error({ id: port.id }, 'an interaction handler finished without responding');
        void sendJson(response, 500, { error: 'No response.' });
      }
    });
  }
}
