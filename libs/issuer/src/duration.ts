// Durations as the API takes them ("500ms", "30s", "15m", "24h", "7d"): one whole number and one
// unit. Read by the one duration parser (@switchboard/config, days allowed); errors in the API's terms.
import { ConfigError, parseDuration } from '@switchboard/config';
import { IssuerError } from './errors.js';

const API_DURATION = /^\d{1,9}(ms|s|m|h|d)$/;

/** Milliseconds of an API duration field; IssuerError('invalid', …, field) when it is not one. */
export function durationField(text: unknown, field: string): number {
  if (typeof text !== 'string' || !API_DURATION.test(text)) throw new IssuerError('invalid', 'must be a duration such as "30s", "15m", "24h" or "7d"', field);
  let ms: number;
  try {
    ms = parseDuration(text, { days: true });
  } catch (err) {
    if (err instanceof ConfigError) throw new IssuerError('invalid', 'must be shorter than 290 years', field);
    throw err;
  }
  if (ms <= 0) throw new IssuerError('invalid', 'must be longer than zero', field);
  return ms;
}
