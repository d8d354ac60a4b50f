/**
 * Lexer for nats-server's configuration format.
 *
 * A state machine with the same states and the same character-level decisions as
 * nats-server 2.9's conf lexer, because its quirks are part of the format that
 * existing configs rely on (or trip over): `[1]` is an error there, `1kb` is a size,
 * a lone NUL counts as end of input, and so on. Each step reads runes and either
 * moves to another state or emits one item; a stack holds the state to resume
 * after a value, a comment or an include.
 */

export const enum Item {
  Error,
  EOF,
  Key,
  String,
  Bool,
  Integer,
  Float,
  Datetime,
  ArrayStart,
  ArrayEnd,
  MapStart,
  MapEnd,
  Variable,
  Include,
}

export interface Token {
  type: Item;
  val: string;
  /** Offset of the first character of the item (or of the error). */
  start: number;
  /** Offset where the lexer stood when it emitted the item. */
  end: number;
}

const enum S {
  Top,
  TopValueEnd,
  KeyStart,
  DubQuotedKey,
  QuotedKey,
  Key,
  KeyEnd,
  IncludeStart,
  Include,
  IncludeQuoted,
  IncludeDubQuoted,
  IncludeString,
  Value,
  ArrayValue,
  ArrayValueEnd,
  ArrayEnd,
  MapKeyStart,
  MapQuotedKey,
  MapDubQuotedKey,
  MapKey,
  MapKeyEnd,
  MapValue,
  MapValueEnd,
  MapEnd,
  QuotedString,
  DubQuotedString,
  String,
  Block,
  StringEscape,
  StringBinary,
  NumberStart,
  Number,
  ConvenientNumber,
  DateAfterYear,
  NegNumberStart,
  NegNumber,
  FloatStart,
  Float,
  IPAddr,
  Comment,
  Done,
}

/** End of input; a NUL character reads the same, as in nats-server. */
const EOF = 0;
const NL = 0x0a;
const CR = 0x0d;

const isWhitespace = (r: number): boolean => r === 0x20 || r === 0x09;
const isNL = (r: number): boolean => r === NL || r === CR;
const isKeySeparator = (r: number): boolean => r === 0x3d /* = */ || r === 0x3a; /* : */

const SPACE_RE = /\p{White_Space}/u;
const DIGIT_RE = /\p{Nd}/u;

/** Go's unicode.IsSpace: the Unicode White_Space property. */
function isSpace(r: number): boolean {
  if (r < 0x80) return r === 0x20 || (r >= 0x09 && r <= 0x0d);
  return SPACE_RE.test(String.fromCodePoint(r));
}

/** Go's unicode.IsDigit: any decimal digit (Nd), not only ASCII. */
export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return DIGIT_RE.test(String.fromCodePoint(r));
}

/** k, m, g, t, p, e in either case. */
function isNumberSuffix(r: number): boolean {
  switch (r | 0x20) {
    case 0x6b:
    case 0x6d:
    case 0x67:
    case 0x74:
    case 0x70:
    case 0x65:
      return r >= 0x41;
  }
  return false;
}

/** How nats-server shows a rune in an error: newlines escaped, the rest as is. */
function show(r: number): string {
  return r === NL ? '\\n' : String.fromCodePoint(r);
}

/** The datetime shape after "YYYY-": '0' is any digit, anything else must match. */
const DATE_SHAPE = '00-00T00:00:00Z';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export class Lexer {
  private pos = 0;
  private start = 0;
  private width = 0;
  private state: S = S.Top;
  private readonly stack: S[] = [];
  /** Escaped pieces of the string being lexed: text, or single bytes from \xHH. */
  private parts: (string | number)[] = [];
  /** State to return to after an escape: quoted or unquoted string. */
  private stringState: S = S.String;
  private readonly out: Token[] = [];

  constructor(private readonly input: string) {}

  /** The next item; after an Error or EOF item it keeps returning EOF. */
  nextItem(): Token {
    while (this.out.length === 0) {
      if (this.state === S.Done) return { type: Item.EOF, val: '', start: this.pos, end: this.pos };
      this.state = this.step(this.state);
    }
    return this.out.shift()!;
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    return r;
  }

  /** Steps back over the last rune read; like Go's, only once per next(). */
  private backup(): void {
    this.pos -= this.width;
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private ignore(): void {
    this.start = this.pos;
  }

  private push(s: S): void {
    this.stack.push(s);
  }

  private pop(): S {
    const s = this.stack.pop();
    return s === undefined ? this.error('BUG in lexer: no states to pop.') : s;
  }

  /** Emits what was read since the last emit/ignore, after any escaped pieces (which it uses up). */
  private emit(type: Item): void {
    const raw = this.input.slice(this.start, this.pos);
    let val = raw;
    if (this.parts.length > 0) {
      val = this.joinParts() + raw;
      this.parts = [];
    }
    this.out.push({ type, val, start: this.start, end: this.pos });
    this.start = this.pos;
  }

  /** Joins escaped pieces; runs of \xHH bytes are decoded together as UTF-8. */
  private joinParts(): string {
    let s = '';
    let bytes: number[] = [];
    for (const p of this.parts) {
      if (p === '') continue; // between two escapes; must not split a run of bytes
      if (typeof p === 'number') {
        bytes.push(p);
        continue;
      }
      if (bytes.length > 0) {
        s += utf8Decoder.decode(new Uint8Array(bytes));
        bytes = [];
      }
      s += p;
    }
    if (bytes.length > 0) s += utf8Decoder.decode(new Uint8Array(bytes));
    return s;
  }

  private addCurrentStringPart(offset: number): void {
    this.parts.push(this.input.slice(this.start, this.pos - offset));
    this.start = this.pos;
  }

  private addStringPart(s: string | number): S {
    this.parts.push(s);
    this.start = this.pos;
    return this.stringState;
  }

  private error(message: string): S {
    // Point at the offending character, or past it when it ended a line.
    const at = this.pos > 0 && this.input.charCodeAt(this.pos - 1) !== NL ? this.pos - 1 : this.pos;
    this.out.push({ type: Item.Error, val: message, start: at, end: this.pos });
    return S.Done;
  }

  private emitEOF(): S {
    this.emit(Item.EOF);
    return S.Done;
  }

  /** End of input where a value may end: an error if something is left unfinished. */
  private endOfInput(): S {
    if (this.pos > this.start) return this.error('Unexpected EOF.');
    return this.emitEOF();
  }

  /** Drops what was read (separators, opening quotes) and goes on in `next`. */
  private drop(next: S): S {
    this.ignore();
    return next;
  }

  /** Reads the rune just peeked, drops it and goes on in `next`. */
  private skip(next: S): S {
    this.next();
    this.ignore();
    return next;
  }

  /** The item ends before the rune just read (a terminator that belongs to what follows). */
  private endBefore(type: Item): S {
    this.backup();
    this.emit(type);
    return this.pop();
  }

  /** The item ends before the closing quote just read; the quote is dropped. */
  private endQuoted(type: Item): S {
    this.backup();
    this.emit(type);
    this.next();
    this.ignore();
    return this.pop();
  }

  /** Reads the second '/' of a "//" comment; if absent, steps back over it. */
  private slashComment(): boolean {
    if (this.next() === 0x2f) return true;
    this.backup();
    return false;
  }

  private comment(resume: S): S {
    this.push(resume);
    this.ignore();
    return S.Comment;
  }

  private isBool(): boolean {
    switch (this.input.slice(this.start, this.pos).toLowerCase()) {
      case 'true':
      case 'false':
      case 'on':
      case 'off':
      case 'yes':
      case 'no':
        return true;
    }
    return false;
  }

  private isVariable(): boolean {
    if (this.start < this.input.length && this.input.charCodeAt(this.start) === 0x24 /* $ */) {
      this.start += 1;
      return true;
    }
    return false;
  }

  /** After an unquoted key followed by a space: `include` starts an include. */
  private keyCheckKeyword(fallThrough: S, resume: S | null): S {
    if (this.input.slice(this.start, this.pos).toLowerCase() === 'include') {
      this.ignore();
      if (resume !== null) this.push(resume);
      return S.IncludeStart;
    }
    this.emit(Item.Key);
    return fallThrough;
  }

  private step(state: S): S {
    let r: number;
    switch (state) {
      case S.Top:
        r = this.next();
        if (isSpace(r)) return this.drop(S.Top);
        if (r === 0x7b /* { */) return this.drop(S.Top);
        if (r === 0x23 /* # */) return this.comment(S.Top);
        if (r === 0x2f /* / */ && this.slashComment()) return this.comment(S.Top);
        if (r === 0x2f || r === EOF) return this.endOfInput();
        this.backup();
        this.push(S.TopValueEnd);
        return S.KeyStart;

      case S.TopValueEnd:
        r = this.next();
        if (r === 0x23) return this.comment(S.Top);
        if (r === 0x2f) {
          // A lone '/' after a value is skipped, like whitespace.
          if (this.slashComment()) return this.comment(S.Top);
          return S.TopValueEnd;
        }
        if (isWhitespace(r)) return S.TopValueEnd;
        if (isNL(r) || r === EOF || r === 0x3b /* ; */ || r === 0x2c /* , */ || r === 0x7d /* } */) return this.drop(S.Top);
        return this.error(`Expected a top-level value to end with a new line, comment or EOF, but got '${show(r)}' instead.`);

      case S.KeyStart:
        r = this.peek();
        if (isKeySeparator(r)) return this.error(`Unexpected key separator '${show(r)}'`);
        if (isSpace(r)) return this.skip(S.KeyStart);
        if (r === 0x22 /* " */) return this.skip(S.DubQuotedKey);
        if (r === 0x27 /* ' */) return this.skip(S.QuotedKey);
        this.ignore();
        this.next();
        return S.Key;

      case S.DubQuotedKey:
      case S.QuotedKey: {
        const quote = state === S.DubQuotedKey ? 0x22 : 0x27;
        r = this.peek();
        if (r === quote) {
          this.emit(Item.Key);
          this.next();
          this.ignore();
          return S.KeyEnd;
        }
        if (r === EOF) return this.endOfInput();
        this.next();
        return state;
      }

      case S.Key:
        r = this.peek();
        if (isSpace(r)) return this.keyCheckKeyword(S.KeyEnd, null);
        if (isKeySeparator(r) || r === EOF) {
          this.emit(Item.Key);
          return S.KeyEnd;
        }
        this.next();
        return S.Key;

      case S.KeyEnd:
        r = this.next();
        if (isSpace(r)) return this.drop(S.KeyEnd);
        if (isKeySeparator(r)) return this.drop(S.Value);
        if (r === EOF) return this.emitEOF();
        this.backup();
        return S.Value;

      case S.IncludeStart:
        r = this.next();
        if (isWhitespace(r)) return this.drop(S.IncludeStart);
        this.backup();
        return S.Include;

      case S.Include:
        r = this.next();
        if (r === 0x27) return this.drop(S.IncludeQuoted);
        if (r === 0x22) return this.drop(S.IncludeDubQuoted);
        if (r === 0x5b /* [ */) return this.error('Expected include value but found start of an array');
        if (r === 0x7b) return this.error('Expected include value but found start of a map');
        if (r === 0x28 /* ( */) return this.error('Expected include value but found start of a block');
        if (isDigit(r) || r === 0x2d /* - */) return this.error('Expected include value but found start of a number');
        if (r === 0x5c /* \ */) return this.error('Expected include value but found escape sequence');
        if (isNL(r)) return this.error('Expected include value but found new line');
        this.backup();
        return S.IncludeString;

      case S.IncludeQuoted:
      case S.IncludeDubQuoted: {
        const quote = state === S.IncludeDubQuoted ? 0x22 : 0x27;
        r = this.next();
        if (r === quote) return this.endQuoted(Item.Include);
        if (r === EOF) {
          return this.error(state === S.IncludeDubQuoted ? 'Unexpected EOF in double quoted include' : 'Unexpected EOF in quoted include');
        }
        return state;
      }

      case S.IncludeString:
        r = this.next();
        if (isNL(r) || r === EOF || r === 0x3b || r === 0x7d || isWhitespace(r)) {
          return this.endBefore(Item.Include);
        }
        if (r === 0x27) return this.endQuoted(Item.Include);
        return S.IncludeString;

      case S.Value:
        // Whitespace may precede a value, but not a new line.
        r = this.next();
        if (isWhitespace(r)) return this.drop(S.Value);
        if (r === 0x5b) {
          this.ignore();
          this.emit(Item.ArrayStart);
          return S.ArrayValue;
        }
        if (r === 0x7b) {
          this.ignore();
          this.emit(Item.MapStart);
          return S.MapKeyStart;
        }
        if (r === 0x27) return this.drop(S.QuotedString);
        if (r === 0x22) {
          this.ignore();
          this.stringState = S.DubQuotedString;
          return S.DubQuotedString;
        }
        if (r === 0x2d) return S.NegNumberStart;
        if (r === 0x28) return this.drop(S.Block);
        if (isDigit(r)) {
          this.backup();
          return S.NumberStart;
        }
        if (r === 0x2e /* . */) return this.error('Floats must start with a digit');
        if (isNL(r)) return this.error('Expected value but found new line');
        this.backup();
        this.stringState = S.String;
        return S.String;

      case S.ArrayValue:
        r = this.next();
        if (isSpace(r)) return this.drop(S.ArrayValue);
        if (r === 0x23) return this.comment(S.ArrayValue);
        if (r === 0x2f && this.slashComment()) return this.comment(S.ArrayValue);
        if (r === 0x2f || r === 0x2c) return this.error("Unexpected array value terminator ','.");
        if (r === 0x5d /* ] */) return S.ArrayEnd;
        this.backup();
        this.push(S.ArrayValueEnd);
        return S.Value;

      case S.ArrayValueEnd:
        r = this.next();
        if (isWhitespace(r)) return this.drop(S.ArrayValueEnd);
        if (r === 0x23) return this.comment(S.ArrayValueEnd);
        if (r === 0x2f && this.slashComment()) return this.comment(S.ArrayValueEnd);
        if (r === 0x2f || r === 0x2c || isNL(r)) return this.drop(S.ArrayValue);
        if (r === 0x5d) return S.ArrayEnd;
        return this.error(`Expected an array value terminator "," or an array terminator "]", but got '${show(r)}' instead.`);

      case S.ArrayEnd:
        this.ignore();
        this.emit(Item.ArrayEnd);
        return this.pop();

      case S.MapKeyStart:
        r = this.peek();
        if (isKeySeparator(r)) return this.error(`Unexpected key separator '${show(r)}'.`);
        if (r === 0x5d) return this.error(`Unexpected array end '${show(r)}' processing map.`);
        if (isSpace(r)) return this.skip(S.MapKeyStart);
        if (r === 0x7d) return this.skip(S.MapEnd);
        if (r === 0x23) {
          this.next();
          return this.comment(S.MapKeyStart);
        }
        if (r === 0x2f) {
          this.next();
          if (this.slashComment()) return this.comment(S.MapKeyStart);
          // Not a comment: the '/' is dropped and the key starts after it.
        } else if (r === 0x27) {
          return this.skip(S.MapQuotedKey);
        } else if (r === 0x22) {
          return this.skip(S.MapDubQuotedKey);
        } else if (r === EOF) {
          return this.error('Unexpected EOF processing map.');
        }
        this.ignore();
        this.next();
        return S.MapKey;

      case S.MapQuotedKey:
      case S.MapDubQuotedKey: {
        const dub = state === S.MapDubQuotedKey;
        r = this.peek();
        if (r === EOF) {
          return this.error(dub ? 'Unexpected EOF processing double quoted map key.' : 'Unexpected EOF processing quoted map key.');
        }
        if (r === (dub ? 0x22 : 0x27)) {
          this.emit(Item.Key);
          this.next();
          this.ignore();
          return S.MapKeyEnd;
        }
        this.next();
        return state;
      }

      case S.MapKey:
        r = this.peek();
        if (r === EOF) return this.error('Unexpected EOF processing map key.');
        if (isSpace(r)) return this.keyCheckKeyword(S.MapKeyEnd, S.MapValueEnd);
        if (isKeySeparator(r)) {
          this.emit(Item.Key);
          return S.MapKeyEnd;
        }
        this.next();
        return S.MapKey;

      case S.MapKeyEnd:
        r = this.next();
        if (isSpace(r)) return this.drop(S.MapKeyEnd);
        if (isKeySeparator(r)) return this.drop(S.MapValue);
        this.backup();
        return S.MapValue;

      case S.MapValue:
        r = this.next();
        if (isSpace(r)) return this.drop(S.MapValue);
        if (r === 0x2c) return this.error('Unexpected map value terminator ",".');
        if (r === 0x7d) return this.drop(S.MapEnd);
        this.backup();
        this.push(S.MapValueEnd);
        return S.Value;

      case S.MapValueEnd:
        r = this.next();
        if (isWhitespace(r)) return this.drop(S.MapValueEnd);
        if (r === 0x23) return this.comment(S.MapValueEnd);
        if (r === 0x2f && this.slashComment()) return this.comment(S.MapValueEnd);
        if (r === 0x2f || r === 0x3b || r === 0x2c || isNL(r)) return this.drop(S.MapKeyStart);
        if (r === 0x7d) return this.drop(S.MapEnd);
        return this.error(`Expected a map value terminator "," or a map terminator "}", but got '${show(r)}' instead.`);

      case S.MapEnd:
        this.ignore();
        this.emit(Item.MapEnd);
        return this.pop();

      case S.QuotedString:
        r = this.next();
        if (r === 0x27) return this.endQuoted(Item.String);
        if (r === EOF) return this.endOfInput();
        return S.QuotedString;

      case S.DubQuotedString:
        r = this.next();
        if (r === 0x5c) {
          this.addCurrentStringPart(1);
          return S.StringEscape;
        }
        if (r === 0x22) return this.endQuoted(Item.String);
        if (r === EOF) return this.endOfInput();
        return S.DubQuotedString;

      case S.String:
        r = this.next();
        if (r === 0x5c) {
          this.addCurrentStringPart(1);
          return S.StringEscape;
        }
        if (isNL(r) || r === EOF || r === 0x3b || r === 0x2c || r === 0x5d || r === 0x7d || isWhitespace(r)) {
          this.backup();
          if (this.parts.length > 0) this.emit(Item.String);
          else if (this.isBool()) this.emit(Item.Bool);
          else if (this.isVariable()) this.emit(Item.Variable);
          else this.emit(Item.String);
          return this.pop();
        }
        if (r === 0x27) return this.endQuoted(Item.String);
        return S.String;

      case S.Block:
        // A block ends at a ')' alone on its line.
        r = this.next();
        if (r === 0x29 /* ) */) {
          this.backup();
          this.backup();
          if (this.next() !== NL) {
            this.next();
            return S.Block;
          }
          this.next();
          const after = this.next();
          if (after === NL || after === EOF) {
            this.backup(); // back over the line end: the ')' closes the block as a quote closes a string
            return this.endQuoted(Item.String);
          }
          this.backup();
          return S.Block;
        }
        if (r === EOF) return this.error('Unexpected EOF processing block.');
        return S.Block;

      case S.StringEscape:
        r = this.next();
        switch (r) {
          case 0x78 /* x */:
            return S.StringBinary;
          case 0x74 /* t */:
            return this.addStringPart('\t');
          case 0x6e /* n */:
            return this.addStringPart('\n');
          case 0x72 /* r */:
            return this.addStringPart('\r');
          case 0x22:
            return this.addStringPart('"');
          case 0x5c:
            return this.addStringPart('\\');
        }
        return this.error(`Invalid escape character '${show(r)}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\", \\\\.`);

      case S.StringBinary: {
        const eol = "Expected two hexadecimal digits after '\\x', but hit end of line";
        if (isNL(this.next())) return this.error(eol);
        if (isNL(this.next())) return this.error(eol);
        // Go takes the last two bytes, which may be pieces of a multi-byte character.
        const bytes = utf8.encode(this.input.slice(Math.max(0, this.pos - 4), this.pos)).subarray(-2);
        const hex = String.fromCharCode(...bytes);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
          return this.error(`Expected two hexadecimal digits after '\\x', but got '${utf8Decoder.decode(bytes)}'`);
        }
        return this.addStringPart(parseInt(hex, 16));
      }

      case S.NumberStart:
      case S.NegNumberStart:
        r = this.next();
        if (!isDigit(r)) {
          if (r === 0x2e) return this.error("Floats must start with a digit, not '.'.");
          return this.error(`Expected a digit but got '${show(r)}'.`);
        }
        return state === S.NumberStart ? S.Number : S.NegNumber;

      case S.Number:
        r = this.next();
        if (r === 0x2d) {
          // A '-' after exactly four digits (bytes, as Go counts) starts a date.
          if (utf8.encode(this.input.slice(this.start, this.pos)).length !== 5) {
            return this.error('All ISO8601 dates must be in full Zulu form.');
          }
          return S.DateAfterYear;
        }
        if (isDigit(r)) return S.Number;
        if (r === 0x2e) return S.FloatStart; // a float, or an IP address
        if (isNumberSuffix(r)) return S.ConvenientNumber;
        if (!(isNL(r) || r === EOF || r === 0x7d || r === 0x3b || r === 0x2c || isWhitespace(r))) {
          // Starts with a digit but is not a number: an unquoted string.
          this.stringState = S.String;
          return S.String;
        }
        return this.endBefore(Item.Integer);

      case S.ConvenientNumber:
        r = this.next();
        if (r === 0x62 || r === 0x42 || r === 0x69 || r === 0x49 /* b B i I */) return S.ConvenientNumber;
        this.backup();
        if (isNL(r) || r === EOF || r === 0x7d || r === 0x3b || r === 0x2c || isWhitespace(r) || isDigit(r)) {
          this.emit(Item.Integer);
          return this.pop();
        }
        this.stringState = S.String;
        return S.String;

      case S.DateAfterYear:
        for (let i = 0; i < DATE_SHAPE.length; i++) {
          const f = DATE_SHAPE.charCodeAt(i);
          r = this.next();
          if (f === 0x30) {
            if (!isDigit(r)) return this.error(`Expected digit in ISO8601 datetime, but found '${show(r)}' instead.`);
          } else if (f !== r) {
            return this.error(`Expected '${show(f)}' in ISO8601 datetime, but found '${show(r)}' instead.`);
          }
        }
        this.emit(Item.Datetime);
        return this.pop();

      case S.NegNumber:
        r = this.next();
        if (isDigit(r)) return S.NegNumber;
        if (r === 0x2e) return S.FloatStart;
        if (isNumberSuffix(r)) return S.ConvenientNumber;
        return this.endBefore(Item.Integer);

      case S.FloatStart:
        r = this.next();
        if (!isDigit(r)) return this.error(`Floats must have a digit after the '.', but got '${show(r)}' instead.`);
        return S.Float;

      case S.Float:
        r = this.next();
        if (isDigit(r)) return S.Float;
        if (r === 0x2e) return S.IPAddr; // a second '.': not a float after all
        return this.endBefore(Item.Float);

      case S.IPAddr:
        r = this.next();
        if (isDigit(r) || r === 0x2e || r === 0x3a || r === 0x2d) return S.IPAddr;
        return this.endBefore(Item.String);

      case S.Comment:
        r = this.peek();
        if (isNL(r) || r === EOF) return this.drop(this.pop());
        this.next();
        return S.Comment;

      case S.Done:
        return S.Done;
    }
  }
}
