/**
 * The database's schema, one migration per version, written with Kysely's schema builder in types every SQL database
 * has (text, integer, bigint), so that the same migrations build SQLite and PostgreSQL. Times are milliseconds since
 * 1970 (bigint); snowflakes are text. A migration, once released, never changes: a new version adds one.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const migrations: Record<string, Migration> = {
  '2026-12-06-01-pins-questions-votes': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('pins')
        .addColumn('message_id', 'text', (column) => column.primaryKey())
        .addColumn('channel_id', 'text', (column) => column.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('question', 'text', (column) => column.notNull())
        .addColumn('file', 'text', (column) => column.notNull())
        .addColumn('first_line', 'integer', (column) => column.notNull())
        .addColumn('last_line', 'integer', (column) => column.notNull())
        .addColumn('page', 'integer')
        // The heading path as a JSON array of strings.
        .addColumn('section', 'text')
        .addColumn('quote', 'text', (column) => column.notNull())
        .addColumn('quote_hash', 'text', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('pinned_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('pins_by_channel').on('pins').column('channel_id').execute();

      await db.schema
        .createTable('questions')
        .addColumn('question', 'text', (column) => column.notNull())
        .addColumn('verdict', 'text', (column) => column.notNull())
        .addColumn('asked_at', 'bigint', (column) => column.notNull())
        .addColumn('guild_id', 'text')
        .addColumn('channel_id', 'text')
        .execute();
      await db.schema.createIndex('questions_by_time').on('questions').column('asked_at').execute();

      await db.schema
        .createTable('votes')
        .addColumn('voter', 'text', (column) => column.notNull())
        .addColumn('message_id', 'text', (column) => column.notNull())
        .addColumn('passage_id', 'text', (column) => column.notNull())
        .addColumn('file', 'text', (column) => column.notNull())
        .addColumn('first_line', 'integer', (column) => column.notNull())
        .addColumn('last_line', 'integer', (column) => column.notNull())
        // 1 for "Helpful", 0 for "Not helpful": SQLite has no boolean type.
        .addColumn('helpful', 'integer', (column) => column.notNull())
        .addColumn('voted_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('votes_one_per_member', ['message_id', 'voter'])
        .execute();
      await db.schema.createIndex('votes_by_time').on('votes').column('voted_at').execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
    },
  },
  // Several instances on one database check the same pins after a reload: a claim says which one edits a pin, and
  // until when (an instance that dies while holding one lets it lapse).
  '2026-12-06-02-pin-claims': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('pins').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('pins').addColumn('claimed_until', 'bigint').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/** Brings the database to the latest version; throws with the first migration's error if one fails. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error === undefined) return;
  throw error instanceof Error ? error : new Error('a migration failed', { cause: error });
}
