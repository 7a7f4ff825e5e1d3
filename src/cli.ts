/**
 * `npm run ask -- "question"`: the core from a terminal, answering as the bot would, with no Discord and no .env.
 * See `npm run ask -- --help`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadCoreConfig, searchModeOption } from './config.js';
import { DataFolderError, defaultSourceOptions } from './corpus/load.js';
import { openLibrary, DEFAULT_TOP, type Library } from './library.js';
import type { Answer, RankedPassage } from './answer/answer.js';
import { citationLabel } from './answer/citation.js';
import { toJson } from './answer/json.js';
import { terminalProgress } from './semantic/progress.js';
import { DEFAULT_VECTOR_CACHE_DIR } from './semantic/vector-store.js';
import { BY_WORDS_WHILE_READING, NOT_IN_SOURCES, RELATED_ANSWER } from './messages.js';
import { OMISSION } from './answer/quote.js';

const USAGE = `Ask the sources a question; the answer is a passage quoted verbatim, with its citation.

  npm run ask -- "Who is Laura Watson?"
  npm run --silent ask -- --json "Who is Laura Watson?"
  npm run --silent ask -- --json < questions.txt      (one question a line; one JSON line each)

Options:
  --json         print JSON: {"question","answered","search","results":[{"file","title","lines","score","text"}]};
                 a result also has "page" (and "pageEnd" when it runs over a page break), "section" (its
                 heading path) and "url" where its source has them
  --top K        how many ranked passages to return (default ${DEFAULT_TOP})
  --data DIR     the folder of source documents (default: DATA_DIR, else ./data)
  --mode MODE    lexical (by words) or hybrid (by words and meaning; default: SEARCH_MODE, else hybrid).
                 Every passage is read for meaning once, with a progress bar on standard error, and kept in
                 ${DEFAULT_VECTOR_CACHE_DIR}; questions are answered once it is done
  --no-wait      hybrid only: answer at once, by words alone while the passages are still being read (each answer
                 says which search produced it), and stop reading when the questions are answered  -h, --help     this text`;

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
  for (let at = result.quoteRange[0]; at < result.quoteRange[1]; at++) {
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
  text = current === '' ? text : text + RESET;
  const [start, end] = result.quoteRange;
  const before = result.text.slice(0, start).trim() !== '' ? `${OMISSION} ` : '';
  const after = result.text.slice(end).trim() !== '' ? ` ${OMISSION}` : '';
  return before + text + after;
}

/** The passage's quote as a block quote: what answers, verbatim, with "[…]" where the passage goes on. */
function quoteLines(result: RankedPassage, color: boolean): string {
  return (color ? styled(result) : result.quote)
    .split('\n')
    .map((line) => `> ${line}`.trimEnd())
    .join('\n');
}

/**
 * The answer as the bot posts it: the passage quoted, then its citation; or why there is none, with hints.
 * With `color`, the question's words are in bold and the best sentence underlined (for a terminal).
 */
export function toText(answer: Answer, color = false): string {
  const [best, ...others] = answer.results;
  if (answer.verdict === 'related' && best) {
    return [RELATED_ANSWER, '', quoteLines(best, color), '', citationLabel({ ...best, lines: best.quoteLines })].join('\n');
  }
  if (!answer.answered || !best) {
    const hints = answer.results.slice(0, 3).map((result) => `  - ${citationLabel(result)}`);
    return [
      NOT_IN_SOURCES,
      ...(hints.length > 0 ? ['The closest passages, which may not answer it:', ...hints] : []),
    ].join('\n');
  }
  const quoted = quoteLines(best, color);
  const more = others.slice(0, 2).map((result) => `  - ${citationLabel(result)}`);
  return [
    quoted,
    '',
    citationLabel({ ...best, lines: best.quoteLines }),
    ...(more.length > 0 ? ['', 'Other matches:', ...more] : []),
  ].join('\n');
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
        'no-wait': { type: 'boolean', default: false },
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

  let library: Library;
  try {
    const config = loadCoreConfig();
    // Typed at a terminal, a bar redrawn in place would run over the question being typed: plain lines instead.
    const interactive = positionals.length === 0 && process.stdin.isTTY === true;
    library = await openLibrary({
      dataDir: values.data ?? config.dataDir,
      mode: searchModeOption(values.mode, config.search.mode),
      fusion: config.search.fusion,
      warn: (message) => console.error(`warning: ${message}`),
      sources: defaultSourceOptions(config.webRefreshMs),
      onProgress: terminalProgress(process.stderr, { inPlace: !interactive }),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof DataFolderError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  try {
    return await answerQuestions(library, positionals, { json: values.json, top, wait: !values['no-wait'] });
  } finally {
    // Without --no-wait the reading is complete by now; with it, what was read is kept for the next run.
    library.close();
  }
}

async function answerQuestions(
  library: Library,
  positionals: readonly string[],
  { json, top, wait }: { json: boolean; top: number; wait: boolean },
): Promise<number> {
  const status = library.searchStatus;
  if (status.mode === 'hybrid' && status.state === 'building') {
    if (wait) {
      console.error('Reading the sources for meaning before answering (once; kept for next time). Ctrl+C stops it.');
      await library.semanticSearchComplete();
    } else {
      console.error('Answering by words only while the sources are read for meaning (--no-wait).');
    }
  }
  const color = process.stdout.isTTY === true && !('NO_COLOR' in process.env);
  const byWordsNote = (answer: Answer) => (answer.search === 'lexical' && status.mode === 'hybrid' ? `\n\n${BY_WORDS_WHILE_READING}` : '');
  const asText = (answer: Answer) => toText(answer, color) + byWordsNote(answer);
  if (positionals.length > 0) {
    const answer = await library.answer(positionals.join(' '), { top });
    console.log(json ? JSON.stringify(toJson(answer)) : asText(answer));
    return 0;
  }

  // One question a line, answered in order from one loaded index. Piped input gets JSON lines, so that the output
  // of a batch is always machine-readable; a person typing at a terminal gets text unless --json is given.
  const interactive = process.stdin.isTTY === true;
  const asJson = json || !interactive;
  if (interactive) console.error('Type a question and press Enter (Ctrl+D to end).');
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const answer = await library.answer(line, { top });
    process.stdout.write(`${asJson ? JSON.stringify(toJson(answer)) : `${asText(answer)}\n`}\n`);
  }
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
