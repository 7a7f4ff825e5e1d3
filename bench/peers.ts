/**
 * The peers citebot is compared with, each with its own usual English pipeline, over the same documents:
 * lunr 2.3.9 (its default stemmer and stop-word filter) and wink-bm25-text-search 3.1.2 (wink-nlp-utils' prep tasks:
 * lower case, tokenize, remove stop words, stem). Both index a document's whole file text as one field.
 */
import lunr from 'lunr';
import bm25 from 'wink-bm25-text-search';
import nlp from 'wink-nlp-utils';
import { Library } from '../src/library.js';
import { documentFileText, documentIdOf, sourceOf, type BeirDocument } from './beir.js';

/** A search engine built over a corpus: document ids for a query, best first. */
export interface Retriever {
  rank(query: string, limit: number): string[] | Promise<string[]>;
}

export interface System {
  readonly name: string;
  build(documents: readonly BeirDocument[]): Retriever;
}

/**
 * How many passages to rank for `limit` documents: a document holds two passages on average, and its weaker passages
 * rank below its best, so ten per document leaves room.
 */
const PASSAGES_PER_DOCUMENT = 10;

export const citebot: System = {
  name: 'citebot',
  build(documents) {
    const library = new Library('.', documents.map(sourceOf));
    return {
      async rank(query, limit) {
        // A document ranks where its best passage does.
        const ranked = new Set<string>();
        for (const { passage } of await library.rank(query, limit * PASSAGES_PER_DOCUMENT)) {
          ranked.add(documentIdOf(passage.file));
          if (ranked.size === limit) break;
        }
        return [...ranked];
      },
    };
  },
};

export const lunrSystem: System = {
  name: 'lunr 2.3.9',
  build(documents) {
    const index = lunr(function () {
      this.ref('id');
      this.field('body');
      for (const document of documents) this.add({ id: document.id, body: documentFileText(document) });
    });
    return {
      rank(query, limit) {
        // Terms are added one by one rather than parsed: lunr's query syntax would read ":", "~", "^" or "*" in a
        // question as operators. Each is trimmed of punctuation as lunr's indexing pipeline trims words, then goes
        // through its search pipeline (the stemmer); stop words match nothing, since they were never indexed.
        const terms = lunr.tokenizer(query).map((token) => lunr.trimmer(token)).filter((token) => token.toString() !== '');
        const results = index.query((builder) => builder.term(terms, {}));
        return results.slice(0, limit).map((result) => result.ref);
      },
    };
  },
};

export const winkSystem: System = {
  name: 'wink-bm25-text-search 3.1.2',
  build(documents) {
    const engine = bm25();
    engine.defineConfig({ fldWeights: { body: 1 } });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- wink's helpers are plain functions, not methods
    engine.definePrepTasks([nlp.string.lowerCase, nlp.string.tokenize0, nlp.tokens.removeWords, nlp.tokens.stem]);
    for (const document of documents) engine.addDoc({ body: documentFileText(document) }, document.id);
    engine.consolidate();
    return { rank: (query, limit) => engine.search(query, limit).map(([id]) => id) };
  },
};

export const SYSTEMS: readonly System[] = [citebot, lunrSystem, winkSystem];
