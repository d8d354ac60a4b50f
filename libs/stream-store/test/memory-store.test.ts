import { createMemoryStore } from '@switchboard/stream-store';
import { storeContract } from './contract.js';

storeContract({ kind: 'memory', make: (limits, opts) => createMemoryStore({ limits, ...opts }) });
