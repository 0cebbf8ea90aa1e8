// @ts-check
// The browser's texts come from the server's gettext catalogues (server/locales), fetched
// once per page as {English message id: translation}. `t("Add")` marks a text for
// extraction (babel.cfg) and translates it.

/** @type {Record<string, string | string[]>} a plural message holds its forms, one first */
let messages = {};
/** @type {Intl.PluralRules} */
let plurals = new Intl.PluralRules("en");

/** @param {string} lang a language code the server has a catalogue for: "da", "sv", "en" */
export async function loadLanguage(lang) {
  document.documentElement.lang = lang;
  plurals = new Intl.PluralRules(lang);
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
  const text = messages[id];
  return fill(typeof text === "string" ? text : id, values);
}

/**
 * The plural form for `n` of a text with a number in it: `nt("{n} vote", "{n} votes", n, { n })`.
 * Danish, Swedish and English have two forms (gettext's `n != 1`), which `Intl.PluralRules`
 * calls "one" and "other".
 * @param {string} one the English singular (the message id)
 * @param {string} other the English plural
 * @param {number} n
 * @param {Record<string, string | number>} [values]
 * @returns {string}
 */
export function nt(one, other, n, values = {}) {
  const forms = messages[one];
  const first = plurals.select(n) === "one";
  const text = Array.isArray(forms) ? forms[first ? 0 : forms.length - 1] : first ? one : other;
  return fill(text, values);
}

/**
 * @param {string} text
 * @param {Record<string, string | number>} values
 */
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
}
