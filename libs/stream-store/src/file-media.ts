import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors.js';
import { fileMsgSize } from './msg-size.js';
import type { Segment, SegmentMedia } from './medium.js';

const SUFFIX = '.seg';
const CHECKPOINT = 'index.ckpt';
/**
 * Open descriptors of sealed segments kept per stream (the active one is always open): 64 covers
 * 512 MiB of 8 MiB segments; random reads beyond that reopen files.
 */
const MAX_OPEN = 64;

/** Segments as files `msgs/<base, 20 digits>.seg` under the stream's directory. */
export class FileMedia implements SegmentMedia {
  readonly kind = 'file' as const;
  readonly dir: string;
  private readonly open_: FileSegment[] = [];

  private readonly lock: string;

  constructor(
    streamDir: string,
    readonly indexCache: number,
  ) {
    this.dir = path.join(streamDir, 'msgs');
    fs.mkdirSync(this.dir, { recursive: true });
    this.lock = path.join(this.dir, 'LOCK');
    takeLock(this.lock);
  }

  existing(): number[] {
    const bases: number[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      if (name.endsWith(SUFFIX) && /^\d{20}\.seg$/.test(name)) bases.push(Number(name.slice(0, 20)));
    }
    return bases.sort((a, b) => a - b);
  }
  open(base: number): Segment {
    return new FileSegment(this, base, this.pathOf(base), false);
  }
  create(base: number): Segment {
    return new FileSegment(this, base, this.pathOf(base), true);
  }
  msgSize(total: number, hasHdr: boolean): number {
    return hasHdr ? fileMsgSize(0, total, 0) : fileMsgSize(0, 0, total);
  }
  takeCheckpoint(): Buffer | null {
    const file = path.join(this.dir, CHECKPOINT);
    try {
      const buf = fs.readFileSync(file);
      fs.rmSync(file, { force: true });
      return buf;
    } catch {
      return null;
    }
  }
  saveCheckpoint(buf: Buffer): void {
    const file = path.join(this.dir, CHECKPOINT);
    const fd = fs.openSync(`${file}.tmp`, 'w');
    try {
      fs.writeSync(fd, buf);
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(`${file}.tmp`, file);
  }
  destroy(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
  close(): void {
    for (const s of this.open_.splice(0)) s.closeFd();
    fs.rmSync(this.lock, { force: true });
  }

  /** Track an opened descriptor; close the least recently opened beyond the cap. */
  opened(seg: FileSegment): void {
    this.open_.push(seg);
    if (this.open_.length <= MAX_OPEN) return;
    const i = this.open_.findIndex((s) => !s.keepOpen);
    if (i >= 0) this.open_.splice(i, 1)[0]!.closeFd();
  }
  forget(seg: FileSegment): void {
    const i = this.open_.indexOf(seg);
    if (i >= 0) this.open_.splice(i, 1);
  }

  private pathOf(base: number): string {
    return path.join(this.dir, String(base).padStart(20, '0') + SUFFIX);
  }
}

/** One process per stream directory: a LOCK file with the owner's pid (a dead owner's is taken over). */
function takeLock(file: string): void {
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (pid > 0 && pid !== process.pid && alive(pid)) throw new StoreError('in-use', `pid ${pid}: ${path.dirname(file)}`);
    if (pid === process.pid) throw new StoreError('in-use', `already open in this process: ${path.dirname(file)}`);
    fs.rmSync(file, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class FileSegment implements Segment {
  size: number;
  keepOpen = false;
  private fd = -1;
  private syncs = 0; // fdatasyncs in flight: the descriptor must stay open until they end
  private closeWanted = false;

  constructor(
    private readonly media: FileMedia,
    readonly base: number,
    private readonly file: string,
    create: boolean,
  ) {
    if (create) {
      this.fd = fs.openSync(file, 'wx+');
      media.opened(this);
      this.size = 0;
    } else {
      this.size = fs.statSync(file).size;
    }
  }

  private handle(): number {
    if (this.closeWanted) {
      this.closeWanted = false;
      this.media.opened(this);
    }
    if (this.fd < 0) {
      this.fd = fs.openSync(this.file, 'r+');
      this.media.opened(this);
    }
    return this.fd;
  }
  append(buf: Buffer, len: number): void {
    const fd = this.handle();
    let done = 0;
    while (done < len) done += fs.writeSync(fd, buf, done, len - done, this.size + done);
    this.size += len;
  }
  read(off: number, len: number): Buffer {
    const out = Buffer.allocUnsafe(len);
    const n = fs.readSync(this.handle(), out, 0, len, off);
    return n === len ? out : out.subarray(0, n);
  }
  readAll(into?: Buffer): Buffer {
    if (this.size === 0) return Buffer.alloc(0);
    if (into === undefined || into.length < this.size) return this.read(0, this.size);
    const n = fs.readSync(this.handle(), into, 0, this.size, 0);
    return into.subarray(0, n);
  }
  overwrite(off: number, buf: Buffer): void {
    fs.writeSync(this.handle(), buf, 0, buf.length, off);
  }
  truncate(len: number): void {
    fs.ftruncateSync(this.handle(), len);
    this.size = len;
  }
  sync(): Promise<void> {
    if (this.fd < 0) return Promise.resolve();
    const fd = this.fd;
    this.syncs++;
    return new Promise((resolve, reject) =>
      fs.fdatasync(fd, (err) => {
        if (--this.syncs === 0 && this.closeWanted) {
          this.closeWanted = false;
          this.closeFd();
        }
        if (err) reject(err);
        else resolve();
      }),
    );
  }
  syncNow(): void {
    if (this.fd >= 0) fs.fdatasyncSync(this.fd);
  }
  release(): void {
    this.media.forget(this);
    this.closeFd();
  }
  closeFd(): void {
    if (this.syncs > 0) {
      this.closeWanted = true;
      return;
    }
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
  unlink(): void {
    this.release();
    fs.rmSync(this.file, { force: true });
  }
}
