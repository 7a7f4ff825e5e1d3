/**
 * When a passage answers a question: the policy behind every "I couldn't find that in the sources". Ranking finds the
 * closest passages; this decides whether the closest is close enough to be posted as the answer.
 */
import type { Hit, QueryPlan } from '../search/search-index.js';
import type { Closeness } from '../semantic/semantic-search.js';
import type { UnansweredReason } from './answer.js';

/**
 * Is the best passage an answer, or noise that merely shares a word with the question? It is an answer when it
 * (with its neighbours) holds every word of the question ("kerb crawlers"), or several of its words together:
 * two that carry much information, or three or more that carry a fair share of it. "What is the weather in London?"
 * finds London, but nothing about weather, and is not answered.
 */
function isAnswer(hit: Hit | undefined, plan: QueryPlan, maxIdf: number): boolean {
  if (!hit) return false;
  if (holdsEveryWord(hit, plan)) return true;
  if (hit.wordsHeld >= 3) return hit.coverage >= 0.15;
  return hit.wordsHeld === 2 && (hit.coverage >= 0.5 || hit.heldIdf >= maxIdf);
}

function holdsEveryWord(hit: Hit | undefined, plan: QueryPlan): boolean {
  return hit !== undefined && hit.wordsHeld === plan.words.length;
}

/** Why a question is not answered by words alone (lexical ranking), or undefined when its best passage answers it. */
export function refusalByWords(best: Hit | undefined, plan: QueryPlan, maxIdf: number): UnansweredReason | undefined {
  if (!plan.words.some((word) => word.known)) return 'no-known-words';
  return isAnswer(best, plan, maxIdf) ? undefined : 'weak-match';
}

/**
 * Why a question is not answered in hybrid ranking, or undefined when it is. A dense ranking always finds a closest
 * passage, so meaning and words vouch for each other: a sentence close enough in meaning answers alone; one on the
 * question's subject answers when the best passage holds at least one of its words (questions asked in other words);
 * and words the question shares with the sources answer as in lexical ranking, unless no sentence is anywhere near
 * it in meaning ("How do I change the oil in my car?" finds "change"). A passage that holds every word answers in any
 * case: names and rare terms embed poorly. Measured in bench/semantic.ts, on questions the seed sources answer and
 * ones they do not.
 */
export function refusalByMeaning(
  best: Hit | undefined,
  plan: QueryPlan,
  closeness: Closeness,
  maxIdf: number,
): UnansweredReason | undefined {
  if (holdsEveryWord(best, plan) || closeness === 'answers') return undefined;
  if (closeness === 'on-subject' && best !== undefined && best.wordsHeld >= 1) return undefined;
  if (closeness === 'unrelated') return plan.words.some((word) => word.known) ? 'off-subject' : 'no-known-words';
  return refusalByWords(best, plan, maxIdf);
}
