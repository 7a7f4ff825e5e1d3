import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  Locale,
  PermissionFlagsBits,
  type APIApplication,
  type ApplicationFlags,
  type ChannelFlags,
  type GuildMemberFlags,
  type GuildSystemChannelFlags,
  type RoleFlags,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import type { SnowflakeGenerator } from './snowflake.js';

/** A guild member the tests act as; `permissions` is what Discord reports for them in the test channel. */
export interface FixtureMember {
  user: APIUser;
  permissions: bigint;
}

export const DEFAULT_TOKEN = 'MTA5OTk5OTk5OTk5OTk5OTk5OQ.Emulat.or-token-that-only-the-local-emulator-accepts';

export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.PinMessages;

/** What an ordinary member may do in the test channel: talk and use commands, nothing more. */
const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands;

/** Discord reports every permission bit for administrators, whatever their roles say. */
const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

// discord-api-types' flag enums have no member for 0, which is what Discord sends for "no flags";
// hence the `0 as …Flags` below.

/** The static world the emulator serves: one guild with one text channel, a bot and three members. */
export class Fixtures {
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guildId: string;
  readonly channelId: string;
  /** Every text channel of the guild, `channelId` first. */
  readonly channelIds: readonly string[];
  readonly users: { moderator: FixtureMember; member: FixtureMember; admin: FixtureMember };

  /** Everyone joined when the emulator started. */
  readonly #joinedAt = new Date().toISOString();
  readonly #roles: APIRole[];
  readonly #botRoleId: string;
  /** Role ids per user id, so member payloads agree with the guild's roles. */
  readonly #rolesOfUser = new Map<string, string[]>();

  constructor(ids: SnowflakeGenerator, botPermissions: bigint, extraChannels = 0) {
    this.applicationId = ids.next();
    this.botUser = { ...user(ids.next(), 'citebot'), discriminator: '4821', bot: true };
    this.guildId = ids.next();
    this.channelId = ids.next();
    this.channelIds = [this.channelId, ...Array.from({ length: extraChannels }, () => ids.next())];

    this.#botRoleId = ids.next();
    const moderatorRoleId = ids.next();
    const adminRoleId = ids.next();
    this.#roles = [
      role(this.guildId, '@everyone', 0, EVERYONE_PERMISSIONS),
      { ...role(this.#botRoleId, 'citebot', 1, botPermissions), managed: true, tags: { bot_id: this.botUser.id } },
      role(moderatorRoleId, 'Moderator', 2, PermissionFlagsBits.PinMessages),
      role(adminRoleId, 'Admin', 3, PermissionFlagsBits.Administrator),
    ];

    this.users = {
      member: { user: user(ids.next(), 'ada'), permissions: EVERYONE_PERMISSIONS },
      moderator: { user: user(ids.next(), 'grace'), permissions: EVERYONE_PERMISSIONS | PermissionFlagsBits.PinMessages },
      admin: { user: user(ids.next(), 'hedy'), permissions: ALL_PERMISSIONS },
    };
    this.#rolesOfUser.set(this.botUser.id, [this.#botRoleId]);
    this.#rolesOfUser.set(this.users.moderator.user.id, [moderatorRoleId]);
    this.#rolesOfUser.set(this.users.admin.user.id, [adminRoleId]);
  }

  get application(): APIApplication {
    return {
      id: this.applicationId,
      name: this.botUser.username,
      icon: null,
      description: '',
      bot_public: false,
      bot_require_code_grant: false,
      bot: this.botUser,
      summary: '',
      verify_key: '0'.repeat(64),
      team: null,
      flags: 0 as ApplicationFlags,
      flags_new: '0',
    };
  }

  get textChannel(): APITextChannel {
    return this.channel(this.channelId);
  }

  /** One of the guild's text channels: `citations`, then `citations-2`, `citations-3`… */
  channel(id: string): APITextChannel {
    const position = this.channelIds.indexOf(id);
    return {
      id,
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name: position === 0 ? 'citations' : `citations-${position + 1}`,
      position,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      rate_limit_per_user: 0,
      last_message_id: null,
      flags: 0 as ChannelFlags,
    };
  }

  /** The GUILD_CREATE a bot with the Guilds intent receives right after READY. */
  get guildCreate(): GatewayGuildCreateDispatchData {
    return {
      id: this.guildId,
      name: 'citebot test guild',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: this.users.admin.user.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: this.#roles,
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0 as GuildSystemChannelFlags,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: Locale.EnglishUS,
      nsfw_level: GuildNSFWLevel.Default,
      hub_type: null,
      incidents_data: null,
      max_members: 500_000,
      joined_at: this.#joinedAt,
      large: false,
      unavailable: false,
      member_count: 4,
      members: [this.#guildMember(this.botUser)],
      channels: this.channelIds.map((id) => this.channel(id)),
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** The `member` of an interaction: the guild member plus their permissions in the channel. */
  interactionMember(fixture: FixtureMember): APIInteractionGuildMember {
    return { ...this.#guildMember(fixture.user), permissions: String(fixture.permissions) };
  }

  #guildMember(memberUser: APIUser): APIGuildMember & { user: APIUser } {
    return {
      user: memberUser,
      nick: null,
      avatar: null,
      banner: null,
      roles: this.#rolesOfUser.get(memberUser.id) ?? [],
      joined_at: this.#joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }
}

function user(id: string, username: string): APIUser {
  return { id, username, discriminator: '0', global_name: null, avatar: null };
}

function role(id: string, name: string, position: number, permissions: bigint): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: String(permissions),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}
