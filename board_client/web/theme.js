// @ts-check
// The colour theme, always set as <html data-theme="light|dark|contrast"> (board.css holds
// one block of tokens per theme). A choice made in the footer is kept in localStorage
// ("planche:theme"); without one, "as on this device" is resolved here from the media
// queries (high contrast first, then dark, else light) and followed live when the device
// changes its setting.
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
  // what the device asks for, in the order a page honours it
  const DEVICE = /** @type {const} */ ([
    ["contrast", matchMedia("(prefers-contrast: more)")],
    ["dark", matchMedia("(prefers-color-scheme: dark)")],
  ]);

  const stored = () => {
    try {
      const theme = localStorage.getItem(KEY) ?? "";
      return THEMES.includes(theme) ? theme : "";
    } catch {
      return ""; // storage refused (a locked-down browser): the device decides
    }
  };
  let chosen = stored(); // "" while the device decides
  /** @param {string} theme "light", "dark", "contrast", or "" for the device's */
  const apply = (theme) => {
    chosen = THEMES.includes(theme) ? theme : "";
    root.dataset.theme =
      chosen || (DEVICE.find(([, query]) => query.matches)?.[0] ?? "light");
  };
  const choice = () =>
    /** @type {HTMLSelectElement | null} */ (document.getElementById("theme-choice"));

  apply(chosen);
  for (const [, query] of DEVICE) {
    query.addEventListener("change", () => {
      if (!chosen) apply("");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const select = choice();
    if (!select) return;
    select.value = chosen;
    select.closest("[hidden]")?.removeAttribute("hidden"); // useless without this script
    select.addEventListener("change", () => {
      try {
        if (select.value) localStorage.setItem(KEY, select.value);
        else localStorage.removeItem(KEY);
      } catch {
        // not kept, but this page still follows the choice
      }
      apply(select.value);
    });
  });

  // a choice made in another tab of this board applies here too
  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    apply(stored());
    const select = choice();
    if (select) select.value = chosen;
  });
})();
