/** What `GET /metrics` shows, in Prometheus's text format (prom-client). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Verdict } from '../answer/verdict.js';
import type { HandledInteraction } from '../interactions/handle.js';
import type { Library } from '../library.js';
import type { ReloadResult } from '../reload.js';

/** Where a question came from: a Discord interaction, the JSON API, or the playground page. */
export type AskedThrough = 'interaction' | 'api' | 'playground';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #interactions: Counter<'type' | 'outcome'>;
  readonly #answerSeconds: Histogram<'through'>;
  readonly #verdicts: Counter<'verdict' | 'through'>;
  readonly #reloads: Counter<'result'>;
  readonly #requests: Counter<'route' | 'status'>;

  /** `library` is read at each scrape: the one answering then, or undefined while the sources are first indexed. */
  constructor(library: () => Library | undefined) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'citebot_' });
    this.#interactions = new Counter({
      name: 'citebot_interactions_total',
      help: 'Discord interactions handled, by type (command, autocomplete, message-command, button) and outcome',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#answerSeconds = new Histogram({
      name: 'citebot_answer_duration_seconds',
      help: 'Time to answer a question, from its arrival to the answer sent (interactions: to the handler finishing)',
      labelNames: ['through'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.#verdicts = new Counter({
      name: 'citebot_answers_total',
      help: 'Questions asked, by verdict (answer: a passage answers it; related: the sources speak of it but do not answer it as asked; none: nothing relevant)',
      labelNames: ['verdict', 'through'],
      registers,
    });
    this.#reloads = new Counter({
      name: 'citebot_reloads_total',
      help: 'Rebuilds of the index after the data folder changed or /reindex, by result (ok, failed)',
      labelNames: ['result'],
      registers,
    });
    this.#requests = new Counter({
      name: 'citebot_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['route', 'status'],
      registers,
    });
    new Gauge({
      name: 'citebot_index_sources',
      help: 'Sources in the index answering now',
      registers,
      collect() {
        this.set(library()?.sources.length ?? 0);
      },
    });
    new Gauge({
      name: 'citebot_index_passages',
      help: 'Passages in the index answering now',
      registers,
      collect() {
        this.set(library()?.passages.length ?? 0);
      },
    });
  }

  interaction({ kind, result, verdict, seconds }: HandledInteraction): void {
    this.#interactions.inc({ type: kind, outcome: result });
    if (verdict !== undefined) this.answer('interaction', verdict, seconds);
  }

  /** A question asked on the playground page (its buttons ask none). */
  playground({ verdict, seconds }: HandledInteraction): void {
    if (verdict !== undefined) this.answer('playground', verdict, seconds);
  }

  answer(through: AskedThrough, verdict: Verdict, seconds: number): void {
    this.#answerSeconds.observe({ through }, seconds);
    this.#verdicts.inc({ verdict, through });
  }

  reload(result: ReloadResult): void {
    this.#reloads.inc({ result: result.ok ? 'ok' : 'failed' });
  }

  request(route: string, status: number): void {
    this.#requests.inc({ route, status: String(status) });
  }
}
