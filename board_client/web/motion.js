// @ts-check
// Calm motion that CSS cannot start by itself (the rest is in board.css): when the phase
// changes, the phase panel glows once. Reduced motion turns the animation off in CSS.

/**
 * Marks `panel` with .phase--changed each time the text of its #phase-title changes while
 * it is shown (not when it appears or goes), restarting the animation for every change.
 * @param {HTMLElement | null} panel
 */
export function highlightPhaseChanges(panel) {
  const title = panel?.querySelector("#phase-title");
  if (!panel || !title) return;
  const visible = () => (panel.hidden ? "" : title.textContent);
  let shown = visible();
  const observer = new MutationObserver(() => {
    const now = visible();
    if (now === shown) return;
    const appearing = !shown || !now; // shown or hidden: that is not a change of phase
    shown = now;
    if (appearing) return;
    panel.classList.remove("phase--changed");
    void panel.offsetWidth; // let the browser see the class go, so the animation restarts
    panel.classList.add("phase--changed");
  });
  observer.observe(title, { childList: true, characterData: true, subtree: true });
  observer.observe(panel, { attributes: true, attributeFilter: ["hidden"] });
}
