// @ts-check
// The browser's texts come from the server's gettext catalogues (server/locales), fetched
// once per page as {English message id: translation}. `t("Add")` marks a text for
// extraction (babel.cfg) and translates it.

/** @type {Record<string, string>} */
let messages = {};

/** @param {string} lang a language code the server has a catalogue for: "da", "sv", "en" */
export async function loadLanguage(lang) {
  document.documentElement.lang = lang;
  try {
    const response = await fetch(`/api/i18n/${lang}.json`);
    messages = response.ok ? await response.json() : {};
  } catch {
    messages = {}; // offline on a cached page: English until the server answers
  }
}

/**
 * The text in the page's language, with each `{name}` replaced by `values.name`.
 * @param {string} id the English text
 * @param {Record<string, string | number>} [values]
 * @returns {string}
 */
export function t(id, values = {}) {
  return (messages[id] || id).replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}
