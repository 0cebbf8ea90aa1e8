// @ts-check
// The working board as a canvas (laptops and desktops; phones keep one column, the
// projector its own layout): `#areas` is a viewport, focusable and labelled, holding a
// "world" that pan and zoom move with one CSS transform. Area frames stand side by side in
// the world; notes are placed in their frame by views.js with `flow` below.
//
// Coordinates: a note's `x`, `y` are CSS px from its frame's top-left corner (inside the
// frame's border) to the note's top-left corner, at zoom 1. They are the same on every screen;
// only the view (pan and zoom) is this browser's own and is never sent.
//
// Drags are local: the note follows the pointer (one style write per animation frame) and
// the page sends one op when it is dropped, through `onDrop`. Arrow keys nudge a note the
// same way and send once the keys are released. While a note is dragged, where it is goes to
// the others as presence (`onDrag`, at most 5 times a second), never into the log; the
// others' drags are drawn as ghosts (`showDrags`).
//
// Selection: Shift+click or Ctrl+click, Shift+drag on empty canvas (a rectangle: the notes
// it touches), Shift+Space on a focused note, Ctrl+A (every note of the focused note's
// area); Escape clears it. The selected notes move together, by drag and by arrow keys.

import { nt, t } from "./i18n.js";

export const NOTE_W = 160; // a note's width on the canvas, px (canvas.css says the same)
export const PAD = 16; // between a frame's edge and its notes
export const GAP = 12; // between notes flowed into a frame
export const FRAME_W = 2 * NOTE_W + GAP + 2 * PAD; // 356: two columns of notes
const COLUMNS = [PAD, PAD + NOTE_W + GAP];
const ZOOM_MIN = 0.2;
const ZOOM_MAX = 2.5;
const STEP = 1.25;
const NUDGE_SEND_MS = 500; // a burst of arrow keys is sent as one move this long after
const DRAG_THRESHOLD = 4; // px the pointer moves before a press becomes a drag
export const WIDE = "(min-width: 40.0625rem)"; // phones (40rem and less) keep one column
const DRAG_TELL_MS = 200; // a drag's place goes to the others at most this often
const READABLE_PX = 13; // fit zooms no lower than this for a note's text on screen

/**
 * Where each note goes in its frame: a placed note (x and y set) exactly there; the others
 * in order, two to a row, each row starting below the tallest note of the row before and
 * a cell skipped where a placed note is in the way, so no note covers another. Linear in
 * the notes that flow (times the few placed ones): a frame of 500 notes lays out at once.
 * @param {{key: string, x: number | null, y: number | null}[]} items
 * @param {number} top where the frame's notes start (under its title and prompt)
 * @param {(key: string) => number} heightOf a note's height, px
 * @returns {{places: Map<string, {left: number, top: number}>, bottom: number}}
 */
export function flow(items, top, heightOf) {
  /** @type {Map<string, {left: number, top: number}>} */
  const places = new Map();
  /** @type {{left: number, top: number, right: number, bottom: number}[]} */
  const fixed = [];
  let bottom = top;
  for (const item of items) {
    if (item.x == null || item.y == null) continue;
    const h = heightOf(item.key);
    places.set(item.key, { left: item.x, top: item.y });
    fixed.push({ left: item.x, top: item.y, right: item.x + NOTE_W, bottom: item.y + h });
    bottom = Math.max(bottom, item.y + h);
  }
  const blocker = (/** @type {number} */ left, /** @type {number} */ y, /** @type {number} */ h) =>
    fixed.find((r) => !(left + NOTE_W + GAP <= r.left || left >= r.right + GAP || y + h + GAP <= r.top || y >= r.bottom + GAP));
  let rowTop = top;
  let rowEnd = top; // where the next row may start: below every note of this one
  let column = 0;
  let past = Infinity; // the nearest bottom of a placed note that blocked this row
  for (const item of items) {
    if (item.x != null && item.y != null) continue;
    const h = heightOf(item.key);
    for (;;) {
      if (column === COLUMNS.length) {
        // nothing fitted in this row: start below the nearest note in the way
        rowTop = rowEnd > rowTop ? rowEnd : past;
        [column, past] = [0, Infinity];
      }
      const left = COLUMNS[column];
      const block = blocker(left, rowTop, h);
      column += 1;
      if (block) {
        past = Math.min(past, block.bottom + GAP);
        continue;
      }
      places.set(item.key, { left, top: rowTop });
      rowEnd = Math.max(rowEnd, rowTop + h + GAP);
      bottom = Math.max(bottom, rowTop + h);
      break;
    }
  }
  return { places, bottom };
}

export class Canvas {
  /**
   * @param {HTMLElement} viewport the `#areas` element
   * @param {{onDrop: (drop: Drop) => void, onChange: () => void, onDrag?: (drag: Drag | null) => void, say?: (text: string) => void}} handlers
   */
  constructor(viewport, handlers) {
    this.viewport = viewport;
    this.handlers = handlers;
    this.media = matchMedia(WIDE);
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
    this.fitted = false;
    /** @type {Map<number, {x: number, y: number}>} touch or pen pointers on empty canvas */
    this.pointers = new Map();
    this.spaceHeld = false;
    /** @type {Set<string>} ids of the selected notes (a note moved to another frame is drawn anew) */
    this.selected = new Set();
    /** @type {null | {article: HTMLElement, articles: HTMLElement[], dx: number, dy: number, timer: number}} */
    this.nudging = null;
    /** @type {Map<string, HTMLElement>} the others' drags, by participant */
    this.ghosts = new Map();

    viewport.classList.add("canvas");
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "region");
    viewport.setAttribute("aria-label", t("Board canvas"));
    viewport.setAttribute("aria-keyshortcuts", "+ - Space Control+A Escape");
    this.percent = document.createElement("span");
    this.percent.className = "canvas-zoom";
    this.percent.setAttribute("aria-live", "polite");
    const tool = (/** @type {string} */ label, /** @type {() => void} */ run, /** @type {string} */ name) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.dataset.canvas = name;
      b.addEventListener("click", run);
      return b;
    };
    this.toolbar = document.createElement("div");
    this.toolbar.className = "canvas-toolbar";
    this.toolbar.setAttribute("role", "toolbar");
    this.toolbar.setAttribute("aria-label", t("Zoom"));
    this.toolbar.append(
      tool(t("Zoom out"), () => this.zoomBy(1 / STEP), "out"),
      this.percent,
      tool(t("Zoom in"), () => this.zoomBy(STEP), "in"),
      tool(t("Fit board"), () => this.fit(), "fit"),
    );
    this.world = document.createElement("div");
    this.world.className = "canvas-world";
    viewport.replaceChildren(this.toolbar, this.world);

    viewport.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
    viewport.addEventListener("pointerdown", (e) => this.panStart(e));
    viewport.addEventListener("keydown", (e) => this.key(e));
    viewport.addEventListener("keyup", (e) => {
      if (e.key === " ") this.spaceHeld = false;
    });
    // the browser scrolls even an overflow-hidden box to show something (the focus, "follow
    // me"): the view is pan and zoom alone, so that scroll becomes a pan
    viewport.addEventListener("scroll", () => {
      if (!viewport.scrollLeft && !viewport.scrollTop) return;
      this.panX -= viewport.scrollLeft;
      this.panY -= viewport.scrollTop;
      viewport.scrollLeft = 0;
      viewport.scrollTop = 0;
      this.apply();
    });
    // after any such scroll (scroll events come before animation frames), clear of the toolbar
    viewport.addEventListener("focusin", (e) => requestAnimationFrame(() => this.reveal(/** @type {HTMLElement} */ (e.target))));
    this.media.addEventListener("change", () => {
      this.apply();
      handlers.onChange();
    });
    this.apply();
  }

  /** The canvas is on: a wide enough screen. */
  get on() {
    return this.media.matches;
  }

  apply() {
    this.viewport.tabIndex = this.on ? 0 : -1; // on a phone it is a plain column
    this.world.style.transform = this.on ? `translate(${this.panX}px, ${this.panY}px) scale(${this.zoom})` : "";
    this.percent.textContent = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" }).format(this.zoom);
  }

  /**
   * Zooms by `factor` keeping the point (px from the viewport's corner) where it is.
   * @param {number} factor
   * @param {number} [atX]
   * @param {number} [atY]
   */
  zoomBy(factor, atX = this.viewport.clientWidth / 2, atY = this.viewport.clientHeight / 2) {
    const zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, this.zoom * factor));
    this.panX = atX - ((atX - this.panX) * zoom) / this.zoom;
    this.panY = atY - ((atY - this.panY) * zoom) / this.zoom;
    this.zoom = zoom;
    this.apply();
  }

  /**
   * The whole board in view, every frame, when its notes can still be read so; else the
   * frames in focus (the phase's, or the first ones) as wide as the view at a readable
   * zoom, and the rest a pan away.
   */
  fit() {
    const width = this.viewport.clientWidth;
    const height = this.viewport.clientHeight;
    const worldW = this.world.offsetWidth;
    const worldH = this.world.offsetHeight;
    if (!this.on || !width || !height || !worldW) return false;
    const top = this.toolbar.offsetHeight + 8; // the toolbar does not cover a frame
    const whole = Math.min(width / worldW, (height - top) / worldH, 1);
    const floor = this.readableZoom();
    if (whole >= floor) {
      this.zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, whole));
      this.panX = (width - worldW * this.zoom) / 2;
    } else {
      const [left, right] = this.focusSpan(width / floor);
      this.zoom = Math.min(1, Math.max(floor, width / (right - left)));
      const span = (right - left) * this.zoom;
      this.panX = span <= width ? (width - span) / 2 - left * this.zoom : -left * this.zoom;
    }
    this.panY = top; // frames grow downwards as notes come: room below them
    this.fitted = true;
    this.apply();
    return true;
  }

  /** The lowest zoom at which a note's text is still READABLE_PX on screen. */
  readableZoom() {
    const text = this.world.querySelector(".note-text") ?? this.world;
    const size = parseFloat(getComputedStyle(text).fontSize) || 16;
    return Math.min(1, Math.max(ZOOM_MIN, READABLE_PX / size));
  }

  /**
   * From where to where (world px at zoom 1, margins included) the frames in focus
   * stand; with no focus, as many of the first frames as fit into `room`.
   * @param {number} room
   * @returns {[number, number]}
   */
  focusSpan(room) {
    const frames = /** @type {HTMLElement[]} */ ([...this.world.querySelectorAll(":scope > section.area")]);
    const focused = frames.filter((f) => !f.classList.contains("area--muted"));
    const margin = 32; // the world's padding
    const edges = (/** @type {HTMLElement[]} */ some) => /** @type {[number, number]} */ ([
      some[0].offsetLeft - margin,
      some[some.length - 1].offsetLeft + some[some.length - 1].offsetWidth + margin,
    ]);
    if (focused.length && focused.length < frames.length) return edges(focused);
    let last = 1;
    while (last < frames.length) {
      const [l, r] = edges(frames.slice(0, last + 1));
      if (r - l > room) break;
      last += 1;
    }
    return edges(frames.slice(0, last));
  }

  /** @param {WheelEvent} e */
  wheel(e) {
    if (!this.on) return;
    const box = this.viewport.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      // Ctrl+wheel, and a touchpad's pinch, which the browser sends as one
      e.preventDefault();
      this.zoomBy(Math.exp(-e.deltaY / 300), e.clientX - box.left, e.clientY - box.top);
      return;
    }
    const line = e.deltaMode === 1 ? 16 : 1;
    const sideways = e.shiftKey && !e.deltaX;
    const x = this.within(this.panX, -(sideways ? e.deltaY : e.deltaX) * line, this.world.offsetWidth, box.width, 16);
    const y = this.within(this.panY, sideways ? 0 : -e.deltaY * line, this.world.offsetHeight, box.height, this.toolbar.offsetHeight + 8);
    // the board scrolls while it has more to show that way; then the page does
    if (x === this.panX && y === this.panY) return;
    e.preventDefault();
    this.panX = x;
    this.panY = y;
    this.apply();
  }

  /**
   * A pan by `by` px along one axis, only as far as it brings more of the world into view.
   * @param {number} pan
   * @param {number} by
   * @param {number} size the world's size at zoom 1
   * @param {number} view the viewport's size
   * @param {number} margin
   */
  within(pan, by, size, view, margin) {
    if (by < 0) return Math.min(pan, Math.max(pan + by, view - margin - size * this.zoom));
    if (by > 0) return Math.max(pan, Math.min(pan + by, margin));
    return pan;
  }

  /**
   * A press on empty canvas (or anywhere with Space held) pans; two fingers pinch.
   * @param {PointerEvent} e
   */
  panStart(e) {
    const target = /** @type {HTMLElement} */ (e.target);
    if (!this.on || e.button !== 0) return;
    if (!this.spaceHeld && target.closest(".note, button, input, textarea, select, a, label, .canvas-toolbar")) return;
    e.preventDefault();
    this.viewport.focus({ preventScroll: true });
    if (!this.spaceHeld && e.shiftKey && !this.pointers.size) {
      this.lasso(e);
      return;
    }
    if (!this.spaceHeld) this.clearSelection();
    this.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this.viewport.classList.add("is-panning");
    const move = (/** @type {PointerEvent} */ m) => {
      const last = this.pointers.get(m.pointerId);
      if (!last) return;
      if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        const before = Math.hypot(a.x - b.x, a.y - b.y);
        this.pointers.set(m.pointerId, { x: m.clientX, y: m.clientY });
        const [c, d] = [...this.pointers.values()];
        const box = this.viewport.getBoundingClientRect();
        if (before > 0) this.zoomBy(Math.hypot(c.x - d.x, c.y - d.y) / before, (c.x + d.x) / 2 - box.left, (c.y + d.y) / 2 - box.top);
        return;
      }
      this.panX += m.clientX - last.x;
      this.panY += m.clientY - last.y;
      this.pointers.set(m.pointerId, { x: m.clientX, y: m.clientY });
      this.apply();
    };
    const up = (/** @type {PointerEvent} */ u) => {
      this.pointers.delete(u.pointerId);
      if (this.pointers.size) return;
      this.viewport.classList.remove("is-panning");
      removeEventListener("pointermove", move);
      removeEventListener("pointerup", up);
      removeEventListener("pointercancel", up);
    };
    if (this.pointers.size === 1) {
      addEventListener("pointermove", move);
      addEventListener("pointerup", up);
      addEventListener("pointercancel", up);
    }
  }

  /** @param {KeyboardEvent} e */
  key(e) {
    const target = /** @type {HTMLElement} */ (e.target);
    if (!this.on || e.altKey || (target !== this.viewport && !target.matches(".note"))) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a" && !e.shiftKey) {
      // every note of the focused note's area (from the canvas itself: of the board)
      const scope = target === this.viewport ? this.world : target.closest("section.area");
      this.select([...(scope?.querySelectorAll(".note[data-movable]") ?? [])].map((a) => /** @type {HTMLElement} */ (a)));
      e.preventDefault();
      return;
    }
    if (e.ctrlKey || e.metaKey) return;
    if (e.key === " " && e.shiftKey && target.matches(".note[data-movable]")) {
      this.toggle(target);
      this.tellSelection();
    } else if (e.key === "+" || e.key === "=") this.zoomBy(STEP);
    else if (e.key === "-") this.zoomBy(1 / STEP);
    else if (e.key === " ") this.spaceHeld = true;
    else if (e.key === "Escape" && this.selection().length) {
      this.clearSelection();
      this.tellSelection();
    }
    else if (target === this.viewport && e.key.startsWith("Arrow")) {
      const step = e.shiftKey ? 160 : 40;
      this.panX += { ArrowLeft: step, ArrowRight: -step }[e.key] ?? 0;
      this.panY += { ArrowUp: step, ArrowDown: -step }[e.key] ?? 0;
      this.apply();
    } else return;
    e.preventDefault();
  }

  /**
   * Pans just enough that `element` (which got the focus) is in view.
   * @param {HTMLElement} element
   */
  reveal(element) {
    if (!this.on || element === this.viewport || this.toolbar.contains(element)) return;
    if (!element.getClientRects().length) return; // hidden since (a button that opened a form in its place)
    const view = this.viewport.getBoundingClientRect();
    const box = element.getBoundingClientRect();
    const margin = 16;
    const top = view.top + this.toolbar.offsetHeight + margin;
    let dx = 0;
    let dy = 0;
    if (box.right > view.right - margin) dx = view.right - margin - box.right;
    if (box.left + dx < view.left + margin) dx = view.left + margin - box.left;
    if (box.bottom > view.bottom - margin) dy = view.bottom - margin - box.bottom;
    if (box.top + dy < top) dy = top - box.top;
    if (!dx && !dy) return;
    this.panX += dx;
    this.panY += dy;
    this.apply();
  }

  /**
   * Fits the view again when the meeting moves to some of the frames (a phase's areas, the
   * groups' frames), as "Fit board" would; not while this person drags a note or writes on
   * the board, so nothing moves under them.
   */
  follow() {
    if (this.pointers.size || this.nudging || this.world.querySelector(".is-dragging")) return;
    if (this.world.contains(document.activeElement)) return;
    this.fit();
  }

  /**
   * A press on a note: after a few px of movement the note (with the other selected notes,
   * when it is one of them) follows the pointer, and is dropped where the pointer is let
   * go. Shift+click or Ctrl+click adds a note to the selection or takes it out.
   * @param {PointerEvent} e
   * @param {HTMLElement} article
   */
  pressNote(e, article) {
    const target = /** @type {HTMLElement} */ (e.target);
    if (!this.on || this.spaceHeld || e.button !== 0 || target.closest("button, input, textarea, select, a")) return;
    if (e.shiftKey || e.ctrlKey || e.metaKey) {
      this.toggle(article);
      this.tellSelection();
      e.preventDefault();
      return;
    }
    if (!article.hasAttribute("data-selected")) this.clearSelection();
    const others = this.selection().filter((a) => a !== article);
    const moving = [article, ...others];
    const lis = moving.map((a) => /** @type {HTMLElement} */ (a.parentElement));
    const start = { x: e.clientX, y: e.clientY };
    let at = start;
    let dragging = false;
    let frame = 0;
    let told = 0; // when the others last heard where it is
    let telling = 0; // the timer that will tell them next
    const tell = () => {
      telling = 0;
      told = performance.now();
      const here = article.isConnected ? this.dropAt(article, at) : null;
      this.handlers.onDrag?.(here && { note_id: here.noteId, area: here.area, x: here.x, y: here.y });
    };
    const draw = () => {
      frame = 0;
      for (const li of lis) li.style.translate = `${(at.x - start.x) / this.zoom}px ${(at.y - start.y) / this.zoom}px`;
    };
    const move = (/** @type {PointerEvent} */ m) => {
      if (m.pointerId !== e.pointerId) return;
      at = { x: m.clientX, y: m.clientY };
      if (!dragging && Math.hypot(at.x - start.x, at.y - start.y) < DRAG_THRESHOLD) return;
      if (!dragging) {
        dragging = true;
        for (const li of lis) {
          li.classList.add("is-dragging");
          li.closest(".area")?.classList.add("has-drag");
        }
      }
      frame ||= requestAnimationFrame(draw);
      telling ||= setTimeout(tell, Math.max(0, DRAG_TELL_MS - (performance.now() - told)));
    };
    const end = (/** @type {PointerEvent} */ u) => {
      if (u.pointerId !== e.pointerId) return;
      removeEventListener("pointermove", move);
      removeEventListener("pointerup", end);
      removeEventListener("pointercancel", end);
      if (!dragging) return;
      cancelAnimationFrame(frame);
      clearTimeout(telling);
      this.handlers.onDrag?.(null);
      at = { x: u.clientX, y: u.clientY };
      draw();
      const drop = u.type === "pointerup" && article.isConnected ? this.dropAt(article, at) : null;
      // the others land in the same frame (or group), as far from it as they were dragged
      const area = drop && this.world.querySelector(`section.area[data-key="${CSS.escape(drop.area)}"]`);
      const drops = drop && area ? [drop, ...others.filter((a) => a.isConnected).map((a) => ({ ...drop, noteId: a.dataset.noteId ?? "", ...this.placeIn(a, area) }))] : [];
      for (const li of lis) {
        li.style.translate = "";
        li.classList.remove("is-dragging");
      }
      document.querySelectorAll(".area.has-drag").forEach((a) => a.classList.remove("has-drag"));
      // the click that ends a drag is not a click on what is under it
      const swallow = (/** @type {Event} */ c) => c.stopPropagation();
      addEventListener("click", swallow, { capture: true, once: true });
      setTimeout(() => removeEventListener("click", swallow, { capture: true }), 0);
      for (const one of drops) this.handlers.onDrop(one);
    };
    addEventListener("pointermove", move);
    addEventListener("pointerup", end);
    addEventListener("pointercancel", end);
  }

  /** @returns {HTMLElement[]} the selected notes */
  selection() {
    return [...this.world.querySelectorAll(".note[data-selected]")].map((a) => /** @type {HTMLElement} */ (a));
  }

  clearSelection() {
    for (const a of this.selection()) a.removeAttribute("data-selected");
    this.selected.clear();
  }

  /**
   * Adds a note to the selection, or takes it out.
   * @param {HTMLElement} article
   */
  toggle(article) {
    const id = article.dataset.noteId ?? "";
    if (!this.selected.delete(id)) this.selected.add(id);
    article.toggleAttribute("data-selected", this.selected.has(id));
  }

  /**
   * Exactly these notes selected, and said so.
   * @param {HTMLElement[]} articles
   */
  select(articles) {
    this.clearSelection();
    for (const a of articles) this.toggle(a);
    this.tellSelection();
  }

  /** How many notes are selected, for a screen reader. */
  tellSelection() {
    const n = this.selected.size;
    const text = n === 0 ? t("No notes selected") : nt("{n} note selected", "{n} notes selected", n, { n });
    this.handlers.say?.(text);
  }

  /**
   * Shift+drag on empty canvas: a rectangle, and the notes it touches selected (added to
   * those selected before).
   * @param {PointerEvent} e
   */
  lasso(e) {
    const view = this.viewport.getBoundingClientRect();
    const before = new Set(this.selected);
    const box = document.createElement("div");
    box.className = "canvas-lasso";
    box.setAttribute("aria-hidden", "true");
    const start = { x: e.clientX, y: e.clientY };
    const notes = /** @type {HTMLElement[]} */ ([...this.world.querySelectorAll(".note[data-movable]")]);
    const move = (/** @type {PointerEvent} */ m) => {
      if (m.pointerId !== e.pointerId) return;
      const [left, right] = [Math.min(start.x, m.clientX), Math.max(start.x, m.clientX)];
      const [top, bottom] = [Math.min(start.y, m.clientY), Math.max(start.y, m.clientY)];
      if (!box.isConnected) this.viewport.append(box);
      Object.assign(box.style, { left: `${left - view.left}px`, top: `${top - view.top}px`, width: `${right - left}px`, height: `${bottom - top}px` });
      for (const a of notes) {
        const r = a.getBoundingClientRect();
        const touched = r.right >= left && r.left <= right && r.bottom >= top && r.top <= bottom;
        const id = a.dataset.noteId ?? "";
        if (touched || before.has(id)) this.selected.add(id);
        else this.selected.delete(id);
        a.toggleAttribute("data-selected", this.selected.has(id));
      }
    };
    const end = (/** @type {PointerEvent} */ u) => {
      if (u.pointerId !== e.pointerId) return;
      removeEventListener("pointermove", move);
      removeEventListener("pointerup", end);
      removeEventListener("pointercancel", end);
      box.remove();
      this.tellSelection();
    };
    addEventListener("pointermove", move);
    addEventListener("pointerup", end);
    addEventListener("pointercancel", end);
  }

  /**
   * The others' drags as ghosts of their notes, each with who moves it, where it is now.
   * @param {{participant_id: string, name: string, drag?: Drag | null}[]} peers
   * @param {string | null} me
   */
  showDrags(peers, me) {
    /** @type {Set<string>} */
    const shown = new Set();
    for (const peer of peers) {
      const drag = peer.drag;
      if (!drag || !this.on || peer.participant_id === me) continue;
      const area = this.world.querySelector(`section.area[data-key="${CSS.escape(drag.area)}"]`);
      const note = this.world.querySelector(`.note[data-note-id="${CSS.escape(drag.note_id)}"]`);
      if (!area || !note) continue;
      let ghost = this.ghosts.get(peer.participant_id);
      if (!ghost) {
        ghost = document.createElement("div");
        ghost.setAttribute("aria-hidden", "true"); // a glimpse: the drop itself is what counts
        ghost.append(document.createElement("p"), document.createElement("p"));
        this.ghosts.set(peer.participant_id, ghost);
      }
      ghost.className = "note-ghost";
      // the note's own paper, so its text keeps the note's contrast; ghosted by its dashed edge
      ghost.style.background = getComputedStyle(note).backgroundColor;
      ghost.dataset.noteId = drag.note_id;
      if (ghost.parentElement !== area) area.append(ghost);
      ghost.style.left = `${drag.x}px`;
      ghost.style.top = `${drag.y}px`;
      const [text, who] = /** @type {HTMLElement[]} */ ([...ghost.children]);
      text.className = "note-ghost-text";
      text.textContent = note.querySelector(".note-text")?.textContent ?? "";
      who.className = "note-ghost-who";
      who.textContent = t("{name} is moving this", { name: peer.name });
      shown.add(peer.participant_id);
    }
    for (const [id, ghost] of this.ghosts) {
      if (shown.has(id)) continue;
      ghost.remove();
      this.ghosts.delete(id);
    }
  }


  /**
   * What is under the pointer where a dragged note is let go.
   * @param {HTMLElement} article
   * @param {{x: number, y: number}} at
   * @returns {Drop | null}
   */
  dropAt(article, at) {
    const under = document.elementFromPoint(at.x, at.y);
    if (!under || !this.viewport.contains(under)) return null;
    const area = /** @type {HTMLElement | null} */ (under.closest("section.area"));
    if (!area) return null;
    const group = /** @type {HTMLElement | null} */ (under.closest("section.group"));
    return { noteId: article.dataset.noteId ?? "", area: area.dataset.key ?? "", group: group?.dataset.key ?? null, ...this.placeIn(article, area) };
  }

  /**
   * Where a note is drawn now, as x and y in the frame `area` (kept inside it).
   * @param {HTMLElement} article
   * @param {Element} area
   */
  placeIn(article, area) {
    const frame = area.getBoundingClientRect();
    const box = article.getBoundingClientRect();
    const x = Math.round(Math.min(Math.max(0, (box.left - frame.left) / this.zoom - area.clientLeft), area.clientWidth - NOTE_W));
    const y = Math.round(Math.max(0, (box.top - frame.top) / this.zoom - area.clientTop));
    return { x, y };
  }

  /**
   * Arrow keys on a note (and the other selected notes, when it is one of them): they move
   * `dx`, `dy` px here at once, together and inside their frames; one op per note goes
   * when the keys have been let go for a moment.
   * @param {HTMLElement} article
   * @param {number} dx
   * @param {number} dy
   */
  nudge(article, dx, dy) {
    if (this.nudging && this.nudging.article !== article) this.settle();
    const loose = (/** @type {HTMLElement} */ a) => Boolean(a.parentElement?.parentElement?.matches(".area > .notes"));
    const n = (this.nudging ??= {
      article,
      articles: article.hasAttribute("data-selected") ? this.selection().filter(loose) : [article],
      dx: 0,
      dy: 0,
      timer: 0,
    });
    let [low, high, lowY] = [-Infinity, Infinity, -Infinity];
    for (const a of n.articles) {
      const li = /** @type {HTMLElement} */ (a.parentElement);
      const left = parseFloat(li.style.left) || 0;
      const inner = /** @type {HTMLElement | null} */ (li.offsetParent)?.clientWidth ?? FRAME_W;
      low = Math.max(low, -left);
      high = Math.min(high, inner - NOTE_W - left);
      lowY = Math.max(lowY, -(parseFloat(li.style.top) || 0));
    }
    n.dx = Math.min(Math.max(n.dx + dx, low), high);
    n.dy = Math.max(n.dy + dy, lowY);
    for (const a of n.articles) /** @type {HTMLElement} */ (a.parentElement).style.translate = `${n.dx}px ${n.dy}px`;
    clearTimeout(n.timer);
    n.timer = setTimeout(() => this.settle(), NUDGE_SEND_MS);
    this.reveal(article);
  }

  settle() {
    const n = this.nudging;
    if (!n) return;
    this.nudging = null;
    clearTimeout(n.timer);
    const drops = [];
    for (const a of n.articles) {
      const li = /** @type {HTMLElement} */ (a.parentElement);
      li.style.translate = "";
      if (!a.isConnected || (!n.dx && !n.dy)) continue;
      const x = Math.round((parseFloat(li.style.left) || 0) + n.dx);
      const y = Math.round((parseFloat(li.style.top) || 0) + n.dy);
      const area = /** @type {HTMLElement | null} */ (a.closest("section.area"));
      drops.push({ noteId: a.dataset.noteId ?? "", area: area?.dataset.key ?? "", group: null, x, y, nudge: true });
    }
    for (const drop of drops) this.handlers.onDrop(drop);
  }
}

/**
 * @typedef {{noteId: string, area: string, group: string | null, x: number, y: number, nudge?: boolean}} Drop
 * @typedef {{note_id: string, area: string, x: number, y: number}} Drag
 */
