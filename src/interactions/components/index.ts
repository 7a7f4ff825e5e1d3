import type { ButtonHandler } from '../context.js';
import answerPages from './answer-pages.js';
import currentAnswer from './current-answer.js';
import feedback from './feedback.js';
import pin from './pin.js';
import postMatch from './post-match.js';
import postRelated from './post-related.js';
import showSource from './show-source.js';
import sourcesPages from './sources-pages.js';
import gapsPages from './gaps-pages.js';

const handlers: readonly ButtonHandler[] = [
  answerPages,
  showSource,
  pin,
  sourcesPages,
  postMatch,
  postRelated,
  currentAnswer,
  feedback,
  gapsPages,
];

const byFamily = new Map(handlers.map((handler) => [handler.family, handler]));

/** The family of a custom_id: what comes before its first ":" (`ask:next:2` → `ask`, `pin` → `pin`). */
export function customIdFamily(customId: string): string {
  return customId.split(':', 1)[0] ?? customId;
}

export function buttonHandler(customId: string): ButtonHandler | undefined {
  return byFamily.get(customIdFamily(customId));
}
