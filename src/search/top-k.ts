/**
 * Positions of the `limit` highest scores, best first (ties: the passage first in order), without sorting every
 * passage that matched a word: a min-heap keeps the best so far, its root the worst of them, the one a better score
 * replaces. `passages[at]` is the passage scored `scores[at]`.
 */
export function topByScore(scores: Float64Array, passages: Uint32Array, limit: number): number[] {
  const better = (a: number, b: number) => {
    const scoreA = scores[a] as number;
    const scoreB = scores[b] as number;
    return scoreA > scoreB || (scoreA === scoreB && (passages[a] as number) < (passages[b] as number));
  };
  const byRank = (a: number, b: number) => (better(a, b) ? -1 : better(b, a) ? 1 : 0);
  const count = scores.length;
  if (limit <= 0) return [];
  if (count <= limit * 4) return Array.from({ length: count }, (_, at) => at).sort(byRank).slice(0, limit);
  const heap: number[] = [];
  for (let at = 0; at < limit; at++) {
    let child = heap.length;
    heap.push(at);
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const parentAt = heap[parent] as number;
      if (!better(parentAt, at)) break;
      heap[child] = parentAt;
      child = parent;
    }
    heap[child] = at;
  }
  // Most entries do not beat the worst kept, and are turned away on its score alone, kept at hand.
  let worstScore = scores[heap[0] as number] as number;
  for (let at = limit; at < count; at++) {
    if ((scores[at] as number) < worstScore || !better(at, heap[0] as number)) continue;
    // Sift the new entry down from the root, moving the worse child up, until no child is worse.
    const size = heap.length;
    let node = 0;
    for (;;) {
      const left = 2 * node + 1;
      if (left >= size) break;
      const right = left + 1;
      let worst = left;
      if (right < size && better(heap[left] as number, heap[right] as number)) worst = right;
      const worstAt = heap[worst] as number;
      if (!better(at, worstAt)) break;
      heap[node] = worstAt;
      node = worst;
    }
    heap[node] = at;
    worstScore = scores[heap[0] as number] as number;
  }
  return heap.sort(byRank);
}
