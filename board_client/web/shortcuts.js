// Single-key shortcuts on the board page, and the "?" sheet that lists them (a <dialog> in
// server/templates/_shortcuts_dialog.html, the same list as on the accessibility statement).

// key -> what it does; an element that does not exist for this role, or is hidden or
// disabled, makes its key do nothing
const KEYS = {
  n: { selector: "#note-text", act: "focus" },
  "]": { selector: '[data-action="next-phase"]', act: "click" },
  "[": { selector: '[data-action="previous-phase"]', act: "click" },
  t: { selector: '[data-action="timer-toggle"]', act: "click" },
  l: { selector: "#list-toggle", act: "click" },
};

const NOT_TYPED_IN = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);

export function setUpShortcuts() {
  const sheet = document.getElementById("shortcuts");
  const opener = document.getElementById("shortcuts-open");
  if (sheet) setUpSheet(sheet, opener);
  document.addEventListener("keydown", (event) => {
    if (!isShortcut(event)) return;
    if (event.key === "?") {
      if (!sheet) return;
      event.preventDefault();
      openSheet(sheet);
      return;
    }
    const spec = KEYS[event.key];
    const target = spec && usable(document.querySelector(spec.selector));
    if (!target) return;
    event.preventDefault(); // else the "n" would be typed into the note it focused
    if (spec.act === "focus") target.focus();
    else target.click();
  });
}

// a single key, pressed outside anything one types in, with no modifier (AltGr is allowed:
// it is how Danish and Swedish keyboards type [ and ])
function isShortcut(event) {
  if (event.defaultPrevented || event.isComposing || event.repeat) return false;
  const altGr = event.getModifierState?.("AltGraph");
  if (event.metaKey || ((event.ctrlKey || event.altKey) && !altGr)) return false;
  if (event.key !== "?" && !(event.key in KEYS)) return false;
  const target = event.target;
  if (!(target instanceof Element)) return true;
  if (target.closest("dialog[open]")) return false;
  if (target.isContentEditable || target.matches("textarea, select")) return false;
  return !(target.matches("input") && !NOT_TYPED_IN.has(target.type));
}

function usable(element) {
  if (!element || element.disabled || element.closest("[hidden], [inert]")) return null;
  return element.getClientRects().length ? element : null;
}

function setUpSheet(sheet, opener) {
  let returnTo = null;
  opener?.addEventListener("click", () => openSheet(sheet));
  sheet.addEventListener("open-sheet", () => {
    returnTo = document.activeElement;
  });
  // Escape closes a modal dialog by itself; the focus goes back to where it was
  sheet.addEventListener("close", () => {
    const back = returnTo?.isConnected ? returnTo : opener;
    returnTo = null;
    back?.focus();
  });
}

function openSheet(sheet) {
  if (sheet.open) return;
  sheet.dispatchEvent(new Event("open-sheet"));
  sheet.showModal();
}
