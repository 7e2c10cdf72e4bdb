/**
 * The UI's strings in English and Spanish. The language comes from the saved choice, else
 * navigator.language; `apply()` fills every `data-i18n` element of the page.
 */

const STRINGS = {
  en: {
    skip: "Skip to the question",
    language: "Language",
    apiKey: "API key",
    apiKeyHelp: "Needed only when the server has auth on",
    save: "Save",
    documents: "Documents",
    dropHere: "Drop PDF, Word, PowerPoint, ODT or text files here, or",
    chooseFiles: "choose files",
    conversations: "Conversations",
    newChat: "New conversation",
    chat: "Chat",
    question: "Question",
    questionHint: "Ask about your documents",
    send: "Send",
    stop: "Stop",
    stopped: "(stopped)",
    memory: "Memory",
    kernelTimes: "Kernel calls (median)",
    kernel: "Kernel",
    calls: "Calls",
    close: "Close",
    delete: "Delete",
    rename: "Rename",
    deleteDoc: (t) => `Delete ${t}`,
    deleteConv: (t) => `Delete conversation ${t}`,
    renameConv: (t) => `Rename conversation ${t}`,
    confirmDelete: (t) => `Delete “${t}”?`,
    newTitle: "New title",
    status: {
      queued: "queued",
      processing: "processing",
      ready: "ready",
      failed: "failed",
    },
    pages: (done, total) => `${done} / ${total} pages`,
    uploading: (name) => `Uploading ${name}…`,
    duplicate: (name) => `${name} was already uploaded`,
    noDocuments: "No documents yet.",
    noConversations: "No conversations yet.",
    you: "You",
    assistant: "ligero",
    thinking: "Searching the documents…",
    sources: "Sources",
    page: (title, n) => `${title}, page ${n}`,
    openCitation: (n, title, page) => `Source ${n}: ${title}, page ${page}`,
    rssOf: (rss, ceiling) => `RSS ${rss} of ${ceiling}`,
    error: (message) => `Error: ${message}`,
    keySaved: "API key saved",
  },
  es: {
    skip: "Ir a la pregunta",
    language: "Idioma",
    apiKey: "Clave de API",
    apiKeyHelp: "Solo hace falta si el servidor tiene la autenticación activada",
    save: "Guardar",
    documents: "Documentos",
    dropHere: "Suelta aquí archivos PDF, Word, PowerPoint, ODT o de texto, o",
    chooseFiles: "elige archivos",
    conversations: "Conversaciones",
    newChat: "Nueva conversación",
    chat: "Chat",
    question: "Pregunta",
    questionHint: "Pregunta sobre tus documentos",
    send: "Enviar",
    stop: "Detener",
    stopped: "(detenida)",
    memory: "Memoria",
    kernelTimes: "Llamadas a kernels (mediana)",
    kernel: "Kernel",
    calls: "Llamadas",
    close: "Cerrar",
    delete: "Borrar",
    rename: "Renombrar",
    deleteDoc: (t) => `Borrar ${t}`,
    deleteConv: (t) => `Borrar la conversación ${t}`,
    renameConv: (t) => `Renombrar la conversación ${t}`,
    confirmDelete: (t) => `¿Borrar «${t}»?`,
    newTitle: "Nuevo título",
    status: {
      queued: "en cola",
      processing: "procesando",
      ready: "listo",
      failed: "falló",
    },
    pages: (done, total) => `${done} / ${total} páginas`,
    uploading: (name) => `Subiendo ${name}…`,
    duplicate: (name) => `${name} ya estaba subido`,
    noDocuments: "Aún no hay documentos.",
    noConversations: "Aún no hay conversaciones.",
    you: "Tú",
    assistant: "ligero",
    thinking: "Buscando en los documentos…",
    sources: "Fuentes",
    page: (title, n) => `${title}, página ${n}`,
    openCitation: (n, title, page) => `Fuente ${n}: ${title}, página ${page}`,
    rssOf: (rss, ceiling) => `RSS ${rss} de ${ceiling}`,
    error: (message) => `Error: ${message}`,
    keySaved: "Clave de API guardada",
  },
};

const SAVED = "ligero.language";

function initial() {
  const saved = localStorage.getItem(SAVED);
  if (saved in STRINGS) return saved;
  return navigator.language?.toLowerCase().startsWith("es") ? "es" : "en";
}

let current = initial();

/** The current language's strings. */
export function t() {
  return STRINGS[current];
}

export function language() {
  return current;
}

export function setLanguage(lang) {
  current = lang in STRINGS ? lang : "en";
  localStorage.setItem(SAVED, current);
  apply();
}

/** Fills the page's static strings. */
export function apply() {
  document.documentElement.lang = current;
  const s = STRINGS[current];
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = s[el.dataset.i18n];
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = s[el.dataset.i18nPlaceholder];
  }
}
