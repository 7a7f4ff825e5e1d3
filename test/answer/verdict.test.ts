import { beforeAll, describe, expect, it } from 'vitest';
import { OMISSION, quoteOf } from '../../src/answer/quote.js';
import { askedFor, holdsKind } from '../../src/answer/verdict.js';
import { Library } from '../../src/library.js';
import { openHybridSeed, SEED_DATA } from '../helpers.js';

describe('what a question asks for', () => {
  it.each([
    ['How many sex workers were fined?', 'count'],
    ['What percentage were tricked?', 'amount'],
    ['How much is the fine?', 'amount'],
    ['How old was she?', 'age'],
    ['How long is she banned for?', 'duration'],
    ['How many hours is she banned for?', 'duration'],
    ['When was the raid?', 'time'],
    ['What time did the raid start?', 'clock'],
    ['What year was she murdered?', 'time'],
    ['Who wrote the letter?', 'agent'],
    ['Which organisation runs the drop-in?', 'agent'],
    ['Who is the borough commander?', 'person'],
    ['What is the name of the borough commander?', 'person'],
    ['Who is Laura Watson?', undefined],
    ['Which boroughs run pilots?', 'named'],
    ['Where is the drop-in?', 'place'],
    ['What is the phone number for the Met?', 'phone'],
    ["What is Laura Watson's email address?", 'email'],
    ['Why do migrants choose sex work?', undefined],
    // Written other ways: capitals, a contraction, a hyphen, an accent compromise reads past.
    ['WHO RUNS THE DROP-IN', 'agent'],
    ["What's the helpline number?", 'phone'],
    ['Their e-mail address?', 'email'],
    ['Whére is the drop-in?', 'place'],
    ['Statins lower the risk of stroke', undefined],
  ])('"%s": %s', (question, kind) => {
    expect(askedFor(question)?.kind).toBe(kind);
  });

  it('is found in the text only when the text holds one the question does not already name', () => {
    expect(holdsKind('a 24-year-old woman was murdered in 2014', 'time', 'When was she murdered?')).toBe(true);
    expect(holdsKind('she was murdered during a crackdown', 'time', 'When was she murdered?')).toBe(false);
    expect(holdsKind('Mariana Popa was murdered in 2014', 'agent', 'Who murdered Mariana Popa?')).toBe(false);
    expect(holdsKind("the Mayor's unique role as London's face", 'agent', 'Who won the London mayoral election?')).toBe(false);
    expect(holdsKind('a trial costing £20,000', 'amount', 'How much does the trial cost?')).toBe(true);
    expect(holdsKind('Tel 020 7520 1710', 'phone', 'What is their phone number?')).toBe(true);
    expect(holdsKind('call police on 101 or 999 in an emergency', 'phone', 'What number do I call?')).toBe(true);
    expect(holdsKind('Call us any time', 'phone', 'What is their phone number?')).toBe(false);
  });

  it('tells a count from a year or an age, an amount from any number, a place from any name', () => {
    const murdered = 'Mariana Popa, a 24-year-old woman, was murdered in 2014';
    expect(holdsKind(murdered, 'count', 'How many women were murdered?')).toBe(false);
    expect(holdsKind('at least 2,600 women had been trafficked', 'count', 'How many women were trafficked?')).toBe(true);
    expect(holdsKind(murdered, 'age', 'How old was she?')).toBe(true);
    expect(holdsKind('in 2018 officers were given powers to issue fines', 'amount', 'How much is the fine?')).toBe(false);
    expect(holdsKind('migrant workers make up about six per cent', 'amount', 'What share are migrants?')).toBe(true);
    expect(holdsKind('she is banned from the area for 48 hours', 'duration', 'How long is she banned?')).toBe(true);
    expect(holdsKind('she was banned in 2018', 'duration', 'How long is she banned?')).toBe(false);
    expect(holdsKind('said Del Campbell of National Ugly Mugs', 'place', 'Where was she found?')).toBe(false);
    expect(holdsKind('Police raided three flats and arrested two men.', 'agent', 'Who was arrested?')).toBe(true);
    expect(holdsKind('she fell victim to dangerous offenders', 'agent', 'Who murdered her?')).toBe(false);
    expect(holdsKind('a drop-in centre in Kings Cross, London', 'place', 'Where is the drop-in?')).toBe(true);
  });
});

describe('the quote', () => {
  const passage = { text: 'First line.\nSecond sentence here. Third one.\n\nLast paragraph.', lines: [10, 13] as const };

  it('is the focus verbatim, with "[…]" where the passage goes on, and the lines it stands on', () => {
    const start = passage.text.indexOf('Second');
    const end = passage.text.indexOf(' Third');
    expect(quoteOf(passage, [start, end])).toEqual({
      quote: `${OMISSION} Second sentence here. ${OMISSION}`,
      quoteRange: [start, end],
      quoteLines: [11, 11],
    });
    expect(quoteOf(passage, [0, passage.text.length]).quote).toBe(passage.text);
  });
});

describe('verdicts on the seed sources', () => {
  let lexical: Library;
  let hybrid: Library;
  beforeAll(async () => {
    lexical = await Library.open({ dataDir: SEED_DATA });
    hybrid = await openHybridSeed();
  });

  it('answers with the sentences that answer, narrowed in place, verbatim from the source', async () => {
    for (const library of [lexical, hybrid]) {
      const answer = await library.answer('Who is Laura Watson?');
      expect(answer).toMatchObject({ verdict: 'answer', answered: true });
      const [best] = answer.results;
      expect(best?.quote).toContain('ECOP spokesperson Laura Watson said');
      expect(best!.quote.length).toBeLessThan(best!.text.length);
      expect(best!.quoteLines[0]).toBeGreaterThanOrEqual(best!.lines[0]);
      expect(best!.quoteLines[1]).toBeLessThanOrEqual(best!.lines[1]);
      const source = library.source(best!.file)!.text.split('\n');
      const quoted = source.slice(best!.quoteLines[0] - 1, best!.quoteLines[1]).join('\n');
      for (const part of best!.quote.split(OMISSION)) expect(quoted).toContain(part.trim());
    }
  });

  it('calls a question on the subject that no passage answers as asked "related", with hints, never an answer', async () => {
    for (const question of ["What is the Metropolitan Police's annual budget?", 'Is sex work legal in New Zealand?']) {
      const answer = await hybrid.answer(question);
      expect(answer).toMatchObject({ verdict: 'related', answered: false });
      expect(answer.results.length).toBeGreaterThan(0);
    }
    for (const library of [lexical, hybrid]) {
      // The passage tells of her murder; the name beside it is the person quoted, not her killer.
      expect((await library.answer('Who murdered Mariana Popa?')).verdict).toBe('related');
      // Fines are spoken of, a year is given, but no amount.
      expect((await library.answer('How much is the on-the-spot fine under the Redbridge PSPO?')).verdict).toBe('related');
    }
    // A number and a name stand near the drop-in's name, but nothing counts its staff or names the commissioner.
    expect((await hybrid.answer('How many staff work at Women at the Well?')).verdict).toBe('related');
    expect((await hybrid.answer('Who is the Metropolitan Police Commissioner the Mayor should hold to account?')).verdict).toBe(
      'related',
    );
    // His name and "work" stand beside another body's name, in a sentence about something else.
    expect((await hybrid.answer('Which university does Dr Nick Mai work at?')).verdict).toBe('related');
    const byWords = await lexical.answer('How many walk-ups are there in Soho?');
    expect(byWords).toMatchObject({ verdict: 'related', answered: false, reason: 'not-focused' });
  });

  it('answers from a lower-ranked passage as close in meaning that holds what the best-ranked one lacks', async () => {
    const answer = await hybrid.answer('When is the London mayoral election?');
    expect(answer.verdict).toBe('answer');
    expect(answer.results[0]?.quote).toContain('2 May');
    // The passage ranked second holds more of the question, and closer in meaning, than the one ranked first.
    const better = await hybrid.answer('How would the ECP like prostitution to end, if not by more police powers?');
    expect(better.verdict).toBe('answer');
    expect(better.results[0]?.text).toContain('abolish it by giving women economic alternatives');
  });

  it('finds nothing relevant for a question off the sources’ subjects, in both modes', async () => {
    // It shares "police" with the sources, and some sentence is close in meaning, but not the passage it would show.
    expect((await hybrid.answer('In chess, what does it mean to police the centre with your pawns?')).verdict).toBe('none');
    for (const library of [lexical, hybrid]) {
      expect((await library.answer('What is the weather in Leeds?')).verdict).toBe('none');
      expect((await library.answer('How long should I boil an egg?')).verdict).toBe('none');
    }
  });
});
