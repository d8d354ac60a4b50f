// Account exports and imports from config: streams and services across accounts.
import type { Case } from '../transcript.js';
import { pub, lastReply } from './bytes.js';
import { CONFIG } from './configs.js';

export const sharing: Case[] = [
  {
    name: 'sharing: imported stream reaches the importer',
    config: CONFIG.sharing,
    conns: { b: { user: 'b', pass: 'pb' }, a: { user: 'a', pass: 'pa' } },
    steps: [
      { conn: 'b', send: 'SUB news.> 1\r\n' },
      { conn: 'a', send: pub('news.today', 'headline') + pub('gossip', 'private') },
    ],
    mustSee: ['b ← MSG news.today 1 8'],
  },
  {
    name: 'sharing: importer publishes do not flow back to the exporter',
    config: CONFIG.sharing,
    conns: { a: { user: 'a', pass: 'pa' }, b: { user: 'b', pass: 'pb' } },
    steps: [
      { conn: 'a', send: 'SUB news.> 1\r\n' },
      { conn: 'b', send: pub('news.fake', 'x') },
    ],
  },
  {
    name: 'sharing: service import request and reply',
    config: CONFIG.sharing,
    conns: { svc: { user: 'a', pass: 'pa', headers: false, no_responders: false }, req: { user: 'b', pass: 'pb' } },
    // nats-server maps the requester's reply subject to a fresh _R_ token; the token is
    // the server's choice, its shape and the reply's way back are compared.
    mask: [[/_R_\.[A-Za-z0-9]+\.[A-Za-z0-9]+/, '_R_.<mapped>']],
    steps: [
      { conn: 'svc', send: 'SUB help 1\r\n' },
      { conn: 'req', send: 'SUB _INBOX.b.* 1\r\n' + pub('help', 'please', '_INBOX.b.1') },
      { conn: 'svc', send: (seen) => pub(lastReply(seen), 'done') },
      { conn: 'svc', send: (seen) => pub(lastReply(seen), 'again') },
    ],
    mustSee: ['svc ← MSG help 1 _R_.<mapped> 6', 'req ← MSG _INBOX.b.1 1 4'],
  },
  {
    name: 'sharing: service import adds Nats-Request-Info for a headers responder',
    config: CONFIG.sharing,
    conns: { svc: { user: 'a', pass: 'pa' }, req: { user: 'b', pass: 'pb' } },
    // The rtt value (and so the sizes) is a measurement; the header's presence and account are compared.
    mask: [
      [/_R_\.[A-Za-z0-9]+\.[A-Za-z0-9]+ \d+ \d+/, '_R_.<mapped> <hdr> <total>'],
      [/"rtt":\d+/, '"rtt":<measured>'],
    ],
    steps: [
      { conn: 'svc', send: 'SUB help 1\r\n' },
      { conn: 'req', send: pub('help', 'please', '_INBOX.b.1') },
    ],
    mustSee: ['Nats-Request-Info: {"acc":"B","rtt":<measured>}'],
  },
];
