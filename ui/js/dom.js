/**
 * Builds DOM nodes from data. Server text only ever enters the page as text nodes, so nothing
 * it contains can become markup; `marked` is the one exception (see below).
 */

/** `h("button", { type: "button", onclick }, "text", child)`: an element with children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/**
 * A snippet whose only markup is `<mark>`: the store escapes the text and adds the marks.
 * Rebuilt node by node anyway, so a snippet that broke that promise still shows as text.
 */
export function marked(snippet) {
  const parts = snippet.split(/(<mark>|<\/mark>)/);
  const out = [];
  let inMark = false;
  for (const part of parts) {
    if (part === "<mark>") inMark = true;
    else if (part === "</mark>") inMark = false;
    else if (part) {
      const text = unescape(part);
      out.push(inMark ? h("mark", {}, text) : document.createTextNode(text));
    }
  }
  return out;
}

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

function unescape(text) {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
}

/** Formats a byte count for people: 1.5 MB. */
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let value = n / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}
