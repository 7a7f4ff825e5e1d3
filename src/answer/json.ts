import type { Answer } from './answer.js';

/**
 * The JSON contract of an answer, the same for `npm run ask -- --json` and `GET /api/ask`: stable field names, `file`
 * relative to the data folder.
 */
export function toJson(answer: Answer): object {
  return {
    question: answer.question,
    answered: answer.answered,
    verdict: answer.verdict,
    search: answer.search,
    results: answer.results.map((result) => ({
      file: result.file,
      title: result.title,
      lines: [...result.lines],
      score: Math.round(result.score * 10_000) / 10_000,
      text: result.text,
      quote: result.quote,
      quoteLines: [...result.quoteLines],
      // Where the passage stands, when its source says: a PDF's pages, a heading path, a link.
      ...(result.page !== undefined && { page: result.page }),
      ...(result.pageEnd !== undefined && { pageEnd: result.pageEnd }),
      ...(result.section !== undefined && { section: [...result.section] }),
      ...(result.url !== undefined && { url: result.url }),
    })),
  };
}
