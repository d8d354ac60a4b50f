export { openDatabase, omitSeeds, type Database, type DatabaseOptions, type Db, type Statement } from './database.js';
export { migrate, createMigration, diffMigrations, migrationStatus, MIGRATION_LOCK_KEY, type MigrationTarget, type MigrationPaths } from './migrate.js';
export { lockDataDir, DataDirLockedError, type DataDirLock } from './data-dir-lock.js';
export { textProblem, textProblems, type TextProblem } from './text.js';
export { classifyDbError, type DbError, type DbErrorKind } from './errors.js';
export { defaultSchemaPath, defaultMigrationsDir } from './paths.js';
export { PrismaClient, Prisma } from './generated/client.js';
export * from './generated/enums.js';
export type {
  Operator,
  OperatorSigningKey,
  Plan,
  Tenant,
  Member,
  Account,
  AccountSigningKey,
  User,
  Export,
  Import,
  ApiToken,
  AuditLog,
  Broker,
  Person,
  Session,
  Invite,
} from './generated/client.js';
export { freshDatabase, type FreshDatabase } from './testing.js';
export { uuidv7 } from './uuid.js';
export { TickBatch, type Settled } from './tick-batch.js';
