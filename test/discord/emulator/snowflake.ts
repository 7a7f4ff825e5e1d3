/** Milliseconds since the Unix epoch at the start of 2015, the origin of Discord snowflakes. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Issues snowflakes the way Discord does: the creation time in the top bits, a counter below.
 * Ids are strictly increasing, so sorting by id sorts by creation like on Discord, even when
 * thousands are issued within one millisecond.
 */
export class SnowflakeGenerator {
  #last = 0n;

  next(): string {
    const fromClock = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.#last = fromClock > this.#last ? fromClock : this.#last + 1n;
    return this.#last.toString();
  }
}

/** Which shard of `shardCount` receives the events of a guild (Discord's sharding formula). */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
