/**
 * Several instances: `npm run serve` once, and twice behind a round-robin balancer on 127.0.0.1, sharing one
 * PostgreSQL database. The emulator signs `/ask` interactions and POSTs them to the one instance or to the balancer;
 * then a `/reindex` goes to the balancer, and the time until both instances serve the new sources is measured.
 */
import { ApplicationCommandOptionType, InteractionResponseType } from 'discord-api-types/v10';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type DiscordEmulator, type Exchange } from '../test/discord/emulator/index.js';
import { startRoundRobin } from '../test/cluster/round-robin.js';
import { startServe, type ServeProcess } from '../test/cluster/serve-process.js';
import { createTestDatabase, SERVER_URL } from '../test/store/postgres.js';
import { count, fixed, type Section, type Table } from './markdown.js';
import { percentile } from './metrics.js';
import { distinctQuestions } from './discord.js';
import { cycle } from './questions.js';

export interface InstancesOptions {
  readonly dataDir: string;
  /** BEIR's folder, for questions enough that none is asked twice; undefined when missing. */
  readonly beirDir: string | undefined;
  readonly devQuestionsFile: string;
  readonly quick: boolean;
}

/** Signed POSTs in flight at once: a bounded load loop, as the Discord part sends them. */
const IN_FLIGHT = 64;
const REPLY_TIMEOUT_MS = 60_000;
const SEARCH_READY_TIMEOUT_MS = 15 * 60_000;
/** /reindex rounds timed, each adding one file to every instance's copy of the data folder. */
const REINDEX_ROUNDS = 5;

interface Throughput {
  readonly instances: number;
  readonly sent: number;
  readonly answered: number;
  readonly deferred: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

async function untilHybrid(instance: ServeProcess): Promise<void> {
  const deadline = performance.now() + SEARCH_READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const { search } = (await (await fetch(`${instance.url}api/sources`)).json()) as { search: string };
    if (!search.includes('once every passage is read')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the passages were not read for meaning in time');
}

/** `total` /ask interactions, at most IN_FLIGHT awaiting their first response at once. */
async function askMany(emulator: DiscordEmulator, questions: readonly string[], total: number, instances: number): Promise<Throughput> {
  const exchanges: Exchange[] = [];
  const waiting = new Set<Promise<unknown>>();
  const started = performance.now();
  for (const question of cycle(questions, total)) {
    if (waiting.size >= IN_FLIGHT) await Promise.race(waiting);
    const exchange = await emulator.slashCommand('ask', [{ name: 'question', type: ApplicationCommandOptionType.String, value: question }]);
    exchanges.push(exchange);
    const first: Promise<unknown> = exchange
      .response(REPLY_TIMEOUT_MS)
      .catch(() => undefined)
      .finally(() => waiting.delete(first));
    waiting.add(first);
  }
  await Promise.all(waiting);
  const answered = exchanges.filter((exchange) => exchange.respondedAt !== undefined);
  const deferred = answered.filter((exchange) => (exchange.calls[0]?.body as { type?: number } | undefined)?.type === InteractionResponseType.DeferredChannelMessageWithSource);
  await Promise.allSettled(deferred.map((exchange) => exchange.waitForCalls(2, REPLY_TIMEOUT_MS)));
  const seconds = (Math.max(...answered.map((exchange) => exchange.calls.at(-1)?.at ?? 0)) - started) / 1000;
  const latencies = answered.map((exchange) => (exchange.respondedAt ?? Number.NaN) - exchange.dispatchedAt);
  return {
    instances,
    sent: total,
    answered: answered.length,
    deferred: deferred.length,
    perSecond: answered.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

async function sourceCount(instance: ServeProcess): Promise<number> {
  const { sources } = (await (await fetch(`${instance.url}api/sources`)).json()) as { sources: unknown[] };
  return sources.length;
}

/** From /reindex sent to the balancer until every instance lists the file added before it. */
async function reindexSeconds(emulator: DiscordEmulator, instances: readonly ServeProcess[], folders: readonly string[], round: number): Promise<number> {
  const before = await Promise.all(instances.map(sourceCount));
  for (const folder of folders) {
    await writeFile(path.join(folder, `notice-${round}.md`), `# Notice ${round}\n\nThe drop-in moves to room ${round}.\n`);
  }
  const started = performance.now();
  await emulator.slashCommand('reindex', [], { as: emulator.users.admin });
  for (;;) {
    const now = await Promise.all(instances.map(sourceCount));
    if (now.every((sources, index) => sources === (before[index] ?? 0) + 1)) return (performance.now() - started) / 1000;
    if (performance.now() - started > REPLY_TIMEOUT_MS) throw new Error('an instance did not reindex in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function measureInstances(options: InstancesOptions): Promise<Section> {
  const total = options.quick ? 60 : 1500;
  const warmUp = Math.min(total, 60);
  // Every question asked once at most (when BEIR's queries are there): each is embedded, none is remembered.
  const { questions, fromBeir } = await distinctQuestions(options, warmUp * 2 + total * 2);
  const emulator = await startEmulator();
  const database = await createTestDatabase();
  const folders = await Promise.all(
    [0, 1].map(async () => {
      const folder = await mkdtemp(path.join(tmpdir(), 'citebot-bench-instance-'));
      await cp(options.dataDir, folder, { recursive: true });
      return folder;
    }),
  );
  const environment = (dataDir: string) => ({
    ...emulator.botEnvironment(dataDir),
    DISCORD_PUBLIC_KEY: emulator.publicKey,
    DATABASE_URL: database.url,
    SEARCH_MODE: options.quick ? 'lexical' : 'hybrid',
    ANSWER_LIMIT: '0',
    HTTP_RATE_LIMIT: '0',
    // Only /reindex brings the changes in: the watcher would see them too, sooner or later.
    RELOAD_DEBOUNCE_MS: '60000',
  });
  const instances: ServeProcess[] = [];
  try {
    instances.push(...(await Promise.all(folders.map((folder) => startServe(environment(folder), SEARCH_READY_TIMEOUT_MS)))));
    await Promise.all(instances.map(untilHybrid));
    const [first] = instances as [ServeProcess, ServeProcess];
    const results: Throughput[] = [];

    // Both warmed up alike, each on questions of its own.
    for (const [index, instance] of instances.entries()) {
      emulator.useInteractionsEndpoint(`${instance.url}interactions`);
      await askMany(emulator, questions.slice(index * warmUp, (index + 1) * warmUp), warmUp, 1);
    }
    const measured = questions.slice(warmUp * 2);
    emulator.useInteractionsEndpoint(`${first.url}interactions`);
    results.push(await askMany(emulator, measured.slice(0, total), total, 1));

    const balancer = await startRoundRobin(instances.map((instance) => instance.url));
    emulator.useInteractionsEndpoint(`${balancer.url}interactions`);
    results.push(await askMany(emulator, measured.slice(total), total, 2));

    const reindex: number[] = [];
    for (let round = 0; round < (options.quick ? 1 : REINDEX_ROUNDS); round++) {
      reindex.push(await reindexSeconds(emulator, instances, folders, round));
    }
    await balancer.close();

    const throughput: Table = {
      caption: `/ask through the HTTP interactions endpoint, ${count(total)} interactions, at most ${IN_FLIGHT} awaiting their first response`,
      columns: ['Instances', 'Answered', 'Deferred', 'Answers per second', 'First response p50 (ms)', 'p99 (ms)'],
      rows: results.map((result) => [
        String(result.instances),
        `${count(result.answered)} of ${count(result.sent)}`,
        count(result.deferred),
        fixed(result.perSecond, 0),
        fixed(result.p50, 1),
        fixed(result.p99, 1),
      ]),
    };
    const reindexTable: Table = {
      caption: `/reindex sent to the balancer, until both instances serve the new sources (${reindex.length} rounds)`,
      columns: ['Median (s)', 'Slowest (s)'],
      rows: [[fixed(percentile(reindex, 0.5), 2), fixed(Math.max(...reindex), 2)]],
    };
    return {
      title: 'Several instances sharing one PostgreSQL',
      intro: [
        `\`npm run serve\` twice, each with its own copy of the data folder and both on one PostgreSQL database (${new URL(SERVER_URL).host}), ` +
          `in ${options.quick ? 'lexical' : 'hybrid'} mode, each warmed up with ${warmUp} questions. ` +
          `${fromBeir ? 'Every question is asked once (the dev questions, then BEIR\'s queries), so each is embedded. ' : ''}` +
          'The emulator signs each `/ask` and POSTs it to the first instance alone, then ' +
          'to a round-robin balancer on 127.0.0.1 in front of both. Then a file is added to both copies and `/reindex` sent ' +
          'to the balancer: one instance reloads on the command, the other on PostgreSQL\'s NOTIFY.',
      ],
      tables: [throughput, reindexTable],
      notes: [
        'Both instances, the balancer, the emulator and the load loop share the same 2 cores, so a second instance adds ' +
          'processes rather than a machine: on separate machines it would add its own cores.',
      ],
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await emulator.close();
    await database.drop();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  }
}
