import path from 'node:path';
import { fileURLToPath } from 'node:url';

// libs/db/src (tsx, vitest) and libs/db/dist (build) are both three levels below the repo root.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** prisma/schema.prisma of this repository. */
export const defaultSchemaPath = path.join(repoRoot, 'prisma', 'schema.prisma');
/** prisma/migrations of this repository (Prisma's own layout). */
export const defaultMigrationsDir = path.join(repoRoot, 'prisma', 'migrations');
