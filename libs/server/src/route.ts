import type { SublistResult } from '@switchboard/subjects';
import type { Client } from './client.js';
import type { Subscription } from './subscription.js';

/**
 * Delivers one published message to a match result: every plain subscriber, and one member
 * of each queue group (picked at random, the next one tried when it cannot take the message).
 * A producer with echo off does not receive its own messages. Returns whether anything was
 * delivered (for no-responders). A producer feeding a backed-up consumer is paused (flow
 * control). No allocation: the result is the sublist's cached one. Shadow subscriptions (stream
 * imports) deliver to their origin under the importer's subject, except for messages that came
 * through a service import (`fromService`), as nats-server.
 */
export function routeMessage(
  producer: Client,
  result: SublistResult<Subscription>,
  subject: string,
  reply: string,
  hdrLen: number,
  msg: Buffer,
  fromService = false,
): boolean {
  let delivered = false;
  const echo = producer.echo;
  const psubs = result.psubs;
  for (let i = 0; i < psubs.length; i++) {
    let sub = psubs[i]!;
    const c = sub.client;
    if (!echo && c === producer) continue;
    let dsubj = subject;
    if (sub.imp !== null) {
      if (fromService) continue;
      dsubj = sub.imp.localSubject(subject);
      sub = sub.origin!;
    }
    if (c.deliver(sub, dsubj, reply, hdrLen, msg)) delivered = true;
    if (c.transportPending > c.stallThreshold) producer.flow.stallOn(c);
  }
  const qsubs = result.qsubs;
  for (let g = 0; g < qsubs.length; g++) {
    const group = qsubs[g]!;
    const n = group.length;
    if (n === 0) continue;
    const first = n === 1 ? 0 : Math.floor(Math.random() * n);
    for (let k = 0; k < n; k++) {
      let sub = group[(first + k) % n]!;
      const c = sub.client;
      if (!echo && c === producer) continue;
      let dsubj = subject;
      if (sub.imp !== null) {
        if (fromService) continue;
        dsubj = sub.imp.localSubject(subject);
        sub = sub.origin!;
      }
      if (c.deliver(sub, dsubj, reply, hdrLen, msg)) {
        delivered = true;
        if (c.transportPending > c.stallThreshold) producer.flow.stallOn(c);
        break;
      }
    }
  }
  return delivered;
}
