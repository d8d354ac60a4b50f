import { describe, expect, it } from 'vitest';
import { BrokerListError, parseBrokerList, StaticBrokers } from '../src/index.js';

describe('parseBrokerList (SWITCHBOARD_BROKERS)', () => {
  it('reads comma- or space-separated URLs, defaulting the scheme and dropping duplicates', () => {
    expect(parseBrokerList('nats://a:4222,nats://b:4222')).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(parseBrokerList(' a:4222  tls://b:4443 , a:4222,')).toEqual(['nats://a:4222', 'tls://b:4443']);
    expect(parseBrokerList('')).toEqual([]);
  });

  it('names the entry it cannot use', () => {
    expect(() => parseBrokerList('nats://a:4222,http://b:80')).toThrow(new BrokerListError('broker "http://b:80": scheme must be nats:// or tls://'));
    expect(() => parseBrokerList('nats://u:p@a:4222')).toThrow(/credentials belong in the system account creds/);
    expect(() => parseBrokerList('nats://a:99999')).toThrow(/is not a URL/);
  });

  it('StaticBrokers serves the list', async () => {
    expect(await new StaticBrokers(['nats://a:1', 'nats://a:1', 'nats://b:2']).brokers()).toEqual(['nats://a:1', 'nats://b:2']);
  });
});
