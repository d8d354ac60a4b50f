/**
 * Where a log's segments live. The log (log-store.ts) owns every rule; a medium only stores
 * bytes: files for the file store, growable buffers for the memory store. One engine, two media,
 * so the memory and file stores cannot drift apart in behaviour.
 */
export interface SegmentMedia {
  readonly kind: 'file' | 'memory';
  /** Bases (first sequence) of the segments that exist, ascending. */
  existing(): number[];
  open(base: number): Segment;
  create(base: number): Segment;
  /**
   * The accounted size of a message whose subject + header + payload take `total` bytes
   * (nats-server counts differently per store type, and counts a header's length field).
   */
  msgSize(total: number, hasHdr: boolean): number;
  /** Index arrays of sealed segments kept in memory at most (the others are rebuilt on use). */
  readonly indexCache: number;
  /** Read and remove the checkpoint left by a clean close (null when none). */
  takeCheckpoint(): Buffer | null;
  /** Store a checkpoint atomically. */
  saveCheckpoint(buf: Buffer): void;
  /** Remove everything this medium holds. */
  destroy(): void;
  close(): void;
}

/** One append-only segment. Writes land in the OS when `append` returns. */
export interface Segment {
  readonly base: number;
  /** Bytes on the medium. */
  size: number;
  /** The active segment's descriptor is never closed to bound open files (syncs run on it). */
  keepOpen: boolean;
  append(buf: Buffer, len: number): void;
  read(off: number, len: number): Buffer;
  /** The whole segment (for rebuilding its index), read into `into` when given (big enough). */
  readAll(into?: Buffer): Buffer;
  overwrite(off: number, buf: Buffer): void;
  truncate(len: number): void;
  /** Data sync; resolves when on disk. */
  sync(): Promise<void>;
  syncNow(): void;
  /** Release the file descriptor (reopened on use). */
  release(): void;
  unlink(): void;
}
