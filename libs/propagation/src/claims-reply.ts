// The answer nats-server sends to $SYS.REQ.CLAIMS.UPDATE (server/events.go's ServerAPIResponse):
//   {"server":{...},"data":{"account":"A...","code":200,"message":"jwt updated"}}
//   {"server":{...},"error":{"account":"A...|n/a","code":500,"description":"..."}}

export interface ClaimsReplyServer {
  name: string;
  id: string;
  ver?: string;
}

export type ClaimsReply =
  | { ok: true; account: string; code: number; message: string; server?: ClaimsReplyServer }
  | { ok: false; account: string; code: number; description: string; server?: ClaimsReplyServer };

const decoder = new TextDecoder();

/** Never throws: an unreadable answer becomes `ok: false` with code 0 and a description saying why. */
export function parseClaimsReply(payload: Uint8Array | string): ClaimsReply {
  const text = typeof payload === 'string' ? payload : decoder.decode(payload);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return bad(`reply is not JSON: ${clip(text)}`);
  }
  if (!isObject(body)) return bad(`reply is not a JSON object: ${clip(text)}`);
  const server = readServer(body.server);
  if (isObject(body.error)) {
    const e = body.error;
    return {
      ok: false,
      account: str(e.account),
      code: num(e.code),
      description: str(e.description) || 'error without description',
      ...(server ? { server } : {}),
    };
  }
  if (isObject(body.data)) {
    const d = body.data;
    const code = num(d.code);
    // nats-server answers successes with 200; treat anything else in "data" as a failure to be safe.
    if (code !== 200) return { ok: false, account: str(d.account), code, description: str(d.message) || 'unexpected code', ...(server ? { server } : {}) };
    return { ok: true, account: str(d.account), code, message: str(d.message), ...(server ? { server } : {}) };
  }
  return bad(`reply has neither data nor error: ${clip(text)}`);
}

function bad(description: string): ClaimsReply {
  return { ok: false, account: '', code: 0, description };
}

function readServer(v: unknown): ClaimsReplyServer | undefined {
  if (!isObject(v)) return undefined;
  const s: ClaimsReplyServer = { name: str(v.name), id: str(v.id) };
  if (typeof v.ver === 'string') s.ver = v.ver;
  return s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const clip = (s: string): string => (s.length > 120 ? `${s.slice(0, 120)}…` : s);
