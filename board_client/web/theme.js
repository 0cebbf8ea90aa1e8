// @ts-check
// The colour theme. Unless this browser chose one, the device decides (prefers-color-scheme,
// prefers-contrast: see the tokens at the top of board.css); a choice made in the footer is
// kept in localStorage ("planche:theme") and set as <html data-theme="light|dark|contrast">.
//
// A classic blocking script in <head>, on purpose: the Content-Security-Policy allows no
// inline script, and a module would only run after the first paint, so a dark page would
// flash light first. It has no imports and no exports. Other code changes the theme by
// setting the select's value and dispatching "change" (the key alone reaches only other tabs
// and the next page).
(() => {
  const KEY = "planche:theme";
  const THEMES = ["light", "dark", "contrast"];
  const root = document.documentElement;

  const stored = () => {
    try {
      const theme = localStorage.getItem(KEY) ?? "";
      return THEMES.includes(theme) ? theme : "";
    } catch {
      return ""; // storage refused (a locked-down browser): the device decides
    }
  };
  /** @param {string} theme "light", "dark", "contrast", or "" for the device's */
  const apply = (theme) => {
    if (theme) root.dataset.theme = theme;
    else delete root.dataset.theme;
  };
  const choice = () =>
    /** @type {HTMLSelectElement | null} */ (document.getElementById("theme-choice"));

  apply(stored());

  document.addEventListener("DOMContentLoaded", () => {
    const select = choice();
    if (!select) return;
    select.value = stored();
    select.closest("[hidden]")?.removeAttribute("hidden"); // useless without this script
    select.addEventListener("change", () => {
      try {
        if (select.value) localStorage.setItem(KEY, select.value);
        else localStorage.removeItem(KEY);
      } catch {
        // not kept, but this page still follows the choice
      }
      apply(THEMES.includes(select.value) ? select.value : "");
    });
  });

  // a choice made in another tab of this board applies here too
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    apply(stored());
    const select = choice();
    if (select) select.value = stored();
  });
})();
