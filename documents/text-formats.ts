/**
 * Plain text out of the text formats, with well-kept parsers rather than regexes:
 * htmlparser2 for HTML (tolerant of broken markup, streaming, no DOM kept), marked's lexer for
 * Markdown.
 */
import { Parser } from "htmlparser2";
import { lexer, type Token, type Tokens } from "marked";

const SKIPPED_HTML = new Set(["script", "style", "noscript", "template", "svg", "head"]);
const BLOCK_HTML = new Set([
  "p",
  "div",
  "br",
  "li",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "section",
  "article",
  "header",
  "footer",
  "blockquote",
  "pre",
  "table",
  "ul",
  "ol",
  "dd",
  "dt",
  "hr",
]);

export function htmlToText(html: string): { text: string; title?: string } {
  let text = "";
  let title = "";
  let skipDepth = 0;
  let inTitle = false;
  const parser = new Parser({
    onopentag(name) {
      if (name === "title") inTitle = true;
      if (SKIPPED_HTML.has(name)) skipDepth++;
      if (BLOCK_HTML.has(name)) text += "\n";
    },
    ontext(data) {
      if (inTitle) title += data;
      else if (skipDepth === 0) text += data;
    },
    onclosetag(name) {
      if (name === "title") inTitle = false;
      if (SKIPPED_HTML.has(name)) skipDepth = Math.max(0, skipDepth - 1);
      if (BLOCK_HTML.has(name)) text += "\n";
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return { text: tidy(text), title: title.trim() || undefined };
}

export function markdownToText(markdown: string): { text: string; title?: string } {
  const tokens = lexer(markdown);
  const heading = tokens.find((t): t is Tokens.Heading => t.type === "heading" && t.depth === 1);
  return { text: tidy(tokens.map(tokenText).join("\n\n")), title: heading?.text };
}

function tokenText(token: Token): string {
  if (token.type === "code") return (token as Tokens.Code).text;
  if (token.type === "space" || token.type === "hr" || token.type === "html") return "";
  if ("tokens" in token && token.tokens?.length) return token.tokens.map(tokenText).join("");
  if ("items" in token) return (token as Tokens.List).items.map(tokenText).join("\n");
  if (token.type === "table") {
    const table = token as Tokens.Table;
    return [table.header, ...table.rows].map((row) => row.map((c) => c.text).join(" | ")).join(
      "\n",
    );
  }
  return "text" in token ? String(token.text) : "";
}

/** Collapses runs of spaces and blank lines while keeping paragraph breaks. */
function tidy(text: string): string {
  return text
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
