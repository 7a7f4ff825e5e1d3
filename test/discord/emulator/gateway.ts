import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayOpcodes,
  type GatewayIdentifyData,
  type GatewayReadyDispatchData,
  type GatewayResumeData,
} from 'discord-api-types/v10';
import { WebSocket, WebSocketServer } from 'ws';
import type { Fixtures } from './fixtures.js';
import { shardOfGuild } from './snowflake.js';

export const GATEWAY_PATH = '/gateway';

/** Discord's usual interval; discord.js sends its first heartbeat after a random part of it. */
const HEARTBEAT_INTERVAL_MS = 41_250;

/** How many dispatches a session keeps for RESUME; older sequence numbers get a fresh IDENTIFY. */
const REPLAY_BUFFER_SIZE = 1000;

interface DispatchFrame {
  op: GatewayOpcodes.Dispatch;
  t: string;
  s: number;
  d: unknown;
}

/** A gateway session outlives its socket: a RESUME on a new socket continues the sequence and replays what was missed. */
class Session {
  sequence = 0;
  readonly history: DispatchFrame[] = [];
  socket: WebSocket | undefined;

  constructor(
    readonly id: string,
    readonly shardId: number,
    readonly shardCount: number,
  ) {}
}

interface ReadyWaiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface GatewayOptions {
  token: string;
  shardCount: number;
  fixtures: Fixtures;
  /** The `ws://` URL clients connect to, also sent as `resume_gateway_url`. */
  url(): string;
}

/** The Discord gateway for one bot: HELLO, IDENTIFY/RESUME, READY and GUILD_CREATE, heartbeats and dispatches per shard. */
export class Gateway {
  readonly #options: GatewayOptions;
  readonly #server = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  /** The session each shard currently uses. */
  readonly #shardSessions = new Map<number, Session>();
  /** Shards that identified or resumed and have received their READY (and guilds) or RESUMED. */
  readonly #readyShards = new Set<number>();
  readonly #readyWaiters = new Set<ReadyWaiter>();

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#server.on('connection', (socket) => this.#accept(socket));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#server.handleUpgrade(request, socket, head, (webSocket) => this.#server.emit('connection', webSocket, request));
  }

  /** The shard that receives a guild's events, with the shard count the bot identified with. */
  shardForGuild(guildId: string): number {
    for (const session of this.#shardSessions.values()) {
      if (shardOfGuild(guildId, session.shardCount) === session.shardId) return session.shardId;
    }
    return shardOfGuild(guildId, this.#options.shardCount);
  }

  /**
   * Sends a dispatch on a shard and resolves once it is written. While the shard is disconnected
   * the dispatch waits in the session and is replayed on RESUME, as Discord does.
   */
  dispatch(event: string, data: unknown, shardId: number): Promise<void> {
    const session = this.#shardSessions.get(shardId);
    if (session === undefined) throw new Error(`shard ${shardId} has no gateway session; await waitForReady() first`);
    return this.#dispatch(session, event, data);
  }

  /** Whether a shard has a gateway session (connected, or disconnected and able to resume). */
  hasSession(shardId: number): boolean {
    return this.#shardSessions.has(shardId);
  }

  /** Closes the sockets of one shard (or all) with a close code, the way Discord drops a connection. */
  closeShards(code: number, shardId?: number): void {
    for (const session of this.#shardSessions.values()) {
      if (shardId !== undefined && session.shardId !== shardId) continue;
      this.#readyShards.delete(session.shardId);
      session.socket?.close(code, 'closed by the test');
    }
  }

  waitForReady(timeoutMs: number): Promise<void> {
    if (this.#allShardsReady()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: ReadyWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#readyWaiters.delete(waiter);
          const missing = this.#shardIds().filter((id) => !this.#readyShards.has(id));
          reject(new Error(`gateway shards ${missing.join(', ')} did not become ready within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.#readyWaiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    for (const waiter of this.#readyWaiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the emulator was closed'));
    }
    this.#readyWaiters.clear();
    for (const socket of this.#server.clients) socket.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    let session: Session | undefined;
    void this.#send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } });

    socket.on('message', (raw: Buffer) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(raw.toString('utf8')) as { op?: unknown; d?: unknown };
      } catch {
        socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          void this.#send(socket, { op: GatewayOpcodes.HeartbeatAck });
          return;
        case GatewayOpcodes.Identify:
        case GatewayOpcodes.Resume:
          if (session !== undefined) {
            socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
            return;
          }
          session =
            payload.op === GatewayOpcodes.Identify
              ? this.#identify(socket, payload.d as GatewayIdentifyData)
              : this.#resume(socket, payload.d as GatewayResumeData);
          return;
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
        case GatewayOpcodes.RequestSoundboardSounds:
          if (session === undefined) socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
          return;
        default:
          socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
      }
    });

    socket.on('close', (code) => {
      if (session === undefined || session.socket !== socket) return;
      session.socket = undefined;
      this.#readyShards.delete(session.shardId);
      // A client that closes normally ends its session; any other close leaves it resumable.
      if (code === 1000 || code === 1001) this.#forget(session);
    });
  }

  #identify(socket: WebSocket, identify: GatewayIdentifyData): Session | undefined {
    if (identify.token !== this.#options.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    const [shardId, shardCount] = identify.shard ?? [0, 1];
    if (shardId < 0 || shardId >= shardCount) {
      socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return undefined;
    }

    const session = new Session(randomBytes(16).toString('hex'), shardId, shardCount);
    session.socket = socket;
    this.#sessions.set(session.id, session);
    this.#shardSessions.set(shardId, session);

    const { fixtures } = this.#options;
    const ownsGuild = shardOfGuild(fixtures.guildId, shardCount) === shardId;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: fixtures.botUser,
      guilds: ownsGuild ? [{ id: fixtures.guildId, unavailable: true }] : [],
      session_id: session.id,
      resume_gateway_url: this.#options.url(),
      shard: [shardId, shardCount],
      application: { id: fixtures.applicationId, flags: fixtures.application.flags, flags_new: fixtures.application.flags_new },
    };
    void (async () => {
      await this.#dispatch(session, GatewayDispatchEvents.Ready, ready);
      if (ownsGuild) await this.#dispatch(session, GatewayDispatchEvents.GuildCreate, fixtures.guildCreate);
      this.#markReady(session, socket);
    })();
    return session;
  }

  #resume(socket: WebSocket, resume: GatewayResumeData): Session | undefined {
    if (resume.token !== this.#options.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    const session = this.#sessions.get(resume.session_id);
    const oldest = session?.history[0]?.s ?? Number.POSITIVE_INFINITY;
    const replayable = session !== undefined && (resume.seq >= session.sequence || resume.seq >= oldest - 1);
    if (!replayable) {
      // d: false tells the client to start over with IDENTIFY.
      void this.#send(socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return undefined;
    }

    if (session.socket !== undefined && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    this.#shardSessions.set(session.shardId, session);
    const missed = session.history.filter((frame) => frame.s > resume.seq);
    void (async () => {
      for (const frame of missed) await this.#send(socket, frame);
      await this.#dispatch(session, GatewayDispatchEvents.Resumed, {});
      this.#markReady(session, socket);
    })();
    return session;
  }

  #dispatch(session: Session, event: string, data: unknown): Promise<void> {
    const frame: DispatchFrame = { op: GatewayOpcodes.Dispatch, t: event, s: ++session.sequence, d: data };
    session.history.push(frame);
    if (session.history.length > REPLAY_BUFFER_SIZE) session.history.shift();
    return session.socket === undefined ? Promise.resolve() : this.#send(session.socket, frame);
  }

  /** Resolves once the frame is handed to the OS; a frame lost with its socket stays in the session for RESUME. */
  #send(socket: WebSocket, payload: object): Promise<void> {
    if (socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => socket.send(JSON.stringify(payload), () => resolve()));
  }

  #markReady(session: Session, socket: WebSocket): void {
    if (session.socket !== socket || socket.readyState !== WebSocket.OPEN) return;
    this.#readyShards.add(session.shardId);
    if (!this.#allShardsReady()) return;
    for (const waiter of this.#readyWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.#readyWaiters.clear();
  }

  #forget(session: Session): void {
    this.#sessions.delete(session.id);
    if (this.#shardSessions.get(session.shardId) === session) this.#shardSessions.delete(session.shardId);
  }

  #allShardsReady(): boolean {
    return this.#shardIds().every((id) => this.#readyShards.has(id));
  }

  #shardIds(): number[] {
    return Array.from({ length: this.#options.shardCount }, (_, id) => id);
  }
}
