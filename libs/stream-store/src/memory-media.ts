import { memoryMsgSize } from './msg-size.js';
import type { Segment, SegmentMedia } from './medium.js';

/** Segments in growable buffers: the memory store. */
export class MemoryMedia implements SegmentMedia {
  readonly kind = 'memory' as const;
  readonly indexCache = Number.POSITIVE_INFINITY;
  existing(): number[] {
    return [];
  }
  open(base: number): Segment {
    return new MemorySegment(base);
  }
  create(base: number): Segment {
    return new MemorySegment(base);
  }
  msgSize(total: number, hasHdr: boolean): number {
    return hasHdr ? memoryMsgSize(0, total, 0) : memoryMsgSize(0, 0, total);
  }
  takeCheckpoint(): Buffer | null {
    return null;
  }
  saveCheckpoint(): void {}
  destroy(): void {}
  close(): void {}
}

class MemorySegment implements Segment {
  size = 0;
  keepOpen = false;
  private buf = Buffer.allocUnsafe(64 * 1024);
  constructor(readonly base: number) {}
  append(src: Buffer, len: number): void {
    if (this.size + len > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.size + len));
      this.buf.copy(next, 0, 0, this.size);
      this.buf = next;
    }
    src.copy(this.buf, this.size, 0, len);
    this.size += len;
  }
  read(off: number, len: number): Buffer {
    return Buffer.from(this.buf.subarray(off, off + len));
  }
  readAll(): Buffer {
    return this.buf.subarray(0, this.size);
  }
  overwrite(off: number, src: Buffer): void {
    src.copy(this.buf, off);
  }
  truncate(len: number): void {
    this.size = Math.min(this.size, len);
  }
  sync(): Promise<void> {
    return Promise.resolve();
  }
  syncNow(): void {}
  release(): void {}
  unlink(): void {
    this.buf = Buffer.alloc(0);
    this.size = 0;
  }
}
