// String fields several schemas share, each with a length bound (no field is unbounded).
import { z } from 'zod';

/** A duration such as "90s", "24h", "7d" (parsed by @switchboard/issuer's durationField). */
export const durationSchema = z.string().max(32);
/** An ISO 8601 date-time (checked where it is used). */
export const instantTextSchema = z.string().max(64);
