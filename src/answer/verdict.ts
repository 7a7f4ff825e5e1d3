/**
 * Does the closest passage answer the question as asked, or only speak of its subject? Decided on the passage's best
 * sentence and its neighbours (the focus), not on the whole passage: the focus must hold what the question asks about
 * (every informative word, by its words, their corrections and expansions, or by meaning) and, for a wh-question, the
 * kind of thing it asks for (a number for "how many", a date for "when"…), standing where it is about the question: a
 * name answers "who" only in a sentence that holds the question's words, not in a neighbouring sentence about something
 * else. Entities and numbers are recognised by compromise, a rule-based English tagger, in the focus's own text.
 */
import nlp from 'compromise';
import { LRUCache } from 'lru-cache';
import type { QueryPlan } from '../search/search-index.js';
import type { TextRange } from './answer.js';
import { layoutOf, type Layout } from './highlight.js';

/** `answer`: a passage answers it. `related`: the sources speak of the subject, no passage answers it as asked. */
export type Verdict = 'answer' | 'related' | 'none';

/** The kind of thing a wh-question asks for. */
export type AnswerKind =
  | 'count'
  | 'amount'
  | 'age'
  | 'duration'
  | 'time'
  | 'clock'
  | 'agent'
  | 'person'
  | 'place'
  | 'named'
  | 'phone'
  | 'email'
  | 'url';

/**
 * What a question asks for, from its question words: "how many", "when", "who", "where", and a phone number, email
 * or website asked for by name. Undefined for questions any sentence on the subject may answer ("why", "what is").
 */
export interface AskedFor {
  readonly kind: AnswerKind;
  /** The words that ask for it ("how many", "phone number"): they name the kind, not the subject. */
  readonly words: readonly string[];
}

/** Patterns of the question words that ask for each kind, most specific first (compromise match syntax). */
const ASKING_FOR: ReadonlyArray<readonly [AnswerKind | 'description', string]> = [
  ['phone', '(phone|telephone|helpline|hotline|freephone) (number|line)?'],
  ['phone', 'number to (call|ring)'],
  ['phone', '(what|which) number (do|should|can|could) #Pronoun (call|ring|phone|text)'],
  ['email', '(email|e-mail) address?'],
  ['url', '(website|url|web address)'],
  ['age', '(how old|what age|which age)'],
  // "How many hours…?" asks for a span of time.
  ['duration', 'how many #Duration'],
  ['count', 'how (many|often)'],
  ['count', '(what|which) number of'],
  ['amount', 'how much'],
  ['amount', '(what|which) (percentage|percent|proportion|share|amount|fraction|sum|price|cost)'],
  ['duration', 'how long'],
  ['clock', '(what|which) time'],
  ['time', '(when|since when)'],
  ['time', '(what|which) (year|date|day|month)'],
  // "Who is Laura Watson?" asks what the sources say of her, not for a name.
  ['description', '^who (is|was|are|were) #ProperNoun+$'],
  // "Who is the commissioner?", "What is the name of…?": a person, by name.
  ['person', '^who (is|was) the'],
  ['person', '(what|which) (is|was) (the|#Possessive) name'],
  ['agent', '^(who|whom|whose)'],
  ['agent', '(which|what) (organisation|organization|group|charity|person|company|body)'],
  ['place', '^where'],
  ['place', '(which|what) (borough|area|street|town|city|country|place)'],
  // "Which strategy…?", "Which boroughs…?": one of a kind, picked out by its name.
  ['named', '^which #Adjective* #Noun'],
];

/**
 * What a question asks for, from its question words: "how many", "when", "who", "where", and a phone number, email
 * or website asked for by name. Undefined for questions any sentence on the subject may answer ("why", "what is").
 */
export function askedFor(question: string): AskedFor | undefined {
  const known = askedForCache.get(question);
  if (known !== undefined) return known === NOTHING_ASKED_FOR ? undefined : known;
  const found = readAskedFor(question);
  askedForCache.set(question, found ?? NOTHING_ASKED_FOR);
  return found;
}

/** Questions come again (paging buttons, popular questions): tagging one costs more than ranking it. */
const askedForCache = new LRUCache<string, AskedFor | typeof NOTHING_ASKED_FOR>({ max: 4_096 });
const NOTHING_ASKED_FOR = Symbol('nothing asked for');

/** ASKING_FOR with each pattern parsed once: compromise parses a pattern given as text on every match. */
const ASKING_FOR_PARSED = ASKING_FOR.map(([kind, pattern]) => [kind, nlp.parseMatch(pattern)] as const);

/**
 * Every pattern of ASKING_FOR names at least one of these words, and each holds one of them as written: a question
 * that holds none of them (many hold none: "Statins lower the risk of stroke") asks for no kind, without being
 * tagged. Compromise expands contractions only into words they hold ("what'd", "howd"), so this holds for any
 * question written in ASCII; others are tagged, since compromise reads accented letters as plain ones.
 */
const ASKING_WORDS = /phone|helpline|hotline|number|what|which|mail|web|url|how|when|who|where/;

function readAskedFor(question: string): AskedFor | undefined {
  const lower = question.toLowerCase();
  // eslint-disable-next-line no-control-regex -- ASCII is exactly what the shortcut holds for.
  if (/^[\x00-\x7f]*$/.test(lower) && !ASKING_WORDS.test(lower)) return undefined;
  const doc = nlp(lower);
  for (const [kind, pattern] of ASKING_FOR_PARSED) {
    const found = doc.match(pattern);
    if (!found.found) continue;
    if (kind === 'description') return undefined;
    // The noun of "which boroughs" stays part of the subject: the answer may well say "boroughs".
    const words = kind === 'named' ? ['which'] : ((found.out('text') as string).match(/[\p{L}]+/gu) ?? []);
    return { kind, words };
  }
  return undefined;
}

/** Digits in runs that make a phone number: seven or more, allowing spaces, dots and dashes between groups. */
const PHONE_DIGITS = /(?:\+?\d[\d .-]{5,}\d)/g;

/**
 * Kinds that must stand in a sentence holding the question's words: a name or a place in the sentence next door is
 * most often about something else ("Who murdered Mariana Popa?" is not answered by the name of the person quoted
 * after the sentence on her murder). Numbers, dates and contact details are looked for in the whole focus: a date
 * line, a byline or a line of contact details holds none of the question's words.
 */
const KINDS_IN_SENTENCE: ReadonlySet<AnswerKind> = new Set(['agent', 'person', 'named', 'place']);

/** An age as written: "24-year-old", "24 years old", "aged 24" (compromise match syntax). */
const AGE = '(#Value year old|#Value years old|aged #Value|age of #Value)';

/**
 * Does `text` hold the kind of thing asked for, other than what the question itself names ("Who murdered Mariana
 * Popa?" is not answered by the name Mariana Popa)? Kinds are told apart by compromise's tags: a count is a number
 * that is not a year, a date or an age; an amount is money or a share; a duration is a span of time or "since" a
 * date; a place is a place name or an address, not any name.
 */
export function holdsKind(text: string, kind: AnswerKind, question: string): boolean {
  const asked = question.toLowerCase();
  const fresh = (found: readonly string[]) =>
    found.some((item) => {
      // A possessive's "s" is no word of its own: "the Mayor's" names the mayor the question names.
      const words = item.toLowerCase().replace(/['’]s\b/gu, '').match(/[\p{L}\p{N}]+/gu) ?? [];
      return words.length > 0 && !words.every((word) => asked.includes(word));
    });
  const doc = nlp(text);
  const matches = (pattern: string) => fresh(doc.match(pattern).out('array') as string[]);
  switch (kind) {
    case 'phone':
      return (
        [...text.matchAll(PHONE_DIGITS)].some((match) => match[0].replace(/\D/g, '').length >= 7) ||
        // Emergency and service numbers are short: 999, 101, 911.
        (doc.numbers().not('(#Money|#Percent|#Date|#Year)').out('array') as string[]).some((found) => /^\d{3}$/.test(found.trim()))
      );
    case 'email':
      return doc.emails().found;
    case 'url':
      return doc.urls().found || /<https?:\/\/|www\.\S+/i.test(text);
    case 'count': {
      const ages = new Set(doc.match(AGE).match('#Value').out('array') as string[]);
      const spans = new Set(doc.match('#Value+ #Duration').match('#Value').out('array') as string[]);
      const counts = doc.numbers().not('(#Year|#Date|#Time|#Money|#Percent)').out('array') as string[];
      return fresh(counts.filter((count) => !ages.has(count) && !spans.has(count)));
    }
    case 'amount':
      return fresh(doc.money().out('array') as string[]) || fresh(doc.percentages().out('array') as string[]) || matches('#Fraction');
    case 'age':
      return matches(AGE);
    case 'duration':
      return matches('#Value+ #Duration') || matches('since (#Date|#Year)') || matches('(decades|years|months)');
    case 'time':
      return matches('(#Date|#Time|#Year|#Duration)') || /\b(1[89]|20)\d\d\b/.test(text);
    case 'clock':
      return matches('#Time');
    case 'agent':
      // People by role count when they are counted ("two men"): "dangerous offenders" does not say who.
      return (
        matches('(#Person|#Organization|#ProperNoun|#Acronym)') ||
        fresh(doc.match('#Value+ #Adjective? #Plural').if('#Actor').out('array') as string[])
      );
    case 'person':
      // A name, not a title: "Laura Watson" or "Ellena Cruse", not "the Commissioner".
      return matches('(#Person+|#ProperNoun #ProperNoun+)');
    case 'place':
      return matches('(#Place|#Address)');
    case 'named':
      return matches('(#ProperNoun|#Organization|#Place|#Person|#Acronym)');
  }
}

/** The sentence a passage's focus is built around, and how close in meaning each sentence is to the question. */
export interface SentenceSimilarity {
  readonly sentence: TextRange;
  readonly cosine: number;
}

export interface Focus {
  /** The focus in the passage's text: its best sentence with at most one sentence on each side. */
  readonly range: TextRange;
  /** Share of the question's information (idf-weighted words) the focus holds by its words, 0–1. */
  readonly coverage: number;
  /** The question's words the focus does not hold. */
  readonly missing: readonly string[];
  /** The closest sentence's similarity in meaning to the question (hybrid search), or undefined. */
  readonly cosine: number | undefined;
  /**
   * The focus's sentences that hold at least one of the question's words: where the thing asked for must stand, so
   * that a name in a neighbouring sentence about something else does not answer "who".
   */
  readonly onSubject: readonly TextRange[];
}

interface SentenceTerms {
  /** Each sentence's index terms. */
  readonly held: readonly ReadonlySet<string>[];
  /** Each sentence's with its neighbours' on each side: the terms of the focus around it. */
  readonly windows: readonly ReadonlySet<string>[];
}

const NO_TERMS: ReadonlySet<string> = new Set();

/** The same for every question: kept with the passage's layout, as long as the layout is. */
const sentenceTerms = new WeakMap<Layout, SentenceTerms>();

function sentenceTermsOf(layout: Layout): SentenceTerms {
  const known = sentenceTerms.get(layout);
  if (known !== undefined) return known;
  const { starts, terms, termStarts, sentences, sentenceOf } = layout;
  const held = sentences.map(() => new Set<string>());
  for (let index = 0; index < starts.length; index++) {
    const set = held[sentenceOf[index] ?? -1];
    if (set === undefined) continue;
    for (let at = termStarts[index] as number; at < (termStarts[index + 1] as number); at++) set.add(terms[at] as string);
  }
  const windows = sentences.map((_, index) => {
    const window = new Set<string>();
    for (let at = Math.max(0, index - 1); at <= Math.min(sentences.length - 1, index + 1); at++) {
      for (const term of held[at] ?? []) window.add(term);
    }
    return window;
  });
  const found = { held, windows };
  sentenceTerms.set(layout, found);
  return found;
}

/**
 * The passage's best focus for the question: around the sentence whose neighbourhood holds the most of the
 * question's information, then the closest in meaning.
 */
export function focusOf(
  text: string,
  plan: QueryPlan,
  similarities?: readonly SentenceSimilarity[],
  askingWords: readonly string[] = [],
): Focus {
  const layout = layoutOf(text);
  const { sentences } = layout;
  const { held, windows } = sentenceTermsOf(layout);
  const cosineOf = (sentence: TextRange) =>
    similarities?.find((similarity) => similarity.sentence[0] === sentence[0])?.cosine;
  const subject = plan.words.filter((word) => !askingWords.includes(word.word));
  const total = subject.reduce((sum, word) => sum + word.idf, 0);
  let best: Focus | undefined;
  let bestKey = [-1, -2];
  const count = Math.max(1, sentences.length);
  for (let index = 0; index < count; index++) {
    const first = Math.max(0, index - 1);
    const last = Math.min(sentences.length - 1, index + 1);
    const window = windows[index] ?? NO_TERMS;
    const missing: string[] = [];
    let covered = 0;
    for (const word of subject) {
      if (word.terms.some(({ term }) => window.has(term))) covered += word.idf;
      else missing.push(word.word);
    }
    const coverage = total > 0 ? covered / total : 1;
    const sentence = sentences[index] ?? ([0, text.length] as TextRange);
    const cosine = cosineOf(sentence);
    const key = [coverage, cosine ?? 0];
    if (key[0]! > bestKey[0]! || (key[0] === bestKey[0] && key[1]! > bestKey[1]!)) {
      bestKey = key;
      const range: TextRange = [sentences[first]?.[0] ?? 0, sentences[last]?.[1] ?? text.length];
      const onSubject: TextRange[] = [];
      for (let at = first; at <= last; at++) {
        const terms = held[at];
        const sentence = sentences[at];
        if (sentence !== undefined && subject.some((word) => word.terms.some(({ term }) => terms?.has(term)))) {
          onSubject.push(sentence);
        }
      }
      if (sentences.length === 0) onSubject.push(range);
      best = { range, coverage, missing, cosine, onSubject };
    }
  }
  return best as Focus;
}

/**
 * A focus answers when it holds the kind of thing asked for and either this share of the question's information by
 * its words (0–1), or a sentence at least FOCUS_COSINE close to it in meaning (a cosine, hybrid search only).
 * Calibrated on the questions in eval/ (answerable, unanswerable on the sources' subjects, unrelated): higher values
 * refuse more unanswerable questions and answer fewer answerable ones; these keep the dev questions' hit@1 within
 * 0.03 of what it was without a focus check (bench/verdicts.ts shows the trade; stricter values cost more answers
 * than they save refusals).
 */
const FOCUS_COVERAGE = 0.4;
const FOCUS_COSINE = 0.55;
/** FOCUS_COVERAGE for search by words alone, which has no meaning to fall back on: lower, calibrated the same way. */
const FOCUS_COVERAGE_BY_WORDS = 0.25;
/**
 * How many of the best-ranked passages are looked at for a focus that answers (1 or more). A lower-ranked one answers
 * only when its focus is at least as close to the question as the best-ranked one's: in meaning (hybrid search), or
 * by the share of the question's words it holds (lexical). Else a passage that merely holds a date or a name would
 * be preferred over the closest passage, which does not say. A lower-ranked passage that answers is also preferred
 * to the one found above it when its focus is both closer in meaning and holds more of the question's words.
 */
const PASSAGES_JUDGED = 3;
/**
 * Cosines this close (0–1) between a lower-ranked passage's focus and the best-ranked one's are a tie in meaning: the
 * lower-ranked one then answers when it holds at least as much of the question by its words ("When is the London
 * mayoral election?": the sentence that gives the date against one that names the election only). 0 turns it off.
 */
const COSINE_TIE = 0.02;
/**
 * The share of the question's information (0–1) a focus must hold by its words, whatever its closeness in meaning,
 * for kinds the sources hold nearly everywhere: numbers stand in most sentences and names in many, so a number or a
 * name near a sentence on the subject is weak evidence unless that sentence holds most of what is asked about ("How
 * many staff work at Women at the Well?" found the drop-in's visits; "Who is the Metropolitan Police Commissioner
 * …?" a name beside the word "police"). Kinds not listed need only FOCUS_COVERAGE or FOCUS_COSINE. Calibrated as
 * FOCUS_COVERAGE is: tighter values, or other kinds held to it ("which", "when", "how much"), cost answers.
 */
const KIND_COVERAGE: Partial<Record<AnswerKind, number>> = { count: 0.6, person: 0.5 };
/** Below this share of the question's information held, and off the subject in meaning, nothing is relevant. */
const RELATED_COVERAGE = 0.5;

export interface Judgement {
  readonly verdict: Verdict;
  /** Which of the ranked passages the verdict is about (a lower-ranked one may be the one that answers). */
  readonly chosen: number;
  readonly focus: Focus | undefined;
}

export interface JudgementInput {
  readonly question: string;
  readonly plan: QueryPlan;
  readonly texts: readonly string[];
  /** The ranking's own refusal (src/answer/policy.ts): a question it refuses is never answered. */
  readonly refused: boolean;
  /** Hybrid search: how close the sources come in meaning, and each passage's sentences' closeness. */
  readonly closeness?: 'answers' | 'on-subject' | 'unsure' | 'unrelated';
  readonly similarities?: (rank: number) => readonly SentenceSimilarity[];
  /**
   * Hybrid search: the model's similarity under which a sentence is not about the question. A focus whose closest
   * sentence stays under it holds the question's words by coincidence, in a sentence about something else ("Which
   * university does Dr Nick Mai work at?" found his name beside another union's), and answers only when it holds
   * every one of them (names and rare terms embed poorly). A question close in meaning to some sentence of the
   * sources is on their subject only when the passage shown reaches it too: else "In chess, what does it mean to
   * police the centre…?" was related by a sentence that is not shown.
   */
  readonly unrelatedCeiling?: number;
}

export function judge(input: JudgementInput): Judgement {
  const { question, plan, texts, refused, closeness, similarities, unrelatedCeiling = 0 } = input;
  const asked = askedFor(question);
  const focuses = texts
    .slice(0, PASSAGES_JUDGED)
    .map((text, rank) => focusOf(text, plan, similarities?.(rank), asked?.words));
  const first = focuses[0];
  // Does this focus hold the question's subject and the kind of thing asked for, wherever it is ranked?
  const answers = (rank: number): boolean => {
    const focus = focuses[rank] as Focus;
    const onFocus =
      similarities === undefined
        ? focus.coverage >= FOCUS_COVERAGE_BY_WORDS
        : focus.coverage >= FOCUS_COVERAGE || (focus.cosine ?? 0) >= FOCUS_COSINE;
    if (!onFocus || focus.coverage < (asked === undefined ? 0 : (KIND_COVERAGE[asked.kind] ?? 0))) return false;
    if (similarities !== undefined && (focus.cosine ?? 0) < unrelatedCeiling && focus.coverage < 1) return false;
    if (asked === undefined) return true;
    // Tagging the focus is the costly part: only for a focus that holds the question's subject. Its sentences are
    // tagged one by one, each about as long as the whole focus is in all, so that no name runs across two.
    const text = texts[rank] as string;
    const where = KINDS_IN_SENTENCE.has(asked.kind) ? focus.onSubject : [focus.range];
    return where.some((range) => holdsKind(text.slice(...range), asked.kind, question));
  };
  const asClose = (focus: Focus, than: Focus): boolean => {
    if (similarities === undefined) return focus.coverage >= than.coverage;
    const cosine = focus.cosine ?? 0;
    const thanCosine = than.cosine ?? 0;
    return cosine >= thanCosine || (cosine >= thanCosine - COSINE_TIE && focus.coverage >= than.coverage);
  };
  // Closer in meaning and holding more of the question's words: a better answer than the one ranked above it.
  const closer = (focus: Focus, than: Focus): boolean =>
    similarities !== undefined && (focus.cosine ?? 0) > (than.cosine ?? 0) && focus.coverage > than.coverage;
  if (!refused && first !== undefined) {
    const found = focuses.findIndex((focus, rank) => (rank === 0 || asClose(focus, first)) && answers(rank));
    if (found !== -1) {
      let chosen = found;
      for (let rank = found + 1; rank < focuses.length; rank++) {
        if (closer(focuses[rank] as Focus, focuses[chosen] as Focus) && answers(rank)) chosen = rank;
      }
      return { verdict: 'answer', chosen, focus: focuses[chosen] };
    }
  }
  const onSubject =
    closeness === 'answers' ||
    (closeness === 'on-subject' && (first?.cosine ?? 0) >= unrelatedCeiling) ||
    (first?.coverage ?? 0) >= RELATED_COVERAGE;
  return { verdict: first !== undefined && onSubject ? 'related' : 'none', chosen: 0, focus: first };
}
