// Draw an API result's `symbols` (word, id, gloss, code) as Blissymbols, one word at a time with its gloss under it.
// Needs the renderer's browser build first: <script src="/vendor/bliss-svg-builder.js"></script> (BlissSVGBuilder).
// blissSymbols(words, {glosses: true, height: 64}) returns a <figure role="img"> labelled with the glosses;
// blissWord(word, height) is one word's cell (its symbol over its gloss; the gloss alone without the renderer).
"use strict";

function blissWord(word, height) {
  const cell = document.createElement("span");
  cell.className = "bliss-word" + (word.id === null && word.gloss === null ? " bliss-letters" : "");
  cell.dataset.code = word.code;
  if (typeof BlissSVGBuilder !== "undefined") {
    const svg = new BlissSVGBuilder(`[svg-height=${Number(height || 64)}]||${word.code}`).svgElement;
    svg.setAttribute("aria-hidden", "true");
    cell.appendChild(svg);
  }
  const gloss = document.createElement("span");
  gloss.className = "bliss-gloss";
  gloss.textContent = word.gloss || word.word;
  cell.appendChild(gloss);
  return cell;
}

function blissSymbols(words, options) {
  const settings = Object.assign({ glosses: true, height: 64 }, options || {});
  const figure = document.createElement("figure");
  figure.className = "bliss-sentence" + (settings.glosses ? "" : " bliss-glosses-hidden");
  figure.setAttribute("role", "img");
  figure.setAttribute("aria-label", words.map((w) => w.gloss || w.word).join(" "));
  for (const word of words) figure.appendChild(blissWord(word, settings.height));
  return figure;
}
