// A reader for the protobuf text format of Triton's config.pbtxt (messages, lists, scalars, enums,
// strings, # comments). Without the schema a field cannot be known to be repeated, so every field
// maps to the list of its values.
export type PbValue = string | number | boolean | PbMessage;
export interface PbMessage {
  [field: string]: PbValue[];
}

type Token = { kind: 'punct' | 'ident' | 'number' | 'string'; text: string; at: number };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A quoted string's contents with C-style escapes (\n, \", \x41, \101) resolved. */
function unquote(q: string): string {
  return q.slice(1, -1).replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s+|#[^\n]*|([{}[\]:,;<>])|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+|inf|nan)f?)(?![\w.])|([A-Za-z_][\w.]*)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length) {
    const at = re.lastIndex;
    if (!(m = re.exec(src))) throw new Error(`pbtxt: unexpected character ${JSON.stringify(src[at])} at offset ${at}`);
    if (m[1]) out.push({ kind: 'punct', text: m[1], at });
    else if (m[2]) out.push({ kind: 'string', text: unquote(m[2]), at });
    else if (m[3]) out.push({ kind: 'number', text: m[3], at });
    else if (m[4]) out.push({ kind: 'ident', text: m[4], at });
  }
  return out;
}

/** Parse text-format protobuf into nested records of value lists. */
export function parsePbtxt(src: string): PbMessage {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const fail = (what: string): never => {
    throw new Error(`pbtxt: expected ${what} at offset ${peek()?.at ?? src.length}${peek() ? `, got '${peek()!.text}'` : ''}`);
  };
  const take = (text: string): boolean => (peek()?.text === text && peek()!.kind === 'punct' ? (i++, true) : false);

  const scalar = (): PbValue => {
    const t = toks[i++] ?? fail('a value');
    if (t.kind === 'string') {
      let s = t.text;
      while (peek()?.kind === 'string') s += toks[i++]!.text; // adjacent strings concatenate
      return s;
    }
    if (t.kind === 'number') return Number(t.text.replace(/f$/, '').replace(/^(-?)inf$/, '$1Infinity').replace(/^-?nan$/, 'NaN'));
    if (t.kind === 'ident') return t.text === 'true' ? true : t.text === 'false' ? false : t.text;
    return fail('a value');
  };
  const value = (): PbValue => (take('{') ? message('}') : take('<') ? message('>') : scalar());

  function message(end: string | null): PbMessage {
    const msg: PbMessage = {};
    for (;;) {
      if (end === null ? i >= toks.length : take(end)) return msg;
      const name = toks[i++];
      if (!name || name.kind !== 'ident') fail('a field name');
      const colon = take(':');
      const list = msg[name!.text] ??= [];
      if (take('[')) {
        if (!take(']')) {
          do list.push(value()); while (take(','));
          if (!take(']')) fail("',' or ']'");
        }
      } else if (colon || peek()?.text === '{' || peek()?.text === '<') {
        list.push(value());
      } else {
        fail(`':' after field '${name!.text}'`);
      }
      take(',') || take(';');
    }
  }
  return message(null);
}

/** The single value of a field, or undefined. */
export function field<T extends PbValue>(msg: PbMessage, name: string): T | undefined {
  const v = msg[name];
  if (v && v.length > 1) throw new Error(`pbtxt: field '${name}' appears ${v.length} times, expected once`);
  return v?.[0] as T | undefined;
}
