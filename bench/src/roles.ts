import type { Endpoint } from './conn.js';

/** What a generator thread is asked to do (its workerData). */
export type RoleSpec =
  | {
      role: 'publisher';
      ep: Endpoint;
      subject: string;
      size: number;
      /** Deliveries each publish causes (0: don't wait for subscribers), for flow control. */
      deliveries: number;
      counters: Int32Array;
    }
  | {
      role: 'subscriber';
      ep: Endpoint;
      subject: string;
      queue: string;
      conns: number;
      counters: Int32Array;
    }
  | { role: 'responder'; ep: Endpoint; subject: string }
  | {
      role: 'requester';
      ep: Endpoint;
      subject: string;
      size: number;
      concurrency: number;
      warmupMs: number;
      measureMs: number;
      maxSamples: number;
    };

/** Messages from a generator thread to the main thread. */
export type RoleEvent =
  | { type: 'ready' }
  /** Publisher: it has stopped writing (answer to 'finish'); SENT is final. */
  | { type: 'finished' }
  | { type: 'error'; message: string }
  | { type: 'samples'; micros: Float64Array; count: number };

/** Messages from the main thread to a generator thread. */
export type RoleCommand =
  | { type: 'start' }
  /** Publisher: stop writing, keep the connection for the outstanding PONGs. */
  | { type: 'finish' }
  | { type: 'stop' };
