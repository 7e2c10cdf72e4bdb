/** The conversation list: switch to one, rename it, delete it. */
import { json } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

let listEl;
let open;
let currentId;
let say;
let items = [];

/** `onOpen(id | undefined)` shows a conversation; `announce` shows a status line. */
export function initConversations({ list, newButton, onOpen, announce }) {
  listEl = list;
  open = onOpen;
  say = announce;
  newButton.addEventListener("click", () => select(undefined));
}

/** Reloads the list, marking `activeId` (the chat's conversation) as current. */
export async function refreshConversations(activeId = currentId) {
  currentId = activeId;
  const body = await json("GET", "/conversations?limit=100");
  items = body.conversations;
  renderConversations();
}

async function select(id) {
  currentId = id;
  renderConversations();
  try {
    await open(id);
  } catch (e) {
    say(t().error(e.message));
  }
}

async function rename(c) {
  const title = prompt(t().newTitle, c.title)?.trim();
  if (!title || title === c.title) return;
  try {
    await json("PATCH", `/conversations/${encodeURIComponent(c.id)}`, { title });
    await refreshConversations();
  } catch (e) {
    say(t().error(e.message));
  }
}

async function remove(c) {
  if (!confirm(t().confirmDelete(c.title))) return;
  try {
    await json("DELETE", `/conversations/${encodeURIComponent(c.id)}`);
    if (c.id === currentId) await select(undefined);
    await refreshConversations();
  } catch (e) {
    say(t().error(e.message));
  }
}

export function renderConversations() {
  const s = t();
  if (items.length === 0) {
    listEl.replaceChildren(h("li", { class: "empty" }, s.noConversations));
    return;
  }
  listEl.replaceChildren(...items.map((c) =>
    h(
      "li",
      { class: "conversation" },
      h("button", {
        type: "button",
        class: "link title",
        "aria-current": c.id === currentId ? "true" : undefined,
        onclick: () => select(c.id),
      }, c.title),
      h("button", {
        type: "button",
        class: "icon",
        title: s.rename,
        "aria-label": s.renameConv(c.title),
        onclick: () => rename(c),
      }, "✎"),
      h("button", {
        type: "button",
        class: "icon",
        title: s.delete,
        "aria-label": s.deleteConv(c.title),
        onclick: () => remove(c),
      }, "×"),
    )
  ));
}
