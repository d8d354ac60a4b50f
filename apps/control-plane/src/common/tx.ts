import type { Db } from '@switchboard/db';

/** The client inside `prisma.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Extract<Parameters<Db['$transaction']>[0], (...a: never[]) => unknown>>[0];
