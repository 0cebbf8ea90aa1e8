// The browser's texts come from the server's gettext catalogues (server/locales), fetched
// once per page as {English message id: translation}. `t("Add")` marks a text for
// extraction (babel.cfg) and translates it.

let messages = {};

export async function loadLanguage(lang) {
  document.documentElement.lang = lang;
  try {
    const response = await fetch(`/api/i18n/${lang}.json`);
    messages = response.ok ? await response.json() : {};
  } catch {
    messages = {}; // offline on a cached page: English until the server answers
  }
}

export function t(id, values = {}) {
  return (messages[id] || id).replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}
