/**
 * Subject validation cases. Every case without whitespace is also checked against the real
 * nats-server (pedantic SUB and PUB) in subject.nats-server.test.ts; whitespace cannot be
 * sent as one protocol argument, so those rely on nats-server's IsValidSubject source.
 */
export interface SubjectCase {
  subject: string;
  /** Accepted as a subscription filter (`SUB`). */
  filter: boolean;
  /** Accepted as a publish subject (`PUB`). */
  publish: boolean;
}

export const subjectCases: SubjectCase[] = [
  { subject: 'foo', filter: true, publish: true },
  { subject: 'foo.bar', filter: true, publish: true },
  { subject: 'foo.bar.baz.qux.quux', filter: true, publish: true },
  { subject: '$SYS.REQ.ACCOUNT.x.CLAIMS.UPDATE', filter: true, publish: true },
  { subject: '_INBOX.abc123.1', filter: true, publish: true },
  { subject: 'foo.*', filter: true, publish: false },
  { subject: '*', filter: true, publish: false },
  { subject: '>', filter: true, publish: false },
  { subject: '*.*', filter: true, publish: false },
  { subject: 'foo.*.>', filter: true, publish: false },
  { subject: '*.>', filter: true, publish: false },
  { subject: 'foo.>', filter: true, publish: false },
  // A wildcard character inside a longer token is a plain character.
  { subject: 'foo.b*r', filter: true, publish: true },
  { subject: 'a*.b', filter: true, publish: true },
  { subject: 'foo*.>', filter: true, publish: false },
  { subject: '>>', filter: true, publish: true },
  { subject: 'foo.>>', filter: true, publish: true },
  { subject: '**', filter: true, publish: true },
  { subject: 'foo.>.bar', filter: false, publish: false },
  { subject: '>.foo', filter: false, publish: false },
  { subject: '*.*.>.>', filter: false, publish: false },
  { subject: 'foo..bar', filter: false, publish: false },
  { subject: '.foo', filter: false, publish: false },
  { subject: 'foo.', filter: false, publish: false },
  { subject: '.', filter: false, publish: false },
  { subject: '..', filter: false, publish: false },
  { subject: 'foo.*.', filter: false, publish: false },
  { subject: 'ünïcödé.subject', filter: true, publish: true },
];

/** Cases nats-server cannot receive as one argument; expectations follow its IsValidSubject. */
export const whitespaceCases: SubjectCase[] = [
  { subject: '', filter: false, publish: false },
  { subject: 'foo bar', filter: false, publish: false },
  { subject: 'foo.\tbar', filter: false, publish: false },
  { subject: 'foo.bar\r', filter: false, publish: false },
  { subject: '\n', filter: false, publish: false },
  { subject: 'foo.\f', filter: false, publish: false },
  { subject: ' ', filter: false, publish: false },
  { subject: 'foo.* ', filter: false, publish: false },
];

/** Queue names: nats-server 2.9 accepts any non-empty argument. */
export const queueCases: { queue: string; valid: boolean }[] = [
  { queue: 'workers', valid: true },
  { queue: 'q.*', valid: true },
  { queue: 'q.>', valid: true },
  { queue: '*', valid: true },
  { queue: '>', valid: true },
  { queue: '..', valid: true },
  { queue: '', valid: false },
  { queue: 'a b', valid: false },
  { queue: 'a\tb', valid: false },
  { queue: 'a\r\n', valid: false },
];
