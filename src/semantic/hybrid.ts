/**
 * Hybrid ranking: the lexical ranking (BM25 and coverage, src/search/search-index.ts) and the dense one (cosine of the
 * question's and the passages' embeddings) fused into one. Each is good where the other fails: lexical at names,
 * numbers and rare words; dense at paraphrases ("seeing a GP" for "access basic primary care services").
 */

/**
 * `lexical`: words only. `hybrid`: words and meaning, lexical until every passage has its vectors (SEARCH_MODE,
 * `--mode`).
 */
export const SEARCH_MODES = ['lexical', 'hybrid'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Chosen by measurement, as DEFAULT_FUSION is. */
export const DEFAULT_SEARCH_MODE: SearchMode = 'hybrid';

export type FusionMethod = 'interpolation' | 'rrf';

export const FUSION_METHODS: readonly FusionMethod[] = ['interpolation', 'rrf'];

export interface FusionSettings {
  /**
   * `interpolation`: each ranking's scores are min-max normalised over the candidates, then mixed by lexicalWeight.
   * `rrf`: reciprocal rank fusion, 1/(60 + lexical rank) + 1/(60 + dense rank); scores are ignored.
   */
  readonly method: FusionMethod;
  /** Interpolation only: the lexical score's share, from 0 (dense alone) to 1 (lexical alone). */
  readonly lexicalWeight: number;
}

/**
 * Chosen on the dev questions, SciFact train and NFCorpus dev (bench/semantic.ts; README, "By words, and by
 * meaning").
 */
export const DEFAULT_FUSION: FusionSettings = { method: 'interpolation', lexicalWeight: 0.4 };

/** RRF's constant, as in its paper and most systems: damps the difference between the first few ranks. */
const RRF_K = 60;

/**
 * The first passages of each ranking whose scores set the normalisation: "the weakest score" is that of the
 * hundredth passage, rather than that of the worst of the whole corpus. They are also the fewest candidates fused.
 */
export const FUSION_CANDIDATES = 100;

export interface ScoredPassage {
  /** Index into the library's passages. */
  readonly passage: number;
  readonly score: number;
}

/** The dense ranking of a question: its closest passages, and the similarity of any passage to it. */
export interface DenseRanking {
  /** The passages closest in meaning to the question, best first: as many as were asked for, or every passage. */
  readonly order: readonly number[];
  /** The passage's similarity to the question, whether or not it is in `order`. */
  scoreOf(passage: number): number;
}

/**
 * The passages ranked by both rankings at once. `lexical` holds the passages that matched the question's words, best
 * first: every one of them, or, when `lexicalScoreOf` gives the lexical score of any passage (0 for one that matched
 * none), at least the first max(`candidates`, FUSION_CANDIDATES) (interpolation only: RRF needs every rank). `dense`
 * gives the passages closest in meaning, at least `candidates` of them (FUSION_CANDIDATES at
 * least), and the similarity of any passage. The candidates are the first `candidates` of each ranking, so that a
 * passage only one of them finds can still come first; each is scored the same way whatever their number, so that
 * asking for more never reorders the first. In RRF, a passage past the dense ranking's `order` has no dense rank.
 */
export function fuse(
  lexical: readonly ScoredPassage[],
  dense: DenseRanking,
  settings: FusionSettings,
  candidates: number,
  lexicalScoreOf?: (passage: number) => number,
): ScoredPassage[] {
  const denseOrder = dense.order;
  const first = (count: number) => [...lexical.slice(0, count).map((hit) => hit.passage), ...denseOrder.slice(0, count)];
  const pool = new Set(first(Math.max(candidates, FUSION_CANDIDATES)));
  let score: (passage: number) => number;
  if (settings.method === 'rrf') {
    const lexicalRank = new Map(lexical.map((hit, rank) => [hit.passage, rank + 1]));
    const denseRank = new Map(denseOrder.map((passage, rank) => [passage, rank + 1]));
    const reciprocal = (rank: number | undefined) => (rank === undefined ? 0 : 1 / (RRF_K + rank));
    score = (passage) => reciprocal(lexicalRank.get(passage)) + reciprocal(denseRank.get(passage));
  } else {
    const lexicalOf = lexicalScoreOf ?? scoresOf(lexical);
    const denseScores = new Map<number, number>();
    const denseOf = (passage: number) => {
      let known = denseScores.get(passage);
      if (known === undefined) denseScores.set(passage, (known = dense.scoreOf(passage)));
      return known;
    };
    const normalising = first(FUSION_CANDIDATES);
    const normaliseLexical = minMax(normalising.map(lexicalOf));
    const normaliseDense = minMax(normalising.map(denseOf));
    const weight = settings.lexicalWeight;
    score = (passage) => weight * normaliseLexical(lexicalOf(passage)) + (1 - weight) * normaliseDense(denseOf(passage));
  }
  return [...pool]
    .map((passage) => ({ passage, score: score(passage) }))
    .sort((a, b) => b.score - a.score || a.passage - b.passage);
}

/** Each passage's score in `ranking`, 0 for a passage not in it. */
function scoresOf(ranking: readonly ScoredPassage[]): (passage: number) => number {
  const scores = new Map(ranking.map((hit) => [hit.passage, hit.score]));
  return (passage) => scores.get(passage) ?? 0;
}

/** Maps the least of `values` to 0 and the greatest to 1, linearly (everything to 0 when they are all equal). */
function minMax(values: readonly number[]): (value: number) => number {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const range = high - low;
  return (value) => (range > 0 ? (value - low) / range : 0);
}
