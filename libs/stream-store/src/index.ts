export type { ConsumerStore, StreamStore } from './store.js';
export type { ConsumerState, DiscardPolicy, PendingDelivery, SequencePair, SimpleState, StoreLimits, StoredMsg, StreamState } from './types.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export { fileMsgSize, memoryMsgSize } from './msg-size.js';
export { DEFAULT_SEGMENT_BYTES, DEFAULT_SYNC_INTERVAL_MS, type LogOptions } from './log-store.js';
export { createMemoryStore, openFileStore, type FileStoreOptions } from './stores.js';
export { decodeConsumerState, emptyConsumerState, encodeConsumerState } from './consumer-state.js';
