/**
 * Counters shared between the generator's threads (one Int32Array over a SharedArrayBuffer):
 * subscribers add what they received, the publisher adds what the server acknowledged, and
 * the main thread reads both to measure rates. Updated once per socket chunk, not per message.
 */
export const RECEIVED = 0;
export const PUBLISHED = 1;
const SLOTS = 2;

export function newCounters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
}
