/** What the crash child writes for a sequence, so the parent can check content after reopen. */
export function crashSubject(seq: number, mode: string): string {
  return mode === 'kv' ? `$KV.crash.k${seq % 50}` : `crash.s${seq % 7}`;
}

export function crashPayload(seq: number): Buffer {
  const len = 8 + ((seq * 7919) % 700);
  const buf = Buffer.alloc(len, seq & 0xff);
  buf.writeDoubleLE(seq, 0);
  return buf;
}
