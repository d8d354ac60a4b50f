import path from 'node:path';
import { FileConsumerDir, MemoryConsumerDir } from './consumer-state.js';
import { FileMedia } from './file-media.js';
import { LogStore, type LogOptions } from './log-store.js';
import { MemoryMedia } from './memory-media.js';
import type { StreamStore } from './store.js';

export interface FileStoreOptions extends LogOptions {
  /** The stream's directory (created when missing): `msgs/` segments and `consumers/` states. */
  dir: string;
  /** Sealed segments whose index stays in memory (default 8; others are rebuilt on use). */
  indexCache?: number;
}

/** Open (recovering what is there) or create a file stream store. */
export function openFileStore(opts: FileStoreOptions): StreamStore {
  const dir = path.resolve(opts.dir);
  const media = new FileMedia(dir, Math.max(1, opts.indexCache ?? 8));
  try {
    return new LogStore(media, new FileConsumerDir(dir, opts.sync === 'always'), opts);
  } catch (e) {
    media.close(); // releases the directory lock
    throw e;
  }
}

/** A memory stream store: the same engine on in-memory segments, nothing on disk. */
export function createMemoryStore(opts: Omit<LogOptions, 'sync'> = {}): StreamStore {
  return new LogStore(new MemoryMedia(), new MemoryConsumerDir(), { ...opts, maxSegmentBytes: opts.maxSegmentBytes ?? 1024 * 1024 });
}
