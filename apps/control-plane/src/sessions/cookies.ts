// The session cookie: httpOnly (scripts never see the secret), SameSite=Strict (no cross-site
// sends), Secure when the request came over TLS (directly or via a proxy's X-Forwarded-Proto).
// The CSRF cookie is readable by the console's scripts, which echo it in X-CSRF-Token.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'sb_session';
export const CSRF_COOKIE = 'sb_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const overTls = (req: FastifyRequest) => req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';

function cookie(name: string, value: string, maxAgeSec: number, httpOnly: boolean, secure: boolean): string {
  return [`${name}=${encodeURIComponent(value)}`, 'Path=/', `Max-Age=${maxAgeSec}`, 'SameSite=Strict', httpOnly ? 'HttpOnly' : '', secure ? 'Secure' : '']
    .filter(Boolean)
    .join('; ');
}

export function setSessionCookies(req: FastifyRequest, reply: FastifyReply, secret: string, csrf: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const secure = overTls(req);
  void reply.header('set-cookie', [cookie(SESSION_COOKIE, secret, maxAge, true, secure), cookie(CSRF_COOKIE, csrf, maxAge, false, secure)]);
}

export function clearSessionCookies(req: FastifyRequest, reply: FastifyReply): void {
  const secure = overTls(req);
  void reply.header('set-cookie', [cookie(SESSION_COOKIE, '', 0, true, secure), cookie(CSRF_COOKIE, '', 0, false, secure)]);
}
