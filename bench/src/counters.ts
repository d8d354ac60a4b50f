/**
 * Counters shared between the generator's threads (one Int32Array over a SharedArrayBuffer):
 * subscribers add what they received, the publisher adds what it wrote and what the server
 * acknowledged, and the main thread reads them to measure rates and check delivery. Updated
 * once per socket chunk or window, not per message.
 */
export const RECEIVED = 0;
export const PUBLISHED = 1;
export const SENT = 2;
const SLOTS = 3;

export function newCounters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
}
