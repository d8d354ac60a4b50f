// `?limit=&offset=` on every list; answers are `{ items, total }`.
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

export const page = (p: Paging) => ({ take: p.limit, skip: p.offset });
