import type { Account } from '@switchboard/accounts';
import type { SublistResult } from '@switchboard/subjects';
import type { Client } from './client.js';
import type { ClientOutput } from './client-output.js';
import { CLIENT, isServiceReply, LEAF, ROUTER } from './conn-kind.js';
import type { Subscription } from './subscription.js';

/**
 * Route and leaf connections a routing pass sends to, with the queue groups each was picked for
 * (nats-server's route targets): one message per connection however many of its subscriptions
 * matched. A stack shared by nested passes (an internal handler may publish while delivering):
 * each pass uses the entries above the length it started at.
 */
const targets: ClientOutput[] = [];
const targetQueues: string[] = [];

/**
 * Delivers one published message in `account` to a match result: every plain subscriber, and
 * one member of each queue group (picked at random, the next one tried when it cannot take the
 * message). A producer with echo off does not receive its own messages. Returns whether
 * anything was delivered (for no-responders). A producer feeding a backed-up consumer is paused
 * (flow control). No allocation for local deliveries: the result is the sublist's cached one.
 * Shadow subscriptions (stream imports) deliver to their origin under the importer's subject,
 * except for messages that came through a service import (`fromService`), as nats-server.
 *
 * `matched`: the subject `result` was matched on, when it is not the one shown (`subject`).
 *
 * Route and leaf connections' subscriptions (nats-server 2.9's rules): a message goes to each
 * such connection once; what came from a route never goes to another route (one hop), nor to a
 * leaf unless it is a hub-side leaf or a service reply; a queue group picks a remote member with
 * the weight the remote announced, except that a message from a route prefers local members
 * and only serves the groups the sender named (`producer.queueFilter`), going on to another
 * remote member only when no local one is left; a message from a leaf connection never goes to
 * another of the same remote cluster (nats-server's "cluster wide no echo").
 */
export function routeMessage(
  producer: Client,
  account: Account<Subscription>,
  result: SublistResult<Subscription>,
  subject: string,
  reply: string,
  hdrLen: number,
  msg: Buffer,
  fromService = false,
  matched = subject,
): boolean {
  let delivered = false;
  const echo = producer.echo;
  const src = producer.kind;
  const base = targets.length;
  const psubs = result.psubs;
  for (let i = 0; i < psubs.length; i++) {
    let sub = psubs[i]!;
    const c = sub.client;
    if (c.kind !== CLIENT) {
      if (c !== producer && forwards(producer, c, subject)) addTarget(c, '', base);
      continue;
    }
    if (!echo && c === producer) continue;
    let dsubj = subject;
    if (sub.imp !== null) {
      if (fromService) continue;
      // A delivery shown under its message's subject keeps it (nats-server swaps the roles:
      // the import maps the subject it was routed on, not the one shown).
      if (matched === subject) dsubj = sub.imp.localSubject(subject);
      sub = sub.origin!;
    }
    if (c.deliver(sub, dsubj, reply, hdrLen, msg)) delivered = true;
    if (c.transportPending > c.stallThreshold) producer.flow.stallOn(c);
  }
  const qsubs = result.qsubs;
  // From a route or leaf, queue groups are served only as the sender asked.
  if (qsubs.length > 0 && (src === CLIENT || producer.queueFilter !== '')) {
    for (let g = 0; g < qsubs.length; g++) {
      const group = qsubs[g]!;
      if (group.length === 0) continue;
      if (src !== CLIENT && !hasQueue(producer.queueFilter, group[0]!.queue)) continue;
      if (
        src === ROUTER
          ? pickLocalFirst(producer, group, subject, reply, hdrLen, msg, fromService, base, matched)
          : pickMember(producer, group, subject, reply, hdrLen, msg, fromService, base, matched)
      )
        delivered = true;
    }
  }
  if (targets.length > base) {
    // Matched on one subject and shown under another (a JetStream delivery): routes and leaf
    // connections get the one it matched, the shown one after '@' in the reply (nats-server's
    // pa.deliver; the receiving server splits it off for its clients, remote-conn.ts).
    let rsubject = subject;
    let rreply = reply;
    if (matched !== subject) {
      rsubject = matched;
      if (reply !== '') rreply = `${reply}@${subject}`;
    }
    for (let i = base; i < targets.length; i++) {
      const c = targets[i]!;
      c.rtIndex = -1;
      // Leaf to leaf: never back into the cluster the message came from (it routes it there itself).
      if (src === LEAF && c.kind === LEAF && producer.remoteCluster !== '' && producer.remoteCluster === c.remoteCluster) continue;
      if (c.deliverRemote(account, rsubject, rreply, targetQueues[i]!, hdrLen, msg)) delivered = true;
      if (c.transportPending > c.stallThreshold) producer.flow.stallOn(c as Client);
    }
    targets.length = base;
    targetQueues.length = base;
  }
  return delivered;
}

/** nats-server's rules for a plain subscription of a route or leaf connection `dst`. */
function forwards(producer: Client, dst: ClientOutput, subject: string): boolean {
  if (dst.kind === ROUTER) return producer.kind !== ROUTER && !producer.isSpokeLeaf;
  return producer.kind !== ROUTER || dst.isHubLeaf || isServiceReply(subject);
}

/** A message from a client or leaf: a random member, local or remote (weighted by copies). */
function pickMember(
  producer: Client,
  group: readonly Subscription[],
  subject: string,
  reply: string,
  hdrLen: number,
  msg: Buffer,
  fromService: boolean,
  base: number,
  matched: string,
): boolean {
  const echo = producer.echo;
  const n = group.length;
  const first = n === 1 ? 0 : Math.floor(Math.random() * n);
  let leaf: Subscription | null = null;
  for (let k = 0; k < n; k++) {
    let sub = group[(first + k) % n]!;
    const c = sub.client;
    if (c.kind !== CLIENT) {
      if (c === producer) continue;
      // A leaf member only if nothing else takes it (nats-server prefers locals and routes).
      if (c.kind === LEAF) {
        if (leaf === null) leaf = sub;
        continue;
      }
      addTarget(c, sub.queue, base);
      return false;
    }
    if (!echo && c === producer) continue;
    let dsubj = subject;
    if (sub.imp !== null) {
      if (fromService) continue;
      // A delivery shown under its message's subject keeps it (nats-server swaps the roles:
      // the import maps the subject it was routed on, not the one shown).
      if (matched === subject) dsubj = sub.imp.localSubject(subject);
      sub = sub.origin!;
    }
    if (c.deliver(sub, dsubj, reply, hdrLen, msg)) {
      if (c.transportPending > c.stallThreshold) producer.flow.stallOn(c);
      return true;
    }
  }
  if (leaf !== null) addTarget(leaf.client, leaf.queue, base);
  return false;
}

/** A message from a route: local members first; a leaf (else another route's) member only if none takes it. */
function pickLocalFirst(
  producer: Client,
  group: readonly Subscription[],
  subject: string,
  reply: string,
  hdrLen: number,
  msg: Buffer,
  fromService: boolean,
  base: number,
  matched: string,
): boolean {
  const n = group.length;
  const first = n === 1 ? 0 : Math.floor(Math.random() * n);
  let remote: Subscription | null = null;
  for (let k = 0; k < n; k++) {
    let sub = group[(first + k) % n]!;
    const c = sub.client;
    if (c.kind !== CLIENT) {
      if (c !== producer && (remote === null || c.kind === LEAF)) remote = sub;
      continue;
    }
    let dsubj = subject;
    if (sub.imp !== null) {
      if (fromService) continue;
      // A delivery shown under its message's subject keeps it (nats-server swaps the roles:
      // the import maps the subject it was routed on, not the one shown).
      if (matched === subject) dsubj = sub.imp.localSubject(subject);
      sub = sub.origin!;
    }
    if (c.deliver(sub, dsubj, reply, hdrLen, msg)) {
      if (c.transportPending > c.stallThreshold) producer.flow.stallOn(c);
      return true;
    }
  }
  // No local member took it: as nats-server, a remote member does (a leaf preferred).
  if (remote !== null) addTarget(remote.client, remote.queue, base);
  return false;
}

function addTarget(c: ClientOutput, queue: string, base: number): void {
  const at = c.rtIndex;
  if (at >= base && at < targets.length && targets[at] === c) {
    if (queue !== '') targetQueues[at] = targetQueues[at] === '' ? queue : `${targetQueues[at]} ${queue}`;
    return;
  }
  c.rtIndex = targets.length;
  targets.push(c);
  targetQueues.push(queue);
}

/** `name` is one of the space-separated names in `list`. */
export function hasQueue(list: string, name: string): boolean {
  let at = list.indexOf(name);
  while (at >= 0) {
    const end = at + name.length;
    if ((at === 0 || list.charCodeAt(at - 1) === 32) && (end === list.length || list.charCodeAt(end) === 32)) return true;
    at = list.indexOf(name, at + 1);
  }
  return false;
}
