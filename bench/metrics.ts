/** Retrieval metrics as BEIR computes them (pytrec_eval): graded judgments, linear gain, relevant means grade ≥ 1. */

/** Relevance grades of one query's judged documents, by document id. */
export type Judgments = ReadonlyMap<string, number>;

/** nDCG@k with the grade as gain (trec_eval's definition, which BEIR's published figures use). */
export function ndcgAt(k: number, ranked: readonly string[], judgments: Judgments): number {
  let dcg = 0;
  for (const [position, id] of ranked.slice(0, k).entries()) {
    dcg += (judgments.get(id) ?? 0) / Math.log2(position + 2);
  }
  const ideal = [...judgments.values()]
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, position) => sum + grade / Math.log2(position + 2), 0);
  return ideal > 0 ? dcg / ideal : 0;
}

/** Share of the relevant documents found in the first k. */
export function recallAt(k: number, ranked: readonly string[], judgments: Judgments): number {
  const relevant = [...judgments].filter(([, grade]) => grade > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** The value below which `fraction` of the samples fall (nearest rank). NaN for no samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((sum, value) => sum + value, 0) / samples.length;
}
