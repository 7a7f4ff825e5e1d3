/**
 * MiniLM behind a gate, for tests of what happens while passage vectors are still being computed: the model embeds
 * nothing between closeGate() and openGate(). Worker threads load their own copy of this module, so the gate is a
 * file, named in the environment that worker threads copy from the thread that starts them.
 */
import { randomUUID } from 'node:crypto';
import { access, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddingModel } from '../../src/semantic/embedder.js';
import minilm from '../../src/semantic/minilm.js';

const GATE_VARIABLE = 'CITEBOT_TEST_EMBEDDING_GATE';

async function gateOpened(): Promise<void> {
  const gate = process.env[GATE_VARIABLE];
  for (;;) {
    try {
      if (gate !== undefined) await access(gate);
      return;
    } catch {
      await sleep(20);
    }
  }
}

/** Until openGate(), models loaded from now on embed nothing. */
export function closeGate(): void {
  process.env[GATE_VARIABLE] = path.join(tmpdir(), `citebot-test-gate-${randomUUID()}`);
}

export async function openGate(): Promise<void> {
  const gate = process.env[GATE_VARIABLE];
  if (gate !== undefined) await writeFile(gate, '');
}

export async function removeGate(): Promise<void> {
  const gate = process.env[GATE_VARIABLE];
  delete process.env[GATE_VARIABLE];
  if (gate !== undefined) await rm(gate, { force: true });
}

const gatedMinilm: EmbeddingModel = {
  ...minilm,
  // Its own id, so that its vectors are stored apart from the real model's.
  id: `${minilm.id}-gated`,
  module: import.meta.url,
  async load(options) {
    const embedder = await minilm.load(options);
    return {
      ...embedder,
      async embed(texts) {
        await gateOpened();
        return embedder.embed(texts);
      },
    };
  },
};

export default gatedMinilm;
