/** Wires the page: language, API key, documents, conversations, chat, memory panel. */
import { apiKey, setApiKey } from "./api.js";
import { initChat, openConversation, renderChatLabels } from "./chat.js";
import { initConversations, refreshConversations, renderConversations } from "./conversations.js";
import { initDocuments, refreshDocuments, renderDocuments } from "./documents.js";
import { apply, language, setLanguage, t } from "./i18n.js";
import { initMemory, refreshMemory } from "./memory.js";

const $ = (id) => document.getElementById(id);
const status = $("status");
const announce = (text) => status.textContent = text;

apply();
$("language").value = language();
$("language").addEventListener("change", (e) => {
  setLanguage(e.target.value);
  renderDocuments();
  renderConversations();
  renderChatLabels();
});

$("key-input").value = apiKey();
$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setApiKey($("key-input").value.trim());
  $("key-panel").open = false;
  announce(t().keySaved);
  loadAll();
});

initChat({
  messages: $("messages"),
  form: $("ask"),
  question: $("question"),
  send: $("send"),
  stop: $("stop"),
  dialog: $("page-dialog"),
  pageTitle: $("page-title"),
  pageText: $("page-text"),
}, (id) => {
  refreshMemory();
  refreshConversations(id).catch(() => {});
});

initMemory({ meter: $("rss"), label: $("rss-label"), table: $("kernels") });

initDocuments({ list: $("documents"), drop: $("drop"), input: $("file-input"), announce });
initConversations({
  list: $("conversations"),
  newButton: $("new-chat"),
  onOpen: openConversation,
  announce,
});

async function loadAll() {
  try {
    await Promise.all([refreshDocuments(), refreshConversations()]);
  } catch (e) {
    // 401 with auth on: open the key form so the user can paste one
    if (e.status === 401) $("key-panel").open = true;
    announce(t().error(e.message));
  }
}
loadAll();
