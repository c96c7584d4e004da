// @ts-check
// The page's frame: the splitters between the panes (their sizes remembered), and the whole window as the place
// to drop a zip.

import { $ } from './dom.js';
import { prefs } from './state.js';

/**
 * How far an arrow key moves a splitter, in pixels.
 * @type {Record<string, number>}
 */
const ARROW_STEPS = { ArrowLeft: -20, ArrowUp: -20, ArrowRight: 20, ArrowDown: 20 };

/**
 * A splitter that sizes a pane through a CSS variable, by pointer or arrow keys; its size is remembered.
 * @param {HTMLElement} handle
 * @param {string} cssVar
 * @param {{axis: 'x' | 'y', min: number, max: () => number, invert: boolean}} opts
 */
function splitter(handle, cssVar, { axis, min, max, invert }) {
  const root = document.documentElement;
  const saved = prefs.get(cssVar);
  if (saved) root.style.setProperty(cssVar, saved);
  /** @param {number} px */
  const setPx = (px) => {
    const v = `${Math.round(Math.max(min, Math.min(max(), px)))}px`;
    root.style.setProperty(cssVar, v);
    prefs.set(cssVar, v);
  };
  const current = () => parseFloat(getComputedStyle(root).getPropertyValue(cssVar)) || min;
  handle.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    handle.setPointerCapture(e.pointerId);
    const start = axis === 'x' ? e.clientX : e.clientY;
    const size = current();
    /** @param {PointerEvent} ev */
    const move = (ev) => setPx(size + (invert ? -1 : 1) * ((axis === 'x' ? ev.clientX : ev.clientY) - start));
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', () => handle.removeEventListener('pointermove', move), { once: true });
  });
  handle.addEventListener('keydown', (e) => {
    const step = ARROW_STEPS[e.key];
    if (step) { e.preventDefault(); setPx(current() + (invert ? -step : step)); }
  });
}

/** The splitters between the disk list and the editor, and above the dock. */
export function mountSplitters() {
  const main = $('main');
  splitter($('#split-v'), '--right-w', { axis: 'x', min: 320, max: () => main.clientWidth - 360, invert: true });
  splitter($('#split-h'), '--dock-h', { axis: 'y', min: 90, max: () => innerHeight * 0.7, invert: true });
}

/**
 * The whole window accepts a dropped .zip or folder, in browser mode. The dev server refuses them: there a drop is
 * only kept from replacing the page with the dropped file.
 * @param {'browser' | 'server'} mode
 * @param {(file: File | undefined, dt: DataTransfer | null) => void} open called while the drop is dispatched
 */
export function mountDrop(mode, open) {
  /** @param {DragEvent} e */
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  if (mode !== 'browser') {
    for (const type of /** @type {const} */ (['dragover', 'drop'])) {
      window.addEventListener(type, (e) => {
        if (hasFiles(e) && e.dataTransfer) { e.preventDefault(); e.dataTransfer.dropEffect = 'none'; }
      });
    }
    return;
  }
  const overlay = $('#drop-overlay');
  let depth = 0;
  window.addEventListener('dragenter', (e) => { if (hasFiles(e)) { e.preventDefault(); depth++; overlay.hidden = false; } });
  window.addEventListener('dragover', (e) => { if (hasFiles(e) && e.dataTransfer) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
  window.addEventListener('dragleave', (e) => { if (hasFiles(e) && --depth <= 0) { depth = 0; overlay.hidden = true; } });
  window.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const files = [...(e.dataTransfer?.files ?? [])];
    open(files.find((f) => /\.zip$/i.test(f.name)) ?? files[0], e.dataTransfer);
  });
}
