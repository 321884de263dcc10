/**
 * Values that start with a dash. yargs reads `--array -8x8` as the flags -8 and -x ("Unknown
 * arguments: 8, x"), so a user who typed a negative size learns nothing about it. uboost has no
 * short flags, so a single-dash word right after a long flag can only be that flag's value: it is
 * joined to it (`--array=-8x8`) before yargs parses, and the flag's own check then says what is
 * wrong with it. A switch (boolean flag) takes no value at all, which yargs would silently read as
 * false: refused here instead.
 */
import type { Arguments } from "yargs";
import { InputError } from "../../errors.js";

const longFlagWithoutValue = /^--[^-=][^=]*$/;
const singleDashWord = /^-[^-]/;

/** The command line with each dash-led value joined to the long flag before it. */
export function joinDashValues(tokens: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    // after "--" everything is positional, as yargs reads it
    if (token === "--") return [...joined, ...tokens.slice(i)];
    const next = tokens[i + 1];
    if (longFlagWithoutValue.test(token) && next !== undefined && singleDashWord.test(next)) {
      joined.push(`${token}=${next}`);
      i++;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

/** yargs middleware: `--json=yes` or `--resume=-1` is refused rather than read as false. */
export function refuseSwitchValues(tokens: readonly string[]) {
  return (_argv: Arguments, yargs?: unknown): void => {
    // yargs passes itself as the second argument (not in @types/yargs): its options are the command's
    const switches = new Set(
      (yargs as { getOptions(): { boolean: string[] } }).getOptions().boolean,
    );
    const end = tokens.indexOf("--");
    for (const token of end === -1 ? tokens : tokens.slice(0, end)) {
      const match = /^--(?:no-)?([^=]+)=(.*)$/s.exec(token);
      if (match === null || !switches.has(match[1])) continue;
      if (match[2] === "true" || match[2] === "false") continue;
      throw new InputError(
        `--${match[1]}: a switch, takes no value (got ${JSON.stringify(match[2])})`,
      );
    }
  };
}
