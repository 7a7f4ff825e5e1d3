// The entry of an embedding worker thread when citebot runs from its TypeScript source (tsx, vitest): Node 20 does
// not pass its module hooks on to worker threads, so this registers tsx before loading the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
