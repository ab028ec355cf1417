// Text from outside (system names from the API, error messages, job failure reasons) printed on an
// operator's terminal. A newline in it breaks a table; an ESC starts a sequence the terminal obeys
// (colours, cursor moves, a rewritten title, OSC 8 links); a bidi override turns the rest of the
// line around. Every human-readable output passes such text through `terminalSafe`: the JSON
// outputs need nothing, JSON.stringify escapes control characters already.

/**
 * C0 controls (with TAB, LF, CR and ESC), DEL, C1 controls (with CSI U+009B) and the bidi
 * controls (LRE…RLO, LRI…PDI, LRM, RLM, ALM).
 */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** One unsafe character as text that shows what it was: `\n`, `\e`, `\x01`, `\u202e`. */
function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character written out visibly (pure): one line, nothing a terminal
 * interprets. Printable text, accents and emoji pass unchanged; a backslash is left alone, so the
 * result is for reading, not for parsing back (the JSON outputs are for that).
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}
