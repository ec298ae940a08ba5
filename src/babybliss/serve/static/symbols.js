// Bliss symbols on the page: each word drawn by bliss-svg-builder (served by babybliss from its npm install, no
// CDN) with its English gloss under it; a sentence is one image for screen readers, its glosses its label.
"use strict";

const PUNCTUATION = [".", "?", "!", ","];

function drawSymbol(code) {
  if (typeof BlissSVGBuilder === "undefined" || !code) return null;
  try {
    const svg = new BlissSVGBuilder(code).svgElement;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    return svg;
  } catch (err) {
    return null;
  }
}

// One word: its symbol (or its letters, where the renderer is missing) over its gloss.
function symbolCell(word) {
  const cell = document.createElement("span");
  cell.className = "symbol";
  const svg = drawSymbol(word.code);
  if (svg) {
    cell.append(svg);
  } else {
    const letters = document.createElement("span");
    letters.className = "symbol-missing";
    letters.textContent = word.word;
    cell.append(letters);
  }
  const gloss = document.createElement("span");
  gloss.className = "gloss";
  gloss.textContent = word.gloss || word.word;
  cell.append(gloss);
  return cell;
}

function symbolsLabel(words) {
  const glosses = words.filter((w) => !PUNCTUATION.includes(w.word)).map((w) => w.gloss || w.word);
  return `In Bliss symbols: ${glosses.join(", ")}`;
}

function symbolsFigure(words) {
  const figure = document.createElement("div");
  figure.className = "symbols";
  figure.setAttribute("role", "img");
  figure.setAttribute("aria-label", symbolsLabel(words));
  figure.tabIndex = 0;
  figure.append(...words.map(symbolCell));
  return figure;
}
