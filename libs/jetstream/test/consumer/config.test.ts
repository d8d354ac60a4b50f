import { describe, expect, it } from 'vitest';
import {
  applyDefaults,
  checkConfigUpdate,
  checkConsumerConfig,
  configJson,
  decodeConsumerConfig,
  isErrorBody,
  type StreamView,
} from '../../src/consumer/index.js';

const stream: StreamView = { subjects: ['foo.>'], retention: 'limits', replicas: 1 };
const wq: StreamView = { subjects: ['foo.>'], retention: 'workqueue', replicas: 1 };

function check(raw: Record<string, unknown>, s = stream): { code: number; err_code: number; description: string } | null {
  const cfg = decodeConsumerConfig(raw);
  if (isErrorBody(cfg)) return cfg;
  applyDefaults(cfg);
  return checkConsumerConfig(cfg, s);
}

describe('consumer config (nats-server 2.9.10 checkConsumerCfg)', () => {
  it.each([
    [{ deliver_subject: 'd', flow_control: true, ack_policy: 'explicit' }, 10108, 'consumer with flow control also needs heartbeats'],
    [{ deliver_subject: 'd', idle_heartbeat: 50e6 }, 10083, 'consumer idle heartbeat needs to be >= 100ms'],
    [{ idle_heartbeat: 1e9, ack_policy: 'explicit' }, 10088, 'consumer idle heartbeat requires a push based consumer'],
    [{ flow_control: true, ack_policy: 'explicit' }, 10089, 'consumer flow control requires a push based consumer'],
    [{ deliver_subject: 'd.*' }, 10079, 'consumer deliver subject has wildcards'],
    [{ deliver_subject: 'foo.bar' }, 10081, 'consumer deliver subject forms a cycle'],
    [{ deliver_subject: 'd', max_waiting: 5 }, 10080, 'consumer in push mode can not set max waiting'],
    [{ deliver_subject: 'd', max_ack_pending: 5 }, 10082, 'consumer requires ack policy for max ack pending'],
    [{ rate_limit_bps: 100, ack_policy: 'explicit' }, 10086, 'consumer in pull mode can not have rate limit set'],
    [{ max_waiting: -1, ack_policy: 'explicit' }, 10087, 'consumer max waiting needs to be positive'],
    [{ max_batch: -1, ack_policy: 'explicit' }, 10114, 'consumer max request batch needs to be > 0'],
    [{ max_expires: 1000, ack_policy: 'explicit' }, 10115, 'consumer max request expires needs to be >= 1ms'],
    [{ backoff: [1e9, 2e9], max_deliver: 2, ack_policy: 'explicit' }, 10116, 'max deliver is required to be > length of backoff values'],
    [{ filter_subject: 'bar', ack_policy: 'explicit' }, 10093, 'consumer filter subject is not a valid subset of the interest subjects'],
    [
      { deliver_policy: 'by_start_sequence', ack_policy: 'explicit' },
      10094,
      'consumer delivery policy is deliver by start sequence, but optional start sequence is not set',
    ],
    [
      { deliver_policy: 'all', opt_start_seq: 4, ack_policy: 'explicit' },
      10094,
      'consumer delivery policy is deliver all, but optional start sequence is also set',
    ],
    [
      { deliver_policy: 'last_per_subject', ack_policy: 'explicit' },
      10094,
      'consumer delivery policy is deliver last per subject, but optional filter subject is not set',
    ],
    [
      { deliver_policy: 'by_start_time', ack_policy: 'explicit' },
      10094,
      'consumer delivery policy is deliver by start time, but optional start time is not set',
    ],
    [{ durable_name: 'a', name: 'b', ack_policy: 'explicit' }, 10132, 'Consumer Durable and Name have to be equal if both are provided'],
    [{ num_replicas: 3, ack_policy: 'explicit' }, 10126, 'consumer config replica count exceeds parent stream'],
    [{ deliver_policy: 'bogus' }, 10025, 'invalid JSON'],
    [{ ack_wait: '1s' }, 10025, 'invalid JSON'],
    [{ description: 'x'.repeat(4097), ack_policy: 'explicit' }, 10107, 'consumer description is too long, maximum allowed is 4096'],
  ])('%j -> %i', (raw, code, text) => {
    const err = check(raw as Record<string, unknown>);
    expect(err?.err_code).toBe(code);
    expect(err?.description).toBe(text);
  });

  it('pull on a workqueue stream needs acks (10084)', () => {
    expect(check({ ack_policy: 'none' }, wq)?.err_code).toBe(10084);
  });

  it('fills defaults as setConsumerConfigDefaults', () => {
    const cfg = decodeConsumerConfig({ durable_name: 'd', ack_policy: 'explicit' });
    if (isErrorBody(cfg)) throw new Error('bad');
    applyDefaults(cfg);
    expect(configJson(cfg)).toEqual({
      durable_name: 'd',
      deliver_policy: 'all',
      ack_policy: 'explicit',
      ack_wait: 30e9,
      max_deliver: -1,
      replay_policy: 'instant',
      max_waiting: 512,
      max_ack_pending: 1000,
      num_replicas: 0,
    });
    const bo = decodeConsumerConfig({ ack_policy: 'explicit', backoff: [1e9, 5e9], max_deliver: 5 });
    if (isErrorBody(bo)) throw new Error('bad');
    applyDefaults(bo);
    expect(bo.ack_wait).toBe(1e9);
    const none = decodeConsumerConfig({ deliver_subject: 'x' });
    if (isErrorBody(none)) throw new Error('bad');
    applyDefaults(none);
    expect(none.ack_policy).toBe('none');
    expect(none.max_ack_pending).toBeUndefined();
    expect(none.max_waiting).toBeUndefined();
  });

  it('keeps an RFC 3339 start time as Go prints it', () => {
    const cfg = decodeConsumerConfig({ deliver_policy: 'by_start_time', opt_start_time: '2024-01-02T03:04:05.120000000Z' });
    if (isErrorBody(cfg)) throw new Error('bad');
    expect(cfg.opt_start_time).toBe('2024-01-02T03:04:05.12Z');
  });

  it('allows only some updates (checkNewConsumerConfig)', () => {
    const a = decodeConsumerConfig({ durable_name: 'd', ack_policy: 'explicit' });
    const b = decodeConsumerConfig({ durable_name: 'd', ack_policy: 'all' });
    const c = decodeConsumerConfig({ durable_name: 'd', ack_policy: 'explicit', description: 'new', max_ack_pending: 5 });
    if (isErrorBody(a) || isErrorBody(b) || isErrorBody(c)) throw new Error('bad');
    expect(checkConfigUpdate(a, b, false)).toEqual({ code: 500, err_code: 10012, description: 'ack policy can not be updated' });
    expect(checkConfigUpdate(a, c, false)).toBeNull();
    const push = decodeConsumerConfig({ durable_name: 'd', ack_policy: 'explicit', deliver_subject: 'x' });
    if (isErrorBody(push)) throw new Error('bad');
    expect(checkConfigUpdate(a, push, false)?.description).toBe('can not update pull consumer to push based');
  });
});
