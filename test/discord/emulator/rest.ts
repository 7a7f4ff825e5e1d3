import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessageType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { CommandRegistry } from './commands.js';
import {
  ApiError,
  cannotEditOthersMessage,
  invalidJson,
  missingAccess,
  unauthorized,
  unknownChannel,
  unknownRoute,
} from './errors.js';
import type { Fixtures } from './fixtures.js';
import type { InteractionRegistry } from './interactions.js';
import type { MessageBody, MessageStore } from './messages.js';
import { parseMultipart, type UploadedFile } from './multipart.js';
import { assertValidMessage } from './validation.js';
import { RateLimiter, type RateLimits } from './rate-limits.js';

export interface RestReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A REST request as the emulator received it. */
export interface RecordedRequest {
  method: string;
  /** Without `/api/v10`, percent-decoded: `/webhooks/{app}/{token}/messages/@original`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names, as Node reports them. */
  headers: Record<string, string>;
  /** Parsed JSON; for multipart bodies `{ payload_json, files }`; undefined without a body. */
  body: unknown;
  /** The status the emulator answered with. */
  status: number;
  /** `X-Audit-Log-Reason`, percent-decoded (@discordjs/rest encodes it). */
  auditLogReason?: string;
}

export interface FaultMatch {
  method?: string;
  /** Tested against the recorded path (without `/api/v10`, percent-decoded). */
  path: RegExp;
}

export interface FaultResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /**
   * Carry the request out first, then answer with this instead of the real answer: Discord did what was asked but
   * the answer says otherwise (a 500 from a proxy, a timeout), so a client that retries repeats a request that took
   * effect.
   */
  handled?: boolean;
}

/** Discord's 429: the `Retry-After` header (which @discordjs/rest reads) and the JSON body's `retry_after`, in seconds. */
export function rateLimited(retryAfterSeconds: number, scope: 'user' | 'shared' = 'user'): FaultResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-scope': scope },
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false },
  };
}

interface Fault {
  match: FaultMatch;
  response: FaultResponse;
  remaining: number;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

interface Route {
  /** `METHOD /path/:param`, as declared. */
  pattern: string;
  method: string;
  segments: string[];
  /** Interaction callbacks and webhooks are authorised by their token, not by the bot's. */
  needsBotToken: boolean;
  handle(context: RouteContext): RestReply;
}

export interface RestApiOptions {
  token: string;
  shardCount: number;
  fixtures: Fixtures;
  store: MessageStore;
  interactions: InteractionRegistry;
  commands: CommandRegistry;
  gatewayUrl(): string;
  /** A channel's pins changed (CHANNEL_PINS_UPDATE goes out on the gateway). */
  onPinsUpdate(channelId: string): void;
}

const API_PREFIX = '/api/v10';

/** Discord's REST API under /api/v10, limited to the routes a slash-command bot uses. */
export class RestApi {
  readonly requests: RecordedRequest[] = [];
  readonly #options: RestApiOptions;
  readonly #routes: Route[];
  readonly #faults: Fault[] = [];
  readonly #pendingAnswers = new Set<NodeJS.Timeout>();
  #delayMs = 0;
  #rateLimiter: RateLimiter | undefined;

  constructor(options: RestApiOptions) {
    this.#options = options;
    this.#routes = this.#defineRoutes();
  }

  /** The next `times` requests matching `match` get `response` instead of being handled. */
  failNext(match: FaultMatch, response: FaultResponse, times: number): void {
    this.#faults.push({ match, response, remaining: times });
  }

  delayAll(ms: number): void {
    this.#delayMs = ms;
  }

  /** From now on requests with the bot's token are held to `limits`; undefined lifts them. */
  setRateLimits(limits: RateLimits | undefined): void {
    this.#rateLimiter = limits && new RateLimiter(limits);
  }

  /** Drops answers still waiting for their delay, so that nothing keeps the process alive. */
  close(): void {
    for (const timer of this.#pendingAnswers) clearTimeout(timer);
    this.#pendingAnswers.clear();
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const versioned = url.pathname.startsWith(`${API_PREFIX}/`);
    const segments = (versioned ? url.pathname.slice(API_PREFIX.length) : url.pathname)
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
    const headers = flattenHeaders(request);
    const raw = await readBody(request);
    // An interaction answered over HTTP has its webhook once Discord has read the response to its POST, as here.
    if (segments[0] === 'webhooks' && segments[2] !== undefined) await this.#options.interactions.whenDelivered(segments[2]);

    const recorded: RecordedRequest = {
      method,
      path: `/${segments.join('/')}`,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: undefined,
      status: 0,
    };
    if (headers['x-audit-log-reason'] !== undefined) {
      recorded.auditLogReason = decodeURIComponent(headers['x-audit-log-reason']);
    }

    let reply: RestReply;
    let fault: FaultResponse | undefined;
    try {
      const { body, files, recordedBody } = parseBody(raw, headers['content-type']);
      recorded.body = recordedBody;
      fault = this.#takeFault(method, recorded.path);
      if (fault !== undefined && !fault.handled) {
        reply = faultReply(fault);
      } else {
        if (!versioned) throw unknownRoute();
        reply = this.#route(method, segments, headers.authorization, { query: url.searchParams, body, files });
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      reply = { status: error.status, body: error.body };
    }
    if (fault?.handled) reply = faultReply(fault);
    const delayMs = this.#delayMs + (fault?.delayMs ?? 0);
    recorded.status = reply.status;
    this.requests.push(recorded);
    this.#answer(response, reply, delayMs);
  }

  #route(
    method: string,
    segments: string[],
    authorization: string | undefined,
    context: Omit<RouteContext, 'params'>,
  ): RestReply {
    for (const route of this.#routes) {
      const params = matchRoute(route, method, segments);
      if (params === undefined) continue;
      if (route.needsBotToken && authorization !== `Bot ${this.#options.token}`) throw unauthorized();
      // Interaction callbacks and webhooks are not held to the bot's limits.
      const taken = route.needsBotToken ? this.#rateLimiter?.take(route.pattern, params.channel ?? '') : undefined;
      if (taken && 'refused' in taken) return taken.refused;
      const reply = route.handle({ ...context, params });
      return taken ? { ...reply, headers: { ...reply.headers, ...taken.headers } } : reply;
    }
    throw unknownRoute();
  }

  #takeFault(method: string, path: string): FaultResponse | undefined {
    const fault = this.#faults.find(
      ({ match, remaining }) =>
        remaining > 0 && (match.method === undefined || match.method.toUpperCase() === method) && match.path.test(path),
    );
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
    return fault.response;
  }

  #answer(response: ServerResponse, reply: RestReply, delayMs: number): void {
    const send = (): void => {
      const hasBody = reply.body !== undefined && reply.status !== 204;
      response.writeHead(reply.status, {
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...reply.headers,
      });
      response.end(hasBody ? JSON.stringify(reply.body) : undefined);
    };
    if (delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.#pendingAnswers.delete(timer);
      send();
    }, delayMs);
    this.#pendingAnswers.add(timer);
  }

  #defineRoutes(): Route[] {
    const { fixtures, store, interactions, commands } = this.#options;
    const ok = (body: unknown): RestReply => ({ status: 200, body });
    const noContent: RestReply = { status: 204 };

    const application = (params: Record<string, string>): void => {
      if (params.application !== fixtures.applicationId) throw missingAccess();
    };
    /** Guild commands only exist where the application is installed. */
    const commandGuild = (params: Record<string, string>): string => {
      application(params);
      if (params.guild !== fixtures.guildId) throw missingAccess();
      return params.guild;
    };
    const channel = (params: Record<string, string>): string => {
      if (params.channel === undefined || !fixtures.channelIds.includes(params.channel)) throw unknownChannel();
      return params.channel;
    };
    const commandList = (body: unknown): RESTPostAPIApplicationCommandsJSONBody[] => {
      if (!Array.isArray(body)) {
        throw ApiError.invalidForm([{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
      }
      return body as RESTPostAPIApplicationCommandsJSONBody[];
    };
    const webhookMessage = ({ params }: RouteContext): { application: string; token: string; message: string } => ({
      application: param(params, 'application'),
      token: param(params, 'token'),
      message: param(params, 'message'),
    });
    const pin = ({ params }: RouteContext): RestReply => {
      const channelId = channel(params);
      const wasPinned = store.inChannel(channelId, param(params, 'message')).pinned;
      store.pin(channelId, param(params, 'message'));
      if (!wasPinned) this.#options.onPinsUpdate(channelId);
      return noContent;
    };
    const unpin = ({ params }: RouteContext): RestReply => {
      const channelId = channel(params);
      store.unpin(channelId, param(params, 'message'));
      this.#options.onPinsUpdate(channelId);
      return noContent;
    };
    const pinsNewestFirst = (channelId: string) =>
      store
        .pins(channelId)
        .toReversed()
        .map((entry) => ({ pinnedAt: entry.pinnedAt, message: store.inChannel(channelId, entry.messageId) }));

    return [
      route('GET /gateway', false, () => ok({ url: this.#options.gatewayUrl() })),
      route('GET /gateway/bot', true, () =>
        ok({
          url: this.#options.gatewayUrl(),
          shards: this.#options.shardCount,
          // One identify bucket per shard lets all shards identify at once, as for bots with
          // a raised max_concurrency; discord.js then needs no 5 s pause between shards.
          session_start_limit: {
            total: 1000,
            remaining: 1000,
            reset_after: 86_400_000,
            max_concurrency: this.#options.shardCount,
          },
        }),
      ),
      route('GET /users/@me', true, () => ok(fixtures.botUser)),
      route('GET /applications/@me', true, () => ok(fixtures.application)),

      route('GET /applications/:application/commands', true, ({ params }) => {
        application(params);
        return ok(commands.list());
      }),
      route('PUT /applications/:application/commands', true, ({ params, body }) => {
        application(params);
        return ok(commands.overwrite(undefined, commandList(body)));
      }),
      route('POST /applications/:application/commands', true, ({ params, body }) => {
        application(params);
        return { status: 201, body: commands.create(undefined, body as RESTPostAPIApplicationCommandsJSONBody) };
      }),
      route('DELETE /applications/:application/commands/:command', true, ({ params }) => {
        application(params);
        commands.delete(undefined, param(params, 'command'));
        return noContent;
      }),
      route('GET /applications/:application/guilds/:guild/commands', true, ({ params }) =>
        ok(commands.list(commandGuild(params))),
      ),
      route('PUT /applications/:application/guilds/:guild/commands', true, ({ params, body }) =>
        ok(commands.overwrite(commandGuild(params), commandList(body))),
      ),
      route('POST /applications/:application/guilds/:guild/commands', true, ({ params, body }) => ({
        status: 201,
        body: commands.create(commandGuild(params), body as RESTPostAPIApplicationCommandsJSONBody),
      })),
      route('DELETE /applications/:application/guilds/:guild/commands/:command', true, ({ params }) => {
        commands.delete(commandGuild(params), param(params, 'command'));
        return noContent;
      }),

      route('POST /interactions/:interaction/:token/callback', false, ({ params, query, body, files }) =>
        interactions.callback(
          param(params, 'interaction'),
          param(params, 'token'),
          body,
          files,
          query.get('with_response') === 'true',
        ),
      ),
      route('POST /webhooks/:application/:token', false, ({ params, query, body, files }) => {
        const message = interactions.followup(param(params, 'application'), param(params, 'token'), body as MessageBody, files);
        return query.get('wait') === 'true' ? ok(message) : noContent;
      }),
      route('GET /webhooks/:application/:token/messages/:message', false, (context) => {
        const { application: app, token, message } = webhookMessage(context);
        return ok(message === '@original' ? interactions.original(app, token) : interactions.followupMessage(app, token, message));
      }),
      route('PATCH /webhooks/:application/:token/messages/:message', false, (context) => {
        const { application: app, token, message } = webhookMessage(context);
        const body = context.body as MessageBody;
        return ok(
          message === '@original'
            ? interactions.editOriginal(app, token, body, context.files)
            : interactions.editFollowup(app, token, message, body, context.files),
        );
      }),
      route('DELETE /webhooks/:application/:token/messages/:message', false, (context) => {
        const { application: app, token, message } = webhookMessage(context);
        if (message === '@original') interactions.deleteOriginal(app, token);
        else interactions.deleteFollowup(app, token, message);
        return noContent;
      }),

      route('GET /channels/:channel', true, ({ params }) => {
        channel(params);
        return ok(fixtures.channel(channel(params)));
      }),
      route('GET /channels/:channel/messages/pins', true, ({ params, query }) => {
        const limit = Math.min(Number(query.get('limit') ?? 50), 50);
        const before = query.get('before');
        const pins = pinsNewestFirst(channel(params)).filter((entry) => before === null || entry.pinnedAt < before);
        return ok({
          items: pins.slice(0, limit).map((entry) => ({ pinned_at: entry.pinnedAt, message: entry.message })),
          has_more: pins.length > limit,
        });
      }),
      route('PUT /channels/:channel/messages/pins/:message', true, pin),
      route('DELETE /channels/:channel/messages/pins/:message', true, unpin),
      route('GET /channels/:channel/pins', true, ({ params }) =>
        ok(pinsNewestFirst(channel(params)).map((entry) => entry.message)),
      ),
      route('PUT /channels/:channel/pins/:message', true, pin),
      route('DELETE /channels/:channel/pins/:message', true, unpin),
      route('GET /channels/:channel/messages/:message', true, ({ params }) =>
        ok(store.inChannel(channel(params), param(params, 'message'))),
      ),
      // A bot edits its own messages, interaction responses included, long after their interaction token expired.
      route('PATCH /channels/:channel/messages/:message', true, ({ params, body, files }) => {
        const message = store.inChannel(channel(params), param(params, 'message'));
        if (message.author.id !== fixtures.botUser.id) throw cannotEditOthersMessage();
        const messageBody = body as MessageBody;
        assertValidMessage(messageBody);
        return ok(store.edit(message.id, messageBody, files));
      }),
      route('POST /channels/:channel/messages', true, ({ params, body, files }) => {
        const messageBody = body as MessageBody;
        assertValidMessage(messageBody);
        const origin = { channelId: channel(params), author: fixtures.botUser, type: MessageType.Default };
        return ok(store.create(origin, messageBody, files));
      }),
    ];
  }
}

function faultReply(fault: FaultResponse): RestReply {
  return { status: fault.status, body: fault.body, headers: fault.headers ?? {} };
}

/** `'GET /channels/:channel'` → a route whose `:name` segments become params. */
function route(pattern: string, needsBotToken: boolean, handle: Route['handle']): Route {
  const [method = '', path = ''] = pattern.split(' ');
  return { pattern, method, segments: path.split('/').slice(1), needsBotToken, handle };
}

function matchRoute(route: Route, method: string, segments: string[]): Record<string, string> | undefined {
  if (route.method !== method || route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, expected] of route.segments.entries()) {
    const actual = segments[index] ?? '';
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}

function param(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`route has no :${name} segment`);
  return value;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): { body: unknown; files: UploadedFile[]; recordedBody: unknown } {
  if (raw.length === 0) return { body: undefined, files: [], recordedBody: undefined };
  try {
    if (contentType?.startsWith('multipart/form-data')) {
      const form = parseMultipart(raw, contentType);
      const payloadJson = form.fields.get('payload_json');
      const body: unknown = payloadJson === undefined ? Object.fromEntries(form.fields) : JSON.parse(payloadJson);
      return { body, files: form.files, recordedBody: { payload_json: body, files: form.files } };
    }
    const body: unknown = JSON.parse(raw.toString('utf8'));
    return { body, files: [], recordedBody: body };
  } catch {
    throw invalidJson();
  }
}
