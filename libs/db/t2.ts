import { openDatabase } from '@switchboard/db';
import { inspect } from 'node:util';
const db = await openDatabase({ databaseUrl: process.argv[2] });
await db.migrate();
const p = await db.prisma.plan.create({ data: { name: 'x' } });
try { await db.prisma.plan.create({ data: { name: 'x' } }); } catch (e: any) { console.log(e.code, inspect(e.meta, { depth: 6 })); }
await db.close();
process.exit(0);
