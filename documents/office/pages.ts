/**
 * The text of an Office document as it is read, cut into pages where the format marks one.
 * Paragraphs are separated by a blank line (where the chunker may close a chunk); list items
 * (after their marker, "-" for a bullet) and table rows in a run stay one block, a line each.
 * Notes referenced on a page are written at that page's end, as a printed page shows them.
 */

export interface OfficeText {
  /** Page 1 first; a page may be empty (a slide with only a picture). */
  pages: string[];
  title?: string;
}

/** "item" and "row" blocks of the same kind in a row stay together, one line each. */
export type BlockKind = "paragraph" | "item" | "row";

/**
 * "hard": always a new page (a slide, Word's page break character).
 * "soft": a new page unless this one has no text yet. Where the editor's last layout started a
 * page (Word also marks the page its own page break has just started) and "page break before"
 * paragraph formatting, which does nothing at the top of a page.
 */
export type BreakKind = "hard" | "soft";

/** A list marker's most characters ("1.2.3.4." is 8): its format is the upload's to choose. */
const MARKER_CHARACTERS = 16;

export class PageWriter {
  readonly #pages: string[] = [];
  #page = "";
  #line = "";
  #last: BlockKind | undefined;
  #notes: string[] = [];

  text(text: string): void {
    this.#line += text;
  }

  /** Ends the block being written (a paragraph, a list item, a table row). */
  end(kind: BlockKind, marker = "-"): void {
    let text = this.#line.replace(/[ \t\u00a0]+/g, " ").replace(/ *\n */g, "\n").trim();
    this.#line = "";
    if (!text) return;
    if (kind === "item") text = `${marker.slice(0, MARKER_CHARACTERS)} ${text}`;
    const together = kind !== "paragraph" && kind === this.#last;
    this.#page += this.#page ? (together ? "\n" : "\n\n") + text : text;
    this.#last = kind;
  }

  note(text: string): void {
    const note = text.trim();
    if (note) this.#notes.push(note);
  }

  pageBreak(kind: BreakKind): void {
    if (kind === "soft" && !this.#page && !this.#line.trim()) return;
    this.end("paragraph"); // a paragraph split by the break: its first part ends this page
    this.#pages.push(this.#pageText());
    this.#page = "";
    this.#last = undefined;
  }

  /** Every page, the last one included even when empty (a final break shows a blank page). */
  finish(): string[] {
    this.end("paragraph");
    this.#pages.push(this.#pageText());
    return this.#pages;
  }

  #pageText(): string {
    const notes = this.#notes.join("\n");
    this.#notes = [];
    return notes ? (this.#page ? `${this.#page}\n\n${notes}` : notes) : this.#page;
  }
}
