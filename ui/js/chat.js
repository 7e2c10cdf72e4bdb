/**
 * The chat: asks POST /chat, shows the answer as its tokens arrive, turns each `[n]` into a
 * button that opens the cited page, lists the sources under the answer.
 */
import { events, json, request } from "./api.js";
import { h, marked } from "./dom.js";
import { t } from "./i18n.js";

const CITATION = /\[(\d{1,3})\]/g;

let els;
let conversationId;
let onAnswered;

/** `elements`: messages, form, question, send, stop, dialog, pageTitle, pageText. */
export function initChat(elements, answered) {
  els = elements;
  onAnswered = answered;
  els.form.addEventListener("submit", (e) => {
    e.preventDefault();
    ask(els.question.value.trim());
  });
  // Enter sends, Shift+Enter breaks the line, as in most chat boxes
  els.question.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      els.form.requestSubmit();
    }
  });
}

export function currentConversation() {
  return conversationId;
}

/** Shows a stored conversation (or a blank one for `undefined`). */
export async function openConversation(id) {
  conversationId = id;
  els.messages.replaceChildren();
  if (!id) return;
  const { messages } = await json("GET", `/conversations/${encodeURIComponent(id)}`);
  for (const m of messages) {
    if (m.role === "user") els.messages.append(bubble("user", m.content));
    // stored answers keep their [n] markers as text: the sources of old turns are not kept
    else if (m.role === "assistant") els.messages.append(bubble("assistant", m.content));
  }
  els.messages.lastElementChild?.scrollIntoView({ block: "end" });
}

async function ask(message) {
  if (!message) return;
  const s = t();
  els.question.value = "";
  els.send.disabled = true;
  // stopping closes the stream; the server then aborts the model call
  const stop = new AbortController();
  els.stop.hidden = false;
  els.stop.onclick = () => stop.abort();
  els.messages.append(bubble("user", message));
  const body = h("div", { class: "body" }, s.thinking);
  const sourcesEl = h("ol", { class: "sources" });
  const answer = h(
    "li",
    { class: "message assistant", "aria-live": "polite", "aria-busy": "true" },
    h("span", { class: "who" }, s.assistant),
    body,
    h("details", { class: "sources-box", hidden: true }, h("summary", {}, s.sources), sourcesEl),
  );
  els.messages.append(answer);
  answer.scrollIntoView({ block: "end" });

  let text = "";
  let sources = [];
  try {
    const payload = { message, conversationId, stream: true };
    const res = await request("POST", "/chat", payload, stop.signal);
    await events(res, (name, data) => {
      if (name === "sources") {
        sources = data.sources;
        sourcesEl.replaceChildren(...sources.map(sourceItem));
        sourcesEl.parentElement.hidden = sources.length === 0;
      } else if (name === "token") {
        text += data.text;
        body.replaceChildren(...withCitations(text, sources));
      } else if (name === "done") {
        conversationId = data.conversationId;
        body.replaceChildren(...withCitations(data.answer, sources));
        answer.dataset.done = "true";
      } else if (name === "error") {
        body.append(h("p", { class: "error" }, s.error(data.message)));
      }
    });
    onAnswered(conversationId);
  } catch (e) {
    if (stop.signal.aborted) body.append(" ", h("em", {}, s.stopped));
    else body.replaceChildren(h("p", { class: "error" }, s.error(e.message)));
  } finally {
    answer.setAttribute("aria-busy", "false");
    els.stop.hidden = true;
    els.send.disabled = false;
    els.question.focus();
  }
}

/** Relabels the messages on screen after a language switch. */
export function renderChatLabels() {
  const s = t();
  for (const el of els.messages.querySelectorAll(".message .who")) {
    el.textContent = el.parentElement.classList.contains("user") ? s.you : s.assistant;
  }
  for (const el of els.messages.querySelectorAll(".sources-box summary")) {
    el.textContent = s.sources;
  }
}

function bubble(role, text) {
  const s = t();
  return h(
    "li",
    { class: `message ${role}` },
    h("span", { class: "who" }, role === "user" ? s.you : s.assistant),
    h("div", { class: "body" }, text),
  );
}

/** The answer's text with each known `[n]` as a button opening that source's page. */
function withCitations(text, sources) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(CITATION)) {
    const source = sources.find((x) => x.n === Number(m[1]));
    if (!source) continue;
    out.push(text.slice(last, m.index), citeButton(source));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function citeButton(source) {
  return h("button", {
    type: "button",
    class: "cite",
    "aria-label": t().openCitation(source.n, source.title, source.page),
    onclick: () => openPage(source),
  }, `[${source.n}]`);
}

function sourceItem(source) {
  return h(
    "li",
    {},
    h("button", { type: "button", class: "link", onclick: () => openPage(source) }, [
      `[${source.n}] `,
      t().page(source.title, source.page),
    ]),
    h("p", { class: "snippet" }, marked(source.snippet)),
  );
}

async function openPage(source) {
  const s = t();
  els.pageTitle.textContent = s.page(source.title, source.page);
  els.pageText.textContent = "…";
  els.dialog.showModal();
  try {
    const path = `/documents/${encodeURIComponent(source.documentId)}/pages/${source.page}`;
    const { text } = await json("GET", path);
    els.pageText.textContent = text;
  } catch (e) {
    els.pageText.textContent = s.error(e.message);
  }
}
