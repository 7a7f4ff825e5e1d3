import { describe, expect, it } from 'vitest';
import { TurnTaking } from '../../src/discord/turns.js';

/**
 * Pushes `count` items and resolves once all have started, with, for each item in order of starting, the number of
 * event-loop turns that had passed (counted by a setImmediate of its own, which runs once a turn).
 */
async function startedOnTurns(turns: TurnTaking, count: number): Promise<{ order: number[]; turn: number[] }> {
  let loopTurns = 0;
  let counting = true;
  const countTurns = () => {
    loopTurns++;
    if (counting) setImmediate(countTurns);
  };
  setImmediate(countTurns);
  const order: number[] = [];
  const turn: number[] = [];
  await new Promise<void>((resolve) => {
    for (let index = 0; index < count; index++) {
      turns.push(() => {
        order.push(index);
        turn.push(loopTurns);
        if (order.length === count) resolve();
      });
    }
  });
  counting = false;
  return { order, turn };
}

describe('TurnTaking', () => {
  it('starts every item once, in the order pushed', async () => {
    const { order } = await startedOnTurns(new TurnTaking(10), 200);
    expect(order).toEqual(Array.from({ length: 200 }, (_, index) => index));
  });

  it('hands the event loop back between turns: a few items a turn while every turn runs over its time', async () => {
    // A turn "takes" at least 0 ms: always over, so each turn starts the fewest items a turn starts.
    const { turn } = await startedOnTurns(new TurnTaking(0), 50);
    const perTurn = new Map<number, number>();
    for (const loopTurn of turn) perTurn.set(loopTurn, (perTurn.get(loopTurn) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThan(50);
    expect(perTurn.size).toBeGreaterThan(5);
    // Items pushed together start together while they are few.
    expect(perTurn.get(turn[0] as number)).toBeGreaterThan(1);
  });

  it('lets more items start in a turn while turns stay short', async () => {
    const { turn } = await startedOnTurns(new TurnTaking(Number.POSITIVE_INFINITY), 200);
    // 1, 2, 4, 8 … items a turn: far fewer turns than items.
    expect(new Set(turn).size).toBeLessThan(20);
  });

  it('keeps every item and their order in a queue long enough to be trimmed as it goes', async () => {
    const { order } = await startedOnTurns(new TurnTaking(Number.POSITIVE_INFINITY), 5000);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, index) => index));
  });

  it('starts what is pushed after the queue emptied', async () => {
    const turns = new TurnTaking(10);
    await startedOnTurns(turns, 3);
    expect(turns.waiting).toBe(0);
    const { order } = await startedOnTurns(turns, 3);
    expect(order).toEqual([0, 1, 2]);
  });
});
