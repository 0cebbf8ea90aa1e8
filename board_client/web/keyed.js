// @ts-check
// A keyed list renderer: one DOM node per item, created once and then updated in place,
// so whatever a person is doing inside a node (typing, a selection, the focus, a scroll
// position) survives every update. Forty lines instead of a vendored library: the page
// builds its nodes with `el` and only ever needs "these items, in this order, under here".

/**
 * Makes `parent`'s children the nodes of `items`, in order. Nodes are found by
 * `data-key`; a missing one is made by `create(item)`; every one is passed to
 * `update(node, item)`. A node is moved only when it is out of place, because moving a
 * node that holds the focus drops the focus.
 * @template T
 * @param {Element} parent
 * @param {T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => HTMLElement} create
 * @param {(node: HTMLElement, item: T) => void} update
 */
export function reconcile(parent, items, keyOf, create, update) {
  /** @type {Map<string, HTMLElement>} */
  const existing = new Map();
  for (const child of /** @type {HTMLElement[]} */ ([...parent.children])) {
    if (child.dataset.key != null) existing.set(child.dataset.key, child);
    else child.remove(); // something not drawn by us (an "empty" line): it goes
  }
  let cursor = parent.firstElementChild;
  for (const item of items) {
    const key = keyOf(item);
    let node = existing.get(key);
    if (node) existing.delete(key);
    else {
      node = create(item);
      node.dataset.key = key;
      parent.insertBefore(node, cursor); // in the page before `update`, which may measure it
    }
    update(node, item);
    if (node === cursor) cursor = cursor.nextElementSibling;
    else if (node.nextElementSibling !== cursor) parent.insertBefore(node, cursor);
  }
  for (const node of existing.values()) node.remove();
}

/**
 * Sets a node's text only when it changed (a text selection in it survives).
 * @param {Element} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Shows `node` with `text` when `shown`; otherwise hides it and empties it, so nothing
 * taken off the board (a name, an owner) stays behind in the page.
 * @param {HTMLElement} node
 * @param {boolean} shown
 * @param {string} text
 */
export function show(node, shown, text) {
  node.hidden = !shown;
  setText(node, shown ? text : "");
}
