/**
 * What is at the other end of a connection (nats-server's client kinds). Routing reads it on
 * the hot path as a plain number: anything but CLIENT is a server that gets RMSG/LMSG.
 */
export const CLIENT = 0;
/** Another node of this cluster (route protocol): what it sends never goes to another route. */
export const ROUTER = 1;
/** A leaf node connection, either side (leaf protocol, bound to one account). */
export const LEAF = 2;

export type ConnKind = typeof CLIENT | typeof ROUTER | typeof LEAF;

/** nats-server's reply prefix of service imports: such replies cross to leaf nodes from routes. */
export function isServiceReply(subject: string): boolean {
  return subject.length > 4 && subject.charCodeAt(0) === 0x5f && subject.startsWith('_R_.');
}
