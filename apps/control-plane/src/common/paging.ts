// `?limit=&offset=` on every list; answers are `{ items, total }`. `pageOf` is the one way a list
// is answered: one window of rows (in the caller's stable order) and the total, read together.
import { z } from 'zod';

export const pagingSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export type Paging = z.infer<typeof pagingSchema>;

export interface Page<T> {
  items: T[];
  total: number;
}

/** Prisma's window arguments for a page. */
export interface Window {
  take: number;
  skip: number;
}

export async function pageOf<R, V>(p: Paging, rows: (w: Window) => Promise<R[]>, count: () => Promise<number>, view: (r: R) => V): Promise<Page<V>> {
  const [items, total] = await Promise.all([rows({ take: p.limit, skip: p.offset }), count()]);
  return { items: items.map(view), total };
}

/** Oldest first; the id breaks ties between rows created in the same millisecond, so pages never overlap. */
export const byAge = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
