/**
 * `npm run bench [-- --quick] [--only quality|speed|discord|semantic|verdicts|formats|pins|instances] [--beir DIR]
 *   [--out FILE]`
 *
 * Measures citebot where its users feel it — retrieval quality against BEIR and its peers, speed and memory at scale,
 * latency end to end through Discord, sources in other formats, pinned answers after a reload, and several instances
 * on one PostgreSQL — and prints markdown tables. A full run of every part writes them to bench/RESULTS.md; any other run writes .cache/bench/results.md, unless --out names another file.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './child.js';
import { measureDiscord } from './discord.js';
import { measureFormats } from './formats.js';
import { measurePins } from './pins.js';
import { renderSection, type Section } from './markdown.js';
import { measureQuality } from './quality.js';
import { measureScale } from './scale.js';
import { measureSemantic } from './semantic.js';
import { measureVerdicts } from './verdicts.js';
import { measureInstances } from './instances.js';

const PARTS = ['quality', 'speed', 'discord', 'semantic', 'verdicts', 'formats', 'pins', 'instances'] as const;
type Part = (typeof PARTS)[number];

const USAGE = `npm run bench [-- options]

  --quick          a small version of each part (well under a minute)
  --only PART      one part: quality, speed, discord, semantic (hybrid search beside lexical; the first full run
                   reads BEIR for meaning, which takes about half an hour on two cores; later runs reuse the vectors),
                   verdicts (answer / related / none by kind of question), formats (the seeds as PDF, HTML, Word and
                   Markdown: dev questions, PDF pages, reading speed), pins (a reload with 250 pinned answers
                   across 5 channels, half of them changed: time to the last edit, REST calls, 429s) or instances
                   (/ask through one and through two instances sharing PostgreSQL, and /reindex reaching both; needs
                   PostgreSQL, see TEST_DATABASE_URL)
  --beir DIR       the folder holding BEIR's scifact/ and nfcorpus/ (default: BEIR_DIR, else ../shared/bench)
  --out FILE       where to write the results (default: bench/RESULTS.md for a full run of every part,
                   else .cache/bench/results.md)`;

const WORK_DIR = path.join(REPO_ROOT, '.cache', 'bench');

function beirDirFrom(option: string | undefined): string | undefined {
  const dir = path.resolve(REPO_ROOT, option ?? process.env.BEIR_DIR ?? '../shared/bench');
  const complete = ['scifact', 'nfcorpus'].every((name) => existsSync(path.join(dir, name, 'corpus.jsonl')));
  return complete ? dir : undefined;
}

function machine(): string {
  const cpus = os.cpus();
  const memoryGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${memoryGiB} GiB memory, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Other work on the machine slows every timing: the load average says how much there was. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      beir: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.only !== undefined && !(PARTS as readonly string[]).includes(values.only)) {
    throw new Error(`--only takes one of ${PARTS.join(', ')} (got "${values.only}").\n\n${USAGE}`);
  }
  const parts: readonly Part[] = values.only === undefined ? PARTS : [values.only as Part];
  const quick = values.quick;
  const beirDir = beirDirFrom(values.beir);
  const dataDir = path.join(REPO_ROOT, 'data');
  const devQuestionsFile = path.resolve(REPO_ROOT, '../shared/eval/dev.jsonl');
  const isFullRun = !quick && parts.length === PARTS.length;
  const out = path.resolve(values.out ?? (isFullRun ? path.join(REPO_ROOT, 'bench', 'RESULTS.md') : path.join(WORK_DIR, 'results.md')));
  await mkdir(WORK_DIR, { recursive: true });

  const measure: Record<Part, () => Promise<Section>> = {
    quality: () => measureQuality({ beirDir, devQuestionsFile, dataDir, quick }),
    speed: () => measureScale({ beirDir, dataDir, devQuestionsFile, workDir: WORK_DIR, quick }),
    discord: () => measureDiscord({ dataDir, beirDir, devQuestionsFile, quick }),
    semantic: () => measureSemantic({ beirDir, devQuestionsFile, quick }),
    verdicts: () => measureVerdicts({ dataDir, devQuestionsFile, quick }),
    formats: () => measureFormats({ dataDir, devQuestionsFile, quick }),
    pins: () => measurePins({ quick }),
    instances: () => measureInstances({ dataDir, beirDir, devQuestionsFile, quick }),
  };
  const loadStart = loadAverage();
  const header = [
    `# Benchmarks${quick ? ' (quick run: small samples, not comparable with a full run)' : ''}`,
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, by \`npm run bench${quick ? ' -- --quick' : ''}\` (code in bench/).`,
  ].join('\n\n');
  console.log(`${header}\n`);
  const sections: string[] = [header];
  for (const part of parts) {
    const started = Date.now();
    console.error(`bench: measuring ${part}…`);
    const section = renderSection(await measure[part]());
    console.error(`bench: ${part} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`${section}\n`);
    sections.push(section);
  }
  const load = `Load average (1 / 5 / 15 minutes) at the start: ${loadStart}; at the end: ${loadAverage()}.`;
  console.log(load);
  sections.push(load);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${sections.join('\n\n')}\n`);
  console.error(`bench: results written to ${path.relative(process.cwd(), out) || out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
