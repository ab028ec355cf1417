// Reading `.env`: its variables, and the lines dotenv would skip without a word.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';

export type Env = Record<string, string | undefined>;

/** A `.env` file's variables and the numbers of the lines that are not `NAME=value`. */
export interface DotenvFile {
  values: Env;
  badLines: number[];
}

/** A line dotenv reads as a variable: `NAME=value`, `NAME: value`, optionally after `export`. */
const ASSIGNMENT = /^\s*(?:export\s+)?[\w.-]+(?:\s*=|:\s)/;

/**
 * The lines of a `.env` text that dotenv skips without a word (pure): not blank, not a comment,
 * not an assignment, not inside a quoted value that spans lines. Only numbers: a bad line may hold
 * a secret (a value pasted without its name).
 */
export function unparsedDotenvLines(text: string): number[] {
  const bad: number[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (openQuote !== undefined) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    if (!ASSIGNMENT.test(line)) {
      bad.push(i + 1);
      return;
    }
    // A quoted value that does not close on its own line continues on the next ones.
    const value = line.replace(ASSIGNMENT, '').trimStart();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) === -1)
      openQuote = quote;
  });
  return bad;
}

export function readDotenv(dotenvPath: string): DotenvFile {
  if (!existsSync(dotenvPath)) return { values: {}, badLines: [] };
  const text = readFileSync(dotenvPath, 'utf8');
  return { values: parseDotenv(text), badLines: unparsedDotenvLines(text) };
}

/** The environment as the service sees it: `.env` (if any) overlaid by the real environment. */
export function readEnv(env: Env = process.env, dotenvPath = '.env'): Env {
  return { ...readDotenv(dotenvPath).values, ...env };
}
