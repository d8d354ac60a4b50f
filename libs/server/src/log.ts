import { appendFileSync } from 'node:fs';
import type { Logger } from '@switchboard/config';

/** nats-server's log levels and their tags. */
export type LogLevel = 'INF' | 'WRN' | 'ERR' | 'FTL' | 'DBG' | 'TRC';

/**
 * The broker's log: nats-server's levels and line format. `debug` and `trace` are read once,
 * so hot paths test a plain field before building a line. ServerLogger also serves as the
 * shared Logger (@switchboard/config) for the libraries the broker hands it to.
 */
export interface ServerLog {
  log(level: LogLevel, message: string): void;
  readonly debug: boolean;
  readonly trace: boolean;
}

export interface LogOptions {
  debug?: boolean;
  trace?: boolean;
  /** Prefix lines with the date (nats-server's logtime, default on). */
  time?: boolean;
  /** Append to this file instead of stderr. */
  file?: string;
}

/** Lines as nats-server writes them: `[pid] 2006/01/02 15:04:05.000000 [INF] message`. */
export class ServerLogger implements ServerLog, Logger {
  readonly debug: boolean;
  readonly trace: boolean;
  private readonly prefix = `[${process.pid}] `;
  private readonly time: boolean;
  private readonly file: string;

  constructor(opts: LogOptions = {}) {
    this.debug = opts.debug ?? false;
    this.trace = opts.trace ?? false;
    this.time = opts.time ?? true;
    this.file = opts.file ?? '';
  }

  log(level: LogLevel, message: string): void {
    if ((level === 'DBG' && !this.debug) || (level === 'TRC' && !this.trace)) return;
    const line = `${this.prefix}${this.time ? formatTime(new Date()) + ' ' : ''}[${level}] ${message}\n`;
    if (this.file) appendFileSync(this.file, line);
    else process.stderr.write(line);
  }

  info(message: string): void {
    this.log('INF', message);
  }
  warn(message: string): void {
    this.log('WRN', message);
  }
  error(message: string): void {
    this.log('ERR', message);
  }
}

/** Discards everything (tests). */
export const silentLogger: ServerLog = { log() {}, debug: false, trace: false };

function formatTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`
  );
}
