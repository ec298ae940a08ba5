// babybliss's batch renderer: one node process draws many Bliss sentences with bliss-svg-builder (MPL-2.0).
// stdin: a JSON list of {code, title, height}; stdout: a JSON list of {svg, warnings, words}, in the same order, where
// words lists each drawn word's characters and indicators as the renderer parsed them.
"use strict";
const { BlissSVGBuilder } = require("bliss-svg-builder");

const SPACES = new Set(["SP", "TSP", "QSP"]);

function quoted(text) {
  return '"' + String(text).replace(/"/g, "'") + '"';
}

function parsedWords(builder) {
  const words = [];
  for (const group of builder.toJSON({ flattenIndicators: true }).groups) {
    const parts = group.glyphs.flatMap((glyph) => glyph.parts || []);
    if (parts.every((part) => SPACES.has(part.codeName))) continue;
    words.push({
      characters: parts.filter((part) => !part.isIndicator).map((part) => part.codeName),
      indicators: parts.filter((part) => part.isIndicator).map((part) => part.codeName),
    });
  }
  return words;
}

function draw(item) {
  const settings = [];
  if (item.title) settings.push(`svg-title=${quoted(item.title)}`);
  if (item.height) settings.push(`svg-height=${Number(item.height)}`);
  const options = settings.length ? `[${settings.join(";")}]||` : "";
  const builder = new BlissSVGBuilder(options + item.code);
  return {
    svg: builder.svgCode,
    warnings: builder.warnings.map((w) => w.message || String(w)),
    words: parsedWords(builder),
  };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(input).map(draw)));
});
