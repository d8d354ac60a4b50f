import type pg from 'pg';

/**
 * Connection fields from a postgresql:// URL. Fields, not a connectionString: adapter-pg lets a
 * connectionString override `database`, which would point a "shadow" database at the real one.
 */
export function pgConfigFromUrl(url: string): pg.ClientConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL (expected postgresql://user@host:port/database)');
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must start with postgresql:// (got ${u.protocol}//)`);
  }
  const sslmode = u.searchParams.get('sslmode');
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
  return {
    host: host || 'localhost',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    ssl: sslmode && sslmode !== 'disable' ? { rejectUnauthorized: sslmode === 'verify-full' } : undefined,
  };
}
