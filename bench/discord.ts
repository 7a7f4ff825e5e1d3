/**
 * Part 3: end to end through Discord, by both transports. The real bot (`src/main.ts`, compiled and run as `npm start`
 * runs it, in a process of its own) logs in to the local Discord emulator over 127.0.0.1; then the HTTP server
 * (`src/serve.ts`, as `npm run serve` runs it) answers the same interactions, which the emulator signs and POSTs to its
 * interactions endpoint. The benchmark acts as a guild member through the emulator.
 * Latency is from the interaction sent (INTERACTION_CREATE written to the gateway socket; the POST started) to its
 * first response arriving (the callback request; the POST's response read).
 */
import { ApplicationCommandOptionType, InteractionResponseType } from 'discord-api-types/v10';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SEARCH_MODE, SEARCH_MODES, type SearchMode } from '../src/semantic/hybrid.js';
import { startEmulator, type DiscordEmulator, type Exchange, type ExchangeCall } from '../test/discord/emulator/index.js';
import { BEIR_DATASETS, loadBeir } from './beir.js';
import { REPO_ROOT } from './child.js';
import { count, fixed, type Section, type Table } from './markdown.js';
import { percentile } from './metrics.js';
import { partialOf, seedQuestions } from './questions.js';

export interface DiscordOptions {
  readonly dataDir: string;
  /** BEIR's folder, for questions enough that none is asked twice; undefined when missing. */
  readonly beirDir: string | undefined;
  readonly devQuestionsFile: string;
  readonly quick: boolean;
}

const READY_TIMEOUT_MS = 60_000;
/** How long the bot may take to read its passages for meaning (hybrid search) before measuring starts anyway. */
const SEARCH_READY_TIMEOUT_MS = 300_000;
/**
 * How long an interaction may wait for its reply before it counts as lost: far past Discord's deadline, so that "lost"
 * means never answered, and a slow answer shows as late instead.
 */
const REPLY_TIMEOUT_MS = 180_000;
/** After the last reply, how long to wait for a second reply to any interaction. */
const DUPLICATE_GRACE_MS = 1_000;
/** Discord's deadline for an interaction's first callback: later, it refuses the callback and the member gets none. */
const DISCORD_DEADLINE_MS = 3_000;

interface Bot {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** The two ways interactions reach citebot. */
type Transport = 'gateway' | 'HTTP';
const TRANSPORTS: readonly Transport[] = ['gateway', 'HTTP'];

/**
 * At most this many signed POSTs in flight to the HTTP endpoint during a burst: a bounded load loop, as a busy server
 * sees from Discord, rather than thousands of connections opened at once.
 */
const HTTP_IN_FLIGHT = 64;

/** Where the benchmark compiles the bot: its own folder, so that it never touches a dist/ someone is running. */
const BOT_BUILD_DIR = path.join(REPO_ROOT, '.cache', 'bench', 'bot');

/**
 * The bot compiled as `npm start` compiles it (tsconfig.build.json), to be run by plain Node as `npm start` runs it.
 * Run from its TypeScript under tsx instead, every `require` discord.js makes while it answers (it loads some modules
 * lazily, on each reply) goes through tsx's resolver, a cost production never pays. Type errors are reported but do
 * not stop the measurement: the code runs the same, as it would under tsx.
 */
async function compileBot(): Promise<string> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const buildInfo = path.join(BOT_BUILD_DIR, '.tsbuildinfo');
  const args = [tsc, '-p', 'tsconfig.build.json', '--outDir', BOT_BUILD_DIR, '--tsBuildInfoFile', buildInfo];
  await new Promise<void>((resolve) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT }, (error, stdout) => {
      if (error) console.error(`bench: the bot compiled with errors, measured anyway:\n${stdout.trim()}`);
      resolve();
    });
  });
  const main = path.join(BOT_BUILD_DIR, 'main.js');
  if (!existsSync(main)) throw new Error(`compiling the bot produced no ${path.relative(REPO_ROOT, main)}`);
  return main;
}

/** Stops a child process started by the benchmark, once. */
function stopper(child: ChildProcess, exited: Promise<unknown>): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
}

/**
 * The HTTP server as `npm run serve` runs it (from the same build as the bot), answering the emulator's signed POSTs
 * on a free port of 127.0.0.1, its REST calls (follow-ups, edits) going to the emulator.
 */
async function startServeProcess(emulator: DiscordEmulator, botMain: string, dataDir: string, mode: SearchMode): Promise<Bot> {
  const child = spawn(process.execPath, [path.join(path.dirname(botMain), 'serve.js')], {
    cwd: REPO_ROOT,
    env: {
      ...emulator.botEnvironment(dataDir),
      DISCORD_PUBLIC_KEY: emulator.publicKey,
      HOST: '127.0.0.1',
      PORT: '0',
      ANSWER_LIMIT: '0',
      // The benchmark is one address sending thousands of requests: the per-address limit would refuse most.
      HTTP_RATE_LIMIT: '0',
      SEARCH_MODE: mode,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  let logTail = '';
  const listening = new Promise<string>((resolve) => {
    let start = '';
    let found = false;
    // Read to the end, so that the log never fills the pipe; the first "listening" line names the port.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      logTail = (logTail + chunk).slice(-2_000);
      if (found) return;
      start += chunk;
      const line = start.split('\n').find((candidate) => candidate.includes('"msg":"listening"'));
      if (line === undefined) return;
      found = true;
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  const failed = exited.then(([code]) => {
    throw new Error(`the server exited with code ${code} before it was ready: ${stderr.trim()}\n${logTail.trim()}`);
  });
  const url = await Promise.race([listening, failed]);
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while ((await fetch(`${url}healthz`).then((response) => response.status, () => 0)) !== 200) {
    if (performance.now() > deadline) throw new Error('the server did not index the sources in time');
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), failed]);
  }
  failed.catch(() => {});
  emulator.useInteractionsEndpoint(`${url}interactions`);
  return { child, stop: stopper(child, exited) };
}

/** The bot as `npm start` runs it, with every setting given so that a developer's .env cannot interfere. */
async function startBotProcess(
  emulator: DiscordEmulator,
  botMain: string,
  dataDir: string,
  mode: SearchMode,
): Promise<Bot> {
  const child = spawn(process.execPath, [botMain], {
    cwd: REPO_ROOT,
    env: {
      // At the production log level: one log line per interaction, written (to nowhere) as in production.
      ...emulator.botEnvironment(dataDir),
      // No fair-use limit: the emulator has three members, and the limit (a few answers per member every few
      // seconds) would answer nearly every question of the benchmark with "slow down".
      ANSWER_LIMIT: '0',
      SEARCH_MODE: mode,
      SHARDS: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const failed = exited.then(([code]) => {
    throw new Error(`the bot exited with code ${code} before it was ready: ${stderr.trim()}`);
  });
  await Promise.race([emulator.waitForReady(READY_TIMEOUT_MS), failed]);
  failed.catch(() => {});
  return { child, stop: stopper(child, exited) };
}

/**
 * Waits until the bot searches in its final mode. In hybrid mode it answers by words alone while it computes the
 * passages' vectors in the background, and /sources says so ("… by meaning too once every passage is read"): a
 * measurement made meanwhile would time a bot that is busy with something else and answers another way.
 */
async function untilSearchIsComplete(emulator: DiscordEmulator): Promise<void> {
  const deadline = performance.now() + SEARCH_READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const { data } = await (await emulator.slashCommand('sources')).response(REPLY_TIMEOUT_MS);
    if (!JSON.stringify(data ?? {}).includes('once every passage is read')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * At least `total` questions, all different when there are enough: the dev questions, then BEIR's queries (SciFact
 * and NFCorpus in turn). The seed documents do not answer most BEIR queries, but asking one takes the same path: the
 * question is analysed, embedded and ranked, and the reply names the closest passages.
 */
export async function distinctQuestions(
  options: Pick<DiscordOptions, 'beirDir' | 'devQuestionsFile'>,
  total: number,
): Promise<{ questions: string[]; fromBeir: boolean }> {
  const questions = new Set(await seedQuestions(options.devQuestionsFile));
  if (options.beirDir !== undefined && questions.size < total) {
    const [scifact, nfcorpus] = await Promise.all(BEIR_DATASETS.map(({ name, split }) => loadBeir(options.beirDir as string, name, split)));
    const longest = Math.max(scifact?.allQueries.length ?? 0, nfcorpus?.allQueries.length ?? 0);
    for (let index = 0; index < longest && questions.size < total; index++) {
      for (const dataset of [scifact, nfcorpus]) {
        const query = dataset?.allQueries[index];
        if (query !== undefined) questions.add(query.text);
      }
    }
  }
  return { questions: [...questions], fromBeir: options.beirDir !== undefined };
}

/** CPU seconds a process has used, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  const statFile = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(statFile)) return undefined;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(statFile, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ask = (emulator: DiscordEmulator, question: string) =>
  emulator.slashCommand('ask', [{ name: 'question', type: ApplicationCommandOptionType.String, value: question }]);

const autocomplete = (emulator: DiscordEmulator, partial: string) =>
  emulator.autocomplete('ask', [{ name: 'question', type: ApplicationCommandOptionType.String, value: partial, focused: true }]);

const latencyOf = (exchange: Exchange) => (exchange.respondedAt ?? Number.NaN) - exchange.dispatchedAt;

/** One interaction at a time: each is sent once the previous one got its callback. */
async function sequentialLatencies(rounds: number, warmUp: number, send: (round: number) => Promise<Exchange>): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; round < warmUp + rounds; round++) {
    const exchange = await send(round);
    await exchange.response(REPLY_TIMEOUT_MS);
    if (round >= warmUp) latencies.push(latencyOf(exchange));
  }
  return latencies;
}

interface BurstResult {
  readonly sent: number;
  readonly sendSeconds: number;
  readonly seconds: number;
  readonly lost: number;
  /** Interactions that got two replies or more (callbacks and follow-ups that were accepted). */
  readonly duplicated: number;
  /** Interactions the bot tried to answer again after its answer was accepted, which Discord refused (40060). */
  readonly refusedRepeats: number;
  /** Replies that came after Discord's deadline: the emulator takes them, Discord would not. */
  readonly late: number;
  /** Replies that are answers (a quoted passage, or "not in the sources" with hints), not a notice or an apology. */
  readonly answers: number;
  /** First replies that deferred the answer ("citebot is thinking…"), filled in later. */
  readonly deferred: number;
  readonly latencies: number[];
  readonly botCpuSeconds: number | undefined;
  readonly benchCpuSeconds: number;
}

/** How a load is sent: at most `inFlight` interactions waiting for their first response, or `perSecond` a second. */
interface Pace {
  /** Each interaction sent when fewer than this many wait for their first response (default: no limit). */
  readonly inFlight?: number;
  /** Each interaction sent at its time, whatever the replies (default: as fast as the transport takes them). */
  readonly perSecond?: number;
}

/**
 * Interactions sent as fast as the transport takes them, or at a steady rate, then every reply awaited: on the
 * gateway all at once; to the HTTP endpoint at most `inFlight` at a time, each sent when an earlier one has had its
 * first response; at `perSecond`, each at its time.
 */
async function burst(
  emulator: DiscordEmulator,
  bot: Bot,
  questions: readonly string[],
  total: number,
  { inFlight = Infinity, perSecond }: Pace = {},
): Promise<BurstResult> {
  const botCpuBefore = cpuSecondsOf(bot.child.pid);
  const benchCpuBefore = process.cpuUsage();
  const exchanges: Exchange[] = [];
  const waiting = new Set<Promise<unknown>>();
  const start = performance.now();
  for (let index = 0; index < total; index++) {
    if (perSecond !== undefined) {
      const due = start + (index * 1000) / perSecond - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    }
    if (waiting.size >= inFlight) await Promise.race(waiting);
    const exchange = await ask(emulator, questions[index % questions.length] as string);
    exchanges.push(exchange);
    if (Number.isFinite(inFlight)) {
      const first: Promise<unknown> = exchange.response(REPLY_TIMEOUT_MS).catch(() => undefined).finally(() => waiting.delete(first));
      waiting.add(first);
    }
  }
  const lastSent = performance.now();
  const outcomes = await Promise.allSettled(exchanges.map((exchange) => exchange.response(REPLY_TIMEOUT_MS)));
  const answered = exchanges.filter((_, index) => outcomes[index]?.status === 'fulfilled');
  const isDeferral = (call: ExchangeCall) => call.kind === 'callback' && call.body?.type === InteractionResponseType.DeferredChannelMessageWithSource;
  // A deferred reply is filled in later: by an edit of its "thinking" message, or by a message in its place.
  const deferred = answered.filter((exchange) => exchange.calls[0] !== undefined && isDeferral(exchange.calls[0]));
  await Promise.allSettled(deferred.map((exchange) => exchange.waitForCalls(2, REPLY_TIMEOUT_MS)));
  await Promise.allSettled(
    deferred
      .filter((exchange) => exchange.calls[1]?.kind === 'delete')
      .map((exchange) => exchange.waitForCalls(3, REPLY_TIMEOUT_MS)),
  );
  const messageOf = (call: ExchangeCall | undefined) => (call?.kind === 'callback' ? call.body?.data : call?.body);
  const finalCall = (exchange: Exchange) => exchange.calls.findLast((call) => call.kind !== 'delete');
  const answers = answered.filter((exchange) => (messageOf(finalCall(exchange))?.embeds?.length ?? 0) > 0);
  const firstSent = exchanges[0]?.dispatchedAt ?? lastSent;
  const lastReply = Math.max(...answered.map((exchange) => finalCall(exchange)?.at ?? 0));
  const botCpuAfter = cpuSecondsOf(bot.child.pid);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  await new Promise((resolve) => setTimeout(resolve, DUPLICATE_GRACE_MS));

  // A reply is a message sent: a callback other than a deferral, the deferred message filled in, or a follow-up.
  const isReply = (call: ExchangeCall) =>
    (call.kind === 'callback' && !isDeferral(call)) || call.kind === 'edit-original' || call.kind === 'followup';
  const duplicated = exchanges.filter((exchange) => exchange.calls.filter(isReply).length > 1).length;
  // Callbacks Discord refused because the interaction was answered already: the same reply sent again.
  const refused = new Set<string>();
  for (const request of emulator.requests) {
    const callback = /^\/interactions\/(\d+)\/[^/]+\/callback$/.exec(request.path);
    if (callback?.[1] !== undefined && request.status === 400) refused.add(callback[1]);
  }
  const refusedRepeats = exchanges.filter((exchange) => refused.has(exchange.interactionId)).length;
  return {
    sent: total,
    sendSeconds: (lastSent - firstSent) / 1000,
    seconds: (lastReply - firstSent) / 1000,
    lost: total - answered.length,
    duplicated,
    refusedRepeats,
    late: answered.filter((exchange) => latencyOf(exchange) > DISCORD_DEADLINE_MS).length,
    answers: answers.length,
    deferred: deferred.length,
    latencies: answered.map(latencyOf),
    botCpuSeconds: botCpuBefore === undefined || botCpuAfter === undefined ? undefined : botCpuAfter - botCpuBefore,
    benchCpuSeconds: (benchCpu.user + benchCpu.system) / 1e6,
  };
}

interface ModeResult {
  readonly transport: Transport;
  readonly mode: SearchMode;
  readonly askLatencies: number[];
  readonly autocompleteLatencies: number[];
  readonly load: BurstResult;
  /** /ask sent at PACED_PER_SECOND. */
  readonly paced: BurstResult;
}

/** The steady rate of /ask that hybrid search should serve without deferring a reply. */
const PACED_PER_SECOND = 150;

/** One bot (the gateway bot, or the HTTP server), in one search mode, from start to stop. */
async function measureMode(
  options: DiscordOptions,
  botMain: string,
  transport: Transport,
  mode: SearchMode,
  questions: readonly string[],
): Promise<ModeResult> {
  const { rounds, warmUp, burstSize, pacedSize } = sizesOf(options);
  // Each part gets questions of its own, so that none is asked twice (as long as there are enough).
  const warmUpQuestions = questions.slice(0, warmUp);
  const measuredQuestions = questions.slice(warmUp, warmUp + rounds);
  const pacedQuestions = questions.slice(warmUp + rounds, warmUp + rounds + pacedSize);
  const burstQuestions = questions.slice(warmUp + rounds + pacedSize);
  const nth = (list: readonly string[], index: number) => list[index % list.length] as string;
  const sequence = (index: number) => (index < warmUp ? nth(warmUpQuestions, index) : nth(measuredQuestions, index - warmUp));

  const emulator = await startEmulator();
  let bot: Bot | undefined;
  try {
    bot =
      transport === 'gateway'
        ? await startBotProcess(emulator, botMain, options.dataDir, mode)
        : await startServeProcess(emulator, botMain, options.dataDir, mode);
    await untilSearchIsComplete(emulator);
    const askLatencies = await sequentialLatencies(rounds, warmUp, (round) => ask(emulator, sequence(round)));
    const autocompleteLatencies = await sequentialLatencies(rounds, warmUp, (round) =>
      autocomplete(emulator, partialOf(sequence(round))),
    );
    const paced = await burst(emulator, bot, pacedQuestions.length > 0 ? pacedQuestions : questions, pacedSize, {
      perSecond: PACED_PER_SECOND,
    });
    const inFlight = transport === 'HTTP' ? HTTP_IN_FLIGHT : Infinity;
    const load = await burst(emulator, bot, burstQuestions.length > 0 ? burstQuestions : questions, burstSize, { inFlight });
    return { transport, mode, askLatencies, autocompleteLatencies, load, paced };
  } finally {
    await bot?.stop();
    await emulator.close();
  }
}

function sizesOf(options: DiscordOptions): { rounds: number; warmUp: number; burstSize: number; pacedSize: number } {
  return options.quick
    ? { rounds: 50, warmUp: 10, burstSize: 100, pacedSize: 150 }
    : { rounds: 500, warmUp: 50, burstSize: 2_000, pacedSize: 1_500 };
}

function tables(results: readonly ModeResult[], burstSize: number, pacedSize: number): Table[] {
  const ms = (value: number) => fixed(value, 2);
  const latencyRow = ({ transport, mode }: ModeResult, interaction: string, latencies: readonly number[]) => [
    interaction,
    transport,
    mode,
    count(latencies.length),
    ms(percentile(latencies, 0.5)),
    ms(percentile(latencies, 0.99)),
    ms(Math.max(...latencies)),
  ];
  const perInteraction = (cpuSeconds: number | undefined, sent: number) =>
    cpuSeconds === undefined ? '–' : fixed((cpuSeconds * 1000) / Math.max(1, sent), 2);
  const loadRow = ({ transport, mode }: ModeResult, sent: string, load: BurstResult) => [
    transport,
    mode,
    sent,
    fixed(load.sendSeconds, 3),
    fixed(load.seconds, 2),
    fixed(load.sent / load.seconds, 0),
    count(load.answers),
    count(load.lost),
    count(load.duplicated),
    count(load.refusedRepeats),
    count(load.late),
    count(load.deferred),
    ms(percentile(load.latencies, 0.5)),
    ms(percentile(load.latencies, 0.99)),
    perInteraction(load.botCpuSeconds, load.sent),
    perInteraction(load.benchCpuSeconds, load.sent),
  ];
  return [
    {
      caption: 'Interaction sent → first response received, ms (one interaction at a time)',
      columns: ['interaction', 'transport', 'search', 'count', 'median', 'p99', 'max'],
      rows: [
        ...results.map((result) => latencyRow(result, '/ask', result.askLatencies)),
        ...results.map((result) => latencyRow(result, 'autocomplete', result.autocompleteLatencies)),
      ],
    },
    {
      caption:
        `/ask interactions sent at a steady ${PACED_PER_SECOND} a second, and in a burst as fast as each transport ` +
        `takes them (gateway: all at once on its socket; HTTP: signed POSTs, at most ${HTTP_IN_FLIGHT} in flight)`,
      columns: [
        'transport',
        'search',
        '/ask sent',
        'all sent after s',
        'last reply after s',
        '/ask per second',
        'answers',
        'lost replies',
        'duplicated replies',
        'repeats refused',
        'first replies after 3 s',
        'deferred',
        'median ms',
        'p99 ms',
        'bot CPU ms each',
        'emulator CPU ms each',
      ],
      rows: results.flatMap((result) => [
        loadRow(result, `${count(pacedSize)}, ${PACED_PER_SECOND} a second`, result.paced),
        loadRow(result, `${count(burstSize)}, as fast as the transport takes them`, result.load),
      ]),
    },
  ];
}

export async function measureDiscord(options: DiscordOptions): Promise<Section> {
  const { rounds, warmUp, burstSize, pacedSize } = sizesOf(options);
  const { questions, fromBeir } = await distinctQuestions(options, warmUp + rounds + pacedSize + burstSize);
  // The default mode first; every mode gets the same questions, each bot asked each of them once.
  const modes = [DEFAULT_SEARCH_MODE, ...SEARCH_MODES.filter((mode) => mode !== DEFAULT_SEARCH_MODE)];
  const botMain = await compileBot();
  const results: ModeResult[] = [];
  for (const transport of TRANSPORTS) {
    for (const mode of modes) results.push(await measureMode(options, botMain, transport, mode, questions));
  }
  return {
    title: 'End to end through Discord: the gateway and the HTTP interactions endpoint',
    intro: [
      'The real bot — `src/main.ts` compiled and run by Node as `npm start` runs it, discord.js included, with its ' +
        'production settings and log level but no fair-use limit per member (`ANSWER_LIMIT=0`) — in a process of its ' +
        'own, logged in to the local ' +
        'Discord emulator (test/discord/emulator) over 127.0.0.1, answering from the seed documents; once in each ' +
        `search mode (\`SEARCH_MODE\`; ${DEFAULT_SEARCH_MODE} is the default), each measured once its search is ` +
        "complete. Each /ask question is asked once (the bot remembers a question's vector, so a repeated question " +
        'would skip its embedding): the dev questions' +
        (fromBeir ? ', then SciFact and NFCorpus queries, which the seed documents mostly do not answer' : ', in turn') +
        '; autocomplete gets each question cut to 60% of its length. Latency is measured on the emulator side, from ' +
        'INTERACTION_CREATE written to the gateway socket to the callback request arriving, after ' +
        `${warmUp} interactions of warm-up. Then the same, over HTTP: \`src/serve.ts\` as \`npm run serve\` runs ` +
        'it, from the same build, with `DISCORD_PUBLIC_KEY` set; the emulator signs each interaction (Ed25519) and ' +
        'POSTs it to `/interactions` as Discord does, and latency is from the POST started to its response read ' +
        '(the response body is the first response); deferred answers are completed through the webhook over REST.',
    ],
    tables: tables(results, burstSize, pacedSize),
    notes: [
      'Goals: /ask median ≤ 5 ms, autocomplete median ≤ 3 ms, ≥ 1,000 /ask per second, no lost or duplicated reply. ' +
        'The emulator runs in the benchmark process, so the two processes share this machine’s cores. It does not ' +
        'hold the bot to Discord’s 3-second deadline for the first reply: a reply after it would be refused by ' +
        'Discord, and that interaction lost (“first replies after 3 s”). A deferred reply (“deferred”: the bot ' +
        'answered “thinking…” at once, as it does when questions wait to be read for meaning) counts as the first ' +
        'reply; its answer, filled in later, counts for “last reply after s”, “answers” and “/ask per second”, and ' +
        'the median and p99 are of first replies. “Repeats refused” counts interactions whose ' +
        'accepted reply the bot sent again (a request retried after its answer was late), which Discord refuses with ' +
        '40060: the member still sees one reply. Over HTTP a burst keeps at most ' +
        `${HTTP_IN_FLIGHT} POSTs in flight, and an interaction's latency starts when its POST is sent; on the gateway ` +
        'every interaction is sent at once and its latency includes its wait in the bot. At a steady ' +
        `${PACED_PER_SECOND} a second, each /ask is sent at its time whatever the replies (on both transports); ` +
        'the goal there is every reply served at that rate, none deferred.',
    ],
  };
}
