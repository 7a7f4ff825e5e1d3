/**
 * Strings a member, a moderator or a file may hold, for the property tests of bad input: markdown and mention syntax,
 * right-to-left and zero-width characters, NUL, regex metacharacters, object keys of JavaScript, paths, emoji, and
 * the bot's own custom_id and choice syntax, mixed at random, plus any characters at all, and 6,000-character runs.
 */
import fc from 'fast-check';

export const TRICKY_PIECES: readonly string[] = [
  ' ', '\n', '\n\n', '\r\n', '\t',
  '**', '__', '*', '_', '~~', '||', '`', '```', '\\', '> ', '>>> ', '# ', '-# ', '- ', '1. ', '[a](https://example.org)',
  '@everyone', '@here', '<@123456789012345678>', '<@!123456789012345678>', '<@&123456789012345678>',
  '<#123456789012345678>', '</ask:123456789012345678>', '<t:1700000000:R>',
  '\u202e', '\u202b', '\u200f', 'مرحبا بالعالم', 'שלום',
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u0000', '\u0007', '\u001b[31m',
  '.*+?^${}()|[]', '(?<=x)', '$&', '$1', '\\d+',
  '🦊', '👩🏽‍⚖️', '🇬🇧', 'é', 'e\u0301', 'ﬁ', 'Ⅻ',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '{}', 'null', 'undefined', 'NaN',
  '../', '..\\', '../../etc/passwd', '/etc/passwd', 'C:\\Windows', '%2e%2e%2f', '~/', 'file:///etc/passwd',
  'passage:0123456789abcdef:', 'src:', 'post:', 'ask:next:', 'sources:next:', 'pin', ':',
  'police', 'sex workers', 'Laura Watson', 'London', 'ECP', 'Who', '?',
];

const piece = fc.constantFrom(...TRICKY_PIECES);

/** A 6,000-character string: Discord's longest string option, built from one piece repeated. */
const sixThousand = piece.map((text) => text.repeat(Math.ceil(6000 / text.length)).slice(0, 6000));

export const badString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: piece, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', '\u0000', '../../etc/passwd', ' '.repeat(50)) },
  { weight: 1, arbitrary: sixThousand },
);

/** Mention syntax left as Discord would read it: a ping if the message allowed it. */
const RAW_MENTION = /@(everyone|here)|<@[!&]?\d+>/;

export function holdsRawMention(text: string | undefined): boolean {
  return text !== undefined && RAW_MENTION.test(text);
}
