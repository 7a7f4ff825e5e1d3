/**
 * The JSON error code of a request Discord refused (a DiscordAPIError of @discordjs/rest), else undefined.
 *
 * Known by its shape, not by `instanceof`: discord.js loads @discordjs/rest as CommonJS while the HTTP transport
 * imports it as an ES module, and each copy has a DiscordAPIError class of its own.
 */
export function discordErrorCode(error: unknown): number | string | undefined {
  if (!(error instanceof Error) || !('rawError' in error) || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}
