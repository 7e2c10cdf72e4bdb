/**
 * Reciprocal Rank Fusion: each list contributes `weight / (k + rank)` (rank from 1) to a
 * chunk's score. Ranks, not raw scores, because cosine and BM25 are not on one scale.
 * shared/notes/retrieval.md measured equal weights losing to full text alone when the vector
 * list is weak, so the weights are configurable and the evaluation reports every mode.
 */

export interface RankedList {
  ids: readonly number[];
  weight: number;
}

export interface Fused {
  id: number;
  score: number;
  /** 1-based rank in each list, or null where the list did not have it. */
  ranks: (number | null)[];
}

export function reciprocalRankFusion(lists: readonly RankedList[], k: number): Fused[] {
  const byId = new Map<number, Fused>();
  lists.forEach((list, which) => {
    list.ids.forEach((id, i) => {
      let entry = byId.get(id);
      if (!entry) {
        entry = { id, score: 0, ranks: lists.map(() => null) };
        byId.set(id, entry);
      }
      entry.ranks[which] = i + 1;
      entry.score += list.weight / (k + i + 1);
    });
  });
  // ties: the better best rank first, then the id, so the order is deterministic
  const best = (f: Fused) => Math.min(...f.ranks.map((r) => r ?? Infinity));
  return [...byId.values()].sort((a, b) => b.score - a.score || best(a) - best(b) || a.id - b.id);
}
