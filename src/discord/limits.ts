/**
 * Discord's limits, in one place. Every text the bot sends is cut to these (at a word boundary, with "…").
 * Lengths are JavaScript string lengths (UTF-16 code units), never fewer than the characters Discord counts.
 */

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_TITLE_LIMIT = 256;
/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_DESCRIPTION_LIMIT = 4096;
/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_FOOTER_LIMIT = 2048;
/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBED_FIELD_VALUE_LIMIT = 1024;
/** Title, description, fields, footer and author of all the embeds of one message, together. https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const EMBEDS_TOTAL_LIMIT = 6000;

/** https://discord.com/developers/docs/components/reference#anatomy-of-a-component-custom-id */
export const CUSTOM_ID_LIMIT = 100;
/** https://discord.com/developers/docs/components/reference#button */
export const BUTTON_LABEL_LIMIT = 80;
/** Buttons in one action row; a message holds at most five rows. https://discord.com/developers/docs/components/reference#action-row */
export const BUTTONS_PER_ROW_LIMIT = 5;

/**
 * Time allowed for the first response to an interaction, else the member sees "The application did not respond".
 * https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */
export const INITIAL_RESPONSE_MS = 3_000;

/** https://discord.com/developers/docs/interactions/application-commands#autocomplete */
export const AUTOCOMPLETE_CHOICES_LIMIT = 25;
/** Choice name and string value alike. https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-choice-structure */
export const AUTOCOMPLETE_CHOICE_LIMIT = 100;

/** The X-Audit-Log-Reason header. https://discord.com/developers/docs/resources/audit-log#audit-log-entry-object */
export const AUDIT_LOG_REASON_LIMIT = 512;

/** Size of one uploaded file in a server without boosts. https://discord.com/developers/docs/reference#uploading-files */
export const ATTACHMENT_BYTES_LIMIT = 10 * 1024 * 1024;
