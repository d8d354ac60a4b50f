import type { Scenario } from '../scenario.js';
import { auth } from './auth.js';
import { fairness } from './fairness.js';
import { jetstreamScenarios } from './jetstream.js';
import { latency } from './latency.js';
import { throughput } from './throughput.js';

/** Every scenario the runner knows, in report order. Add new ones here. */
export const scenarios: Scenario[] = [
  throughput({ name: 'pub', description: 'publish only, no subscriber', subscribers: 0, queue: '', deliveries: 0 }),
  throughput({
    name: 'pubsub',
    description: '1 publisher → 1 subscriber',
    subscribers: 1,
    queue: '',
    deliveries: 1,
    target: { ratio: 0.5, size: 128 },
  }),
  throughput({
    name: 'fanout',
    description: '1 publisher → 4 subscribers (delivered msgs/s, all 4 together)',
    subscribers: 4,
    queue: '',
    deliveries: 4,
    target: { ratio: 0.5, size: 128 },
  }),
  throughput({ name: 'queue', description: '1 publisher → queue group of 4', subscribers: 4, queue: 'q', deliveries: 1 }),
  latency('request', 1, true),
  latency('request-c8', 8, false),
  auth(8),
  fairness(),
  ...jetstreamScenarios(),
];
