// @ts-check
// Single-key shortcuts on the board page, the "?" sheet that lists them (a <dialog> in
// server/templates/_shortcuts_dialog.html, the same list as on the accessibility statement),
// and a guard that never leaves the keyboard focus on <body> when a re-render removes,
// hides or disables the element that had it.

// key -> what it does; an element that does not exist for this role, or is hidden or
// disabled, makes its key do nothing
/** @type {Record<string, {selector: string, act: "focus" | "click"}>} */
const KEYS = {
  n: { selector: "#note-text", act: "focus" },
  "]": { selector: '[data-action="next-phase"]', act: "click" },
  "[": { selector: '[data-action="previous-phase"]', act: "click" },
  t: { selector: '[data-action="timer-toggle"]', act: "click" },
  l: { selector: "#list-toggle", act: "click" },
  i: { selector: '[data-action="inbox"]', act: "click" },
  // the worksheet's heading button (Enter opens it), or the first field of one that never folds
  w: { selector: "#worksheet .worksheet-toggle, #worksheet textarea", act: "focus" },
};

const NOT_TYPED_IN = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file", "image"]);

/** @param {HTMLElement} root the page's main landmark */
export function setUpShortcuts(root) {
  const openSheet = sheet(document.getElementById("shortcuts"), document.getElementById("shortcuts-open"));
  document.addEventListener("keydown", (event) => {
    if (!isShortcut(event)) return;
    if (event.key === "?") {
      if (!openSheet) return;
      event.preventDefault();
      openSheet();
      return;
    }
    const spec = KEYS[event.key];
    const target = usable(document.querySelector(spec.selector));
    if (!target) return;
    event.preventDefault(); // else the "n" would be typed into the note it focused
    if (spec.act === "focus") target.focus();
    else target.click();
  });
  guardFocus(root);
}

// a single key, pressed outside anything one types in, with no modifier; AltGr, and Alt
// (Option) with a symbol, are how Danish and Swedish keyboards type [ and ], while Alt with a
// letter is the browser's menu key
/** @param {KeyboardEvent} event */
function isShortcut(event) {
  if (event.defaultPrevented || event.isComposing || event.repeat) return false;
  const altGr = event.getModifierState?.("AltGraph");
  if (event.metaKey || (event.ctrlKey && !altGr)) return false;
  if (event.altKey && !altGr && /^[a-z]$/.test(event.key)) return false;
  if (event.key !== "?" && !Object.hasOwn(KEYS, event.key)) return false;
  const target = event.target;
  if (!(target instanceof HTMLElement)) return true;
  if (target.closest("dialog[open]")) return false;
  if (target.isContentEditable || target.matches("textarea, select")) return false;
  return !(target instanceof HTMLInputElement && !NOT_TYPED_IN.has(target.type));
}

/**
 * The element, if one can act on it now: shown, enabled and not inert.
 * @param {Element | null} element
 * @returns {HTMLElement | null}
 */
function usable(element) {
  if (!(element instanceof HTMLElement) || element.matches(":disabled")) return null;
  if (element.closest("[hidden], [inert]")) return null;
  return element.getClientRects().length ? element : null;
}

// The "?" sheet: opened by the key or the header button; Escape (the browser's own, for a
// modal dialog) or its button closes it, and the focus goes back to where it was.
/**
 * @param {HTMLElement | null} dialog
 * @param {HTMLElement | null} opener
 * @returns {(() => void) | null} what opens the sheet, or null when the page has none
 */
function sheet(dialog, opener) {
  if (!(dialog instanceof HTMLDialogElement)) return null;
  /** @type {Element | null} */
  let returnTo = null;
  const open = () => {
    if (dialog.open) return;
    returnTo = document.activeElement;
    dialog.showModal();
  };
  opener?.addEventListener("click", open);
  dialog.addEventListener("close", () => {
    const back = returnTo instanceof HTMLElement && returnTo.isConnected && returnTo !== document.body ? returnTo : opener;
    returnTo = null;
    back?.focus();
  });
  return open;
}

// The focus guard. The last focused element and its ancestors are remembered; when focus is
// found on <body> while that element is gone (removed, hidden or disabled), the focus moves
// to the heading of its nearest surviving section, else to the board's title.
/** @typedef {{element: Element, ancestors: Element[]}} LastFocus */

/** @param {HTMLElement} root */
function guardFocus(root) {
  /** @type {LastFocus | null} */
  let last = null;
  document.addEventListener("focusin", (event) => {
    const element = event.target;
    if (!(element instanceof Element) || element === document.body) return;
    const ancestors = [];
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      ancestors.push(node);
    }
    last = { element, ancestors };
  });
  const check = () => {
    if (!last || !bodyHasFocus()) return;
    if (gone(last.element)) rescue(last, root);
    last = null; // a click on the page's background leaves the focus there on purpose
  };
  document.addEventListener("focusout", (event) => {
    if (event.relatedTarget == null) setTimeout(check);
  });
  // browsers do not always say when a focused element is removed or disabled
  new MutationObserver(() => {
    if (last && bodyHasFocus() && gone(last.element)) rescue(last, root);
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["disabled", "hidden"] });
}

function bodyHasFocus() {
  return document.activeElement == null || document.activeElement === document.body;
}

/** @param {Element} element */
function gone(element) {
  return !element.isConnected || element.matches(":disabled") || !element.getClientRects().length || element.closest("[inert]") != null;
}

/**
 * @param {LastFocus} last
 * @param {HTMLElement} root
 */
function rescue(last, root) {
  const container = last.ancestors
    .map(survivor)
    .find((node) => node?.isConnected && node.getClientRects().length && heading(node));
  const target = container ? heading(container) : root.querySelector("h1");
  if (!(target instanceof HTMLElement)) return;
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
    target.tabIndex = -1;
    target.addEventListener("blur", () => target.removeAttribute("tabindex"), { once: true });
  }
  target.focus();
}

// the same section after a re-render that rebuilt it: found by its id or its label
/**
 * @param {Element} node
 * @returns {Element | null}
 */
function survivor(node) {
  if (node.isConnected) return node;
  for (const name of ["id", "aria-labelledby", "data-note-id"]) {
    const value = node.getAttribute(name);
    if (value) return document.querySelector(`[${name}="${CSS.escape(value)}"]`);
  }
  return null;
}

/**
 * @param {Element} node
 * @returns {Element | null}
 */
function heading(node) {
  if (node.matches("main")) return node.querySelector("h1");
  return [...node.children].find((child) => child.matches("h1, h2, h3, h4") && child.getClientRects().length) ?? null;
}
