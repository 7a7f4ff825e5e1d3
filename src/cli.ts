/**
 * `npm run ask -- "question"`: the core from a terminal, answering as the bot would, with no Discord and no .env.
 * See `npm run ask -- --help`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadCoreConfig, type CoreConfig } from './config.js';
import { DataFolderError } from './corpus/load.js';
import { Library, DEFAULT_TOP } from './library.js';
import { DEFAULT_INDEX_CACHE_DIR } from './search/persist.js';
import { describeLines, type Answer, type RankedPassage } from './answer.js';
import { SEARCH_MODES } from './semantic/hybrid.js';
import { terminalProgress } from './semantic/progress.js';
import { DEFAULT_VECTOR_CACHE_DIR } from './semantic/vector-store.js';

const USAGE = `Ask the sources a question; the answer is a passage quoted verbatim, with its citation.

  npm run ask -- "Who is Laura Watson?"
  npm run --silent ask -- --json "Who is Laura Watson?"
  npm run --silent ask -- --json < questions.txt      (one question a line; one JSON line each)

Options:
  --json         print JSON: {"question","answered","results":[{"file","title","lines","score","text"}]}
  --top K        how many ranked passages to return (default ${DEFAULT_TOP})
  --data DIR     the folder of source documents (default: DATA_DIR, else ./data)
  --mode MODE    lexical (by words) or hybrid (by words and meaning; default: SEARCH_MODE, else hybrid).
                 Hybrid answers by words until every passage has been read for meaning; that happens once per
                 passage, with a progress bar on standard error, and is kept in ${DEFAULT_VECTOR_CACHE_DIR}
  -h, --help     this text`;

/** The JSON contract of `--json`: stable field names, `file` relative to the data folder. */
export function toJson(answer: Answer): object {
  return {
    question: answer.question,
    answered: answer.answered,
    results: answer.results.map((result) => ({
      file: result.file,
      title: result.title,
      lines: [...result.lines],
      score: Math.round(result.score * 10_000) / 10_000,
      text: result.text,
    })),
  };
}

export function citation(result: RankedPassage): string {
  return `${result.file}, ${describeLines(result.lines)} · ${result.title}`;
}

const BOLD = '\u001b[1m';
const UNDERLINE = '\u001b[4m';
const RESET = '\u001b[0m';

/**
 * The passage with the question's words in bold and the best sentence underlined, as the bot shows them. Styles are
 * closed at each line break and opened again after it, so that the quote marks at the start of lines stay plain.
 */
function styled(result: RankedPassage): string {
  const inRange = (ranges: readonly (readonly [number, number])[], at: number) =>
    ranges.some(([start, end]) => start <= at && at < end);
  let text = '';
  let current = '';
  for (let at = 0; at < result.text.length; at++) {
    const char = result.text[at] as string;
    const wanted =
      char === '\n'
        ? ''
        : (inRange(result.highlights, at) ? BOLD : '') + (inRange([result.bestSentence], at) ? UNDERLINE : '');
    if (wanted !== current) {
      text += RESET + wanted;
      current = wanted;
    }
    text += char;
  }
  return current === '' ? text : text + RESET;
}

/**
 * The answer as the bot posts it: the passage quoted, then its citation; or why there is none, with hints.
 * With `color`, the question's words are in bold and the best sentence underlined (for a terminal).
 */
export function toText(answer: Answer, color = false): string {
  const [best, ...others] = answer.results;
  if (!answer.answered || !best) {
    const hints = answer.results.slice(0, 3).map((result) => `  - ${citation(result)}`);
    return [
      "I couldn't find that in the sources.",
      ...(hints.length > 0 ? ['The closest passages, which may not answer it:', ...hints] : []),
    ].join('\n');
  }
  const quoted = (color ? styled(best) : best.text)
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
  const more = others.slice(0, 2).map((result) => `  - ${citation(result)}`);
  return [quoted, '', `📄 ${citation(best)}`, ...(more.length > 0 ? ['', 'Other matches:', ...more] : [])].join('\n');
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        top: { type: 'string' },
        data: { type: 'string' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const top = values.top === undefined ? DEFAULT_TOP : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) {
    console.error(`--top takes a whole number from 1 to 1000 (got "${values.top}").`);
    return 2;
  }

  let config: CoreConfig;
  try {
    config = loadCoreConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  const mode = SEARCH_MODES.find((known) => known === (values.mode ?? config.search.mode));
  if (mode === undefined) {
    console.error(`--mode takes ${SEARCH_MODES.join(' or ')} (got "${values.mode}").`);
    return 2;
  }
  // Typed at a terminal, a bar redrawn in place would run over the question being typed: plain lines instead.
  const interactive = positionals.length === 0 && process.stdin.isTTY === true;

  let library: Library;
  try {
    library = await Library.open({
      dataDir: values.data ?? config.dataDir,
      warn: (message) => console.error(`warning: ${message}`),
      cacheDir: DEFAULT_INDEX_CACHE_DIR,
      ...(mode === 'hybrid' && {
        semantic: {
          fusion: config.search.fusion,
          cacheDir: DEFAULT_VECTOR_CACHE_DIR,
          onProgress: terminalProgress(process.stderr, { inPlace: !interactive }),
        },
      }),
    });
  } catch (error) {
    if (error instanceof DataFolderError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  const color = process.stdout.isTTY === true && !('NO_COLOR' in process.env);
  const render = (answer: Answer) => (values.json ? JSON.stringify(toJson(answer)) : toText(answer, color));
  if (library.searchStatus.mode === 'hybrid' && library.searchStatus.state === 'building') {
    console.error(
      'Answering by words only until every passage has been read for meaning; then by words and meaning. ' +
        'Ctrl+C stops the reading, and what is read is kept for next time.',
    );
  }
  if (positionals.length > 0) {
    console.log(render(await library.answer(positionals.join(' '), { top })));
    // Passages still being read for meaning are read to the end, so that the next run answers by words and meaning.
    await library.semanticSearchComplete();
    return 0;
  }

  // One question a line, answered in order from one loaded index. Piped input gets JSON lines, so that the output
  // of a batch is always machine-readable; a person typing at a terminal gets text unless --json is given.
  const asJson = values.json || !interactive;
  if (interactive) console.error('Type a question and press Enter (Ctrl+D to end).');
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const answer = await library.answer(line, { top });
    process.stdout.write(`${asJson ? JSON.stringify(toJson(answer)) : `${toText(answer, color)}\n`}\n`);
  }
  await library.semanticSearchComplete();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
