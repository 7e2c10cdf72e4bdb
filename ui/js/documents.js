/**
 * The document library: upload by drop or picker, ingestion progress from each document's
 * event stream, the list with status, delete.
 */
import { events, json, request } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

const docs = new Map();
const following = new Set();
let listEl;
let say;

/** Wires the drop zone and picker; `announce` shows a status line. */
export function initDocuments({ list, drop, input, announce }) {
  listEl = list;
  say = announce;
  input.addEventListener("change", () => {
    uploadAll([...input.files]);
    input.value = "";
  });
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    uploadAll([...e.dataTransfer.files]);
  });
}

export async function refreshDocuments() {
  const body = await json("GET", "/documents?limit=200");
  docs.clear();
  for (const doc of body.documents) {
    docs.set(doc.id, doc);
    if (doc.status === "queued" || doc.status === "processing") follow(doc.id);
  }
  render();
}

/** The title of a document, for citations. */
export function documentTitle(id) {
  return docs.get(id)?.title;
}

async function uploadAll(files) {
  for (const file of files) {
    say(t().uploading(file.name));
    const form = new FormData();
    form.append("file", file);
    try {
      const res = await request("POST", "/documents", form);
      const { document, duplicate } = await res.json();
      docs.set(document.id, document);
      render();
      say(duplicate ? t().duplicate(file.name) : "");
      if (!duplicate) follow(document.id);
    } catch (e) {
      say(t().error(e.message));
    }
  }
}

/** Follows a document's progress events until it is ready or failed. */
async function follow(id) {
  if (following.has(id)) return;
  following.add(id);
  try {
    const res = await request("GET", `/documents/${encodeURIComponent(id)}/events`);
    await events(res, (_name, progress) => {
      const doc = docs.get(id);
      if (!doc) return;
      doc.status = progress.status;
      doc.progress = { pagesDone: progress.pagesDone, pagesTotal: progress.pagesTotal };
      if (progress.error) doc.error = progress.error;
      render();
    });
    // the final record carries chunk and page counts
    const { document } = await json("GET", `/documents/${encodeURIComponent(id)}`);
    if (docs.has(id)) docs.set(id, document);
    render();
    // announced once when it settles, not at every page: the list itself is not a live region
    say(`${document.title}: ${t().status[document.status] ?? document.status}`);
  } catch (e) {
    say(t().error(e.message));
  } finally {
    following.delete(id);
  }
}

async function remove(doc) {
  if (!confirm(t().confirmDelete(doc.title))) return;
  try {
    await json("DELETE", `/documents/${encodeURIComponent(doc.id)}`);
    docs.delete(doc.id);
    render();
  } catch (e) {
    say(t().error(e.message));
  }
}

function render() {
  const s = t();
  if (docs.size === 0) {
    listEl.replaceChildren(h("li", { class: "empty" }, s.noDocuments));
    return;
  }
  listEl.replaceChildren(...[...docs.values()].map((doc) => {
    const { pagesDone, pagesTotal } = doc.progress;
    const busy = doc.status === "queued" || doc.status === "processing";
    return h(
      "li",
      { class: `doc ${doc.status}`, dataset: { id: doc.id, status: doc.status } },
      h("span", { class: "title" }, doc.title),
      h("span", { class: "badge" }, s.status[doc.status] ?? doc.status),
      busy && pagesTotal > 0 && h("progress", {
        max: pagesTotal,
        value: pagesDone,
        "aria-label": s.pages(pagesDone, pagesTotal),
      }),
      busy && pagesTotal === 0 && h("progress", { "aria-label": s.status[doc.status] }),
      doc.status === "failed" && doc.error && h("span", { class: "error" }, doc.error.message),
      h("button", {
        type: "button",
        class: "icon",
        "aria-label": s.deleteDoc(doc.title),
        title: s.delete,
        onclick: () => remove(doc),
      }, "×"),
    );
  }));
}

/** Re-renders after a language switch. */
export { render as renderDocuments };
