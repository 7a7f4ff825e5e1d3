import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs `npm run bench -- --quick` as a user would, so that the benchmark cannot rot. Checks the tables are whole and
 * their figures plausible; never how fast anything was.
 */

const run = promisify(execFile);
const RESULTS = path.resolve('bench', 'RESULTS.md');

let dir: string;
let report: string;
let resultsBefore: string | undefined;

async function modified(file: string): Promise<string | undefined> {
  return stat(file).then(
    (info) => `${info.size}:${info.mtimeMs}`,
    () => undefined,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'citebot-bench-'));
  resultsBefore = await modified(RESULTS);
  const out = path.join(dir, 'results.md');
  await run(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--quick', '--out', out], { maxBuffer: 16 * 1024 * 1024 });
  report = await readFile(out, 'utf8');
  // Every part of the benchmark runs, small: minutes on a loaded two-core machine.
}, 480_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ParsedTable {
  columns: string[];
  rows: Array<Record<string, string>>;
}

/** The markdown table under the caption that starts with `caption`. */
function table(caption: string): ParsedTable {
  const lines = report.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`**${caption}`));
  expect(start, `a table captioned "${caption}…"`).toBeGreaterThanOrEqual(0);
  const cells = (line: string) =>
    line
      .replace(/^\|\s*|\s*\|$/g, '')
      .split(/\s*(?<!\\)\|\s*/)
      .map((cell) => cell.replace(/\\\|/g, '|'));
  const end = lines.findIndex((line, index) => index > start + 1 && !line.startsWith('|'));
  const [header, separator, ...rows] = lines.slice(start + 2, end === -1 ? undefined : end);
  expect(separator).toMatch(/^\|(-{3}:?\|)+$/);
  const columns = cells(header ?? '');
  return {
    columns,
    rows: rows.map((row) => Object.fromEntries(cells(row).map((value, index) => [columns[index] ?? `${index}`, value]))),
  };
}

const number = (text: string | undefined) => Number((text ?? '').replace(/[,×]/g, ''));
const beirMeasured = () => report.includes('**BEIR, quick sample');

describe('npm run bench -- --quick', () => {
  it('writes a dated report of every part, and leaves bench/RESULTS.md alone', async () => {
    expect(report).toMatch(/^# Benchmarks/);
    expect(report).toMatch(/Measured \d{4}-\d{2}-\d{2} on \d+ cores .*Node v\d+/);
    for (const title of ['## Retrieval quality', '## Speed and scale', '## End to end through Discord: the gateway and the HTTP interactions endpoint', '## Source formats', '## Pinned answers after a reload']) {
      expect(report).toContain(title);
    }
    expect(await modified(RESULTS)).toBe(resultsBefore);
  });

  it('scores citebot, lunr and wink on both BEIR corpora, every score between 0 and 1', () => {
    if (!beirMeasured()) {
      expect(report).toContain('BEIR data not found');
      return;
    }
    const { rows } = table('BEIR, quick sample');
    expect(rows.map((row) => `${row['corpus, judgments']} / ${row.system}`)).toEqual([
      'SciFact train / citebot',
      'SciFact train / lunr 2.3.9',
      'SciFact train / wink-bm25-text-search 3.1.2',
      'NFCorpus dev / citebot',
      'NFCorpus dev / lunr 2.3.9',
      'NFCorpus dev / wink-bm25-text-search 3.1.2',
    ]);
    for (const row of rows) {
      for (const metric of ['nDCG@10', 'Recall@100']) {
        expect(number(row[metric])).toBeGreaterThan(0);
        expect(number(row[metric])).toBeLessThanOrEqual(1);
      }
      expect(number(row.queries)).toBe(50);
    }
  });

  it('shows the reference points as measured elsewhere, and the dev-question figures', () => {
    expect(table('Reference points').rows).toHaveLength(7);
    if (report.includes('No dev questions')) return;
    const [dev] = table('Dev questions').rows;
    for (const metric of ['hit@1', 'hit@3', 'MRR']) {
      expect(number(dev?.[metric])).toBeGreaterThanOrEqual(0);
      expect(number(dev?.[metric])).toBeLessThanOrEqual(1);
    }
  });

  it('measures build, heap, latency and cold start at every size, with the same results from the persisted index', () => {
    const sizes = beirMeasured() ? 3 : 1;
    const build = table('Build and memory').rows;
    const latency = table('Query latency').rows;
    const coldStart = table('Cold start').rows;
    for (const rows of [build, latency, coldStart]) expect(rows).toHaveLength(sizes);
    for (const row of build) {
      expect(number(row.passages)).toBeGreaterThan(0);
      expect(number(row['heap MB'])).toBeGreaterThan(0);
      expect(number(row['build s'])).toBeGreaterThanOrEqual(0);
    }
    if (beirMeasured()) expect(number(build[2]?.passages)).toBeGreaterThanOrEqual(5_000);
    for (const row of latency) {
      expect(number(row['ask p99'])).toBeGreaterThanOrEqual(number(row['ask p50']));
      expect(number(row['suggest p99'])).toBeGreaterThanOrEqual(number(row['suggest p50']));
    }
    for (const row of coldStart) {
      expect(number(row['Library.open ms'])).toBeGreaterThan(0);
      expect(row['same results as built']).toBe('yes');
    }
  });

  it('answers every interaction through Discord exactly once, by the gateway and the HTTP endpoint, in every search mode', () => {
    const latency = table('Interaction sent → first response received').rows;
    const modes = [...new Set(latency.map((row) => row.search))];
    expect(modes.length).toBeGreaterThan(0);
    const runs = ['gateway', 'HTTP'].flatMap((transport) => modes.map((mode) => `${transport} ${mode}`));
    expect(latency.map((row) => `${row.interaction} ${row.transport} ${row.search}`)).toEqual([
      ...runs.map((run) => `/ask ${run}`),
      ...runs.map((run) => `autocomplete ${run}`),
    ]);
    for (const row of latency) {
      expect(number(row.median)).toBeGreaterThan(0);
      expect(number(row.p99)).toBeGreaterThanOrEqual(number(row.median));
    }
    // Each run twice: at a steady rate, then in a burst.
    const load = table('/ask interactions sent at a steady').rows;
    expect(load.map((row) => `${row.transport} ${row.search}`)).toEqual(runs.flatMap((run) => [run, run]));
    for (const row of load) {
      const sent = number((row['/ask sent'] ?? '').split(',')[0] ?? '');
      expect(sent).toBeGreaterThan(0);
      expect(row.answers).toBe(String(sent));
      expect(row['lost replies']).toBe('0');
      expect(row['duplicated replies']).toBe('0');
      expect(number(row['/ask per second'])).toBeGreaterThan(0);
    }
  });

  it('answers every /ask through one instance and through two on one PostgreSQL, and /reindex reaches both', () => {
    const rows = table('/ask through the HTTP interactions endpoint').rows;
    expect(rows.map((row) => row.Instances)).toEqual(['1', '2']);
    for (const row of rows) {
      expect(row.Answered).toMatch(/^(\d+) of \1$/);
      expect(number(row['Answers per second'])).toBeGreaterThan(0);
    }
    const [reindex] = table('/reindex sent to the balancer').rows;
    expect(number(reindex?.['Median (s)'] ?? '')).toBeGreaterThan(0);
  });

  it('edits every changed pinned answer after a reload, each once, with no 429', () => {
    const rows = table('Pinned answers: one reload').rows;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(number(row.pins)).toBe(25);
      expect(number(row['edits sent'])).toBe(number(row.changed));
      expect(number(row.changed)).toBeGreaterThan(0);
      expect(row['429s']).toBe('0');
    }
  });

  it('scores the dev questions on the seeds converted to every format, checks PDF pages and times each reader', () => {
    const reading = table('Reading speed').rows;
    expect(reading.map((row) => row.format)).toEqual(['.txt', '.pdf', '.html', '.docx', '.md']);
    for (const row of reading) {
      expect(number(row['words read'])).toBeGreaterThan(1_000);
      expect(number(row['read ms'])).toBeGreaterThan(0);
    }
    expect(number(reading[1]?.pages)).toBeGreaterThan(1);
    if (report.includes('No dev questions')) return;
    const scores = table('Dev questions on the converted seed documents').rows;
    const modes = [...new Set(scores.map((row) => row.search))];
    expect(scores.map((row) => row.format)).toEqual([
      ...modes.map(() => '.txt (the seeds)'),
      ...['.pdf', '.html', '.docx', '.md'].flatMap((format) => modes.map(() => format)),
    ]);
    for (const row of scores) {
      expect(number(row['hit@1'])).toBeGreaterThanOrEqual(0);
      expect(number(row['hit@3'])).toBeLessThanOrEqual(1);
    }
    for (const row of table('PDF answers and the pages they name').rows) {
      expect(number(row['answers found'])).toBeGreaterThan(0);
      expect(number(row['on the right page'])).toBeLessThanOrEqual(number(row['answers found']));
    }
  });
});
