/**
 * JSON with comments and trailing commas, as `ligero.jsonc` is written. Comments and trailing
 * commas are blanked out in place and the rest goes to JSON.parse, so an error's offset is the
 * file's own. Ours rather than jsonc-parser: that package is CommonJS, and the first CommonJS
 * module brings Deno's CommonJS loader into the process (an idle server −0.8 MiB without it,
 * docs/memory.md).
 */

export class JsoncError extends SyntaxError {
  override name = "JsoncError";

  constructor(message: string, readonly line: number) {
    super(message);
  }
}

export function parseJsonc(text: string): unknown {
  const json = blankCommentsAndTrailingCommas(text);
  try {
    return JSON.parse(json);
  } catch (e) {
    const message = (e as Error).message;
    const at = / at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    throw new JsoncError(message.replace(at?.[0] ?? "", ""), lineAt(text, offset));
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/** The text with every comment and trailing comma replaced by spaces (newlines kept). */
function blankCommentsAndTrailingCommas(text: string): string {
  const out = text.split("");
  let comma = -1; // a comma that is trailing if the next token closes an object or array
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      comma = -1;
      for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) {
        if (text[i] === "\\") i++;
      }
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) throw new JsoncError("unterminated comment", lineAt(text, i));
      blank(i, end + 2);
      i = end + 2;
    } else {
      if ((c === "}" || c === "]") && comma !== -1) out[comma] = " ";
      // a second comma in a row is an error for JSON.parse to report, so neither is blanked
      if (c === ",") comma = comma === -1 ? i : -1;
      else if (!/\s/.test(c)) comma = -1;
      i++;
    }
  }
  return out.join("");
}
