// The converter page: Enter converts (Shift+Enter adds a line), each line is a sentence, results are announced.
"use strict";

const MARKERS = JSON.parse(document.getElementById("result").dataset.markers);
// a new Bliss sentence starts after an end mark, a space and a marker (docs/conceptual-bliss.md §1)
const SENTENCE_BREAK = /(?<=[.?!]) (?=[a-z ]+:)/;
const HISTORY_LENGTH = 10;

const form = document.getElementById("convert-form");
const box = document.getElementById("sentences");
const result = document.getElementById("result");
const error = document.getElementById("error");
const copyButton = document.getElementById("copy");
const copyStatus = document.getElementById("copy-status");
const history = document.getElementById("history");
const sentenceTemplate = document.getElementById("sentence-template");
const unsureTemplate = document.getElementById("unsure-template");
let lastText = "";

function splitMarker(text) {
  const colon = text.indexOf(":");
  const marker = colon > 0 ? text.slice(0, colon).trim() : "";
  return MARKERS.includes(marker) ? [marker, text.slice(colon + 1).trim()] : ["", text];
}

function sentenceElement(text) {
  const node = sentenceTemplate.content.firstElementChild.cloneNode(true);
  const [marker, words] = splitMarker(text);
  const markerNode = node.querySelector(".marker");
  if (marker) {
    markerNode.textContent = marker;
  } else {
    markerNode.remove();
  }
  node.querySelector(".words").textContent = words;
  return node;
}

function resultElements(r) {
  const nodes = r.output.split(SENTENCE_BREAK).map(sentenceElement);
  if (r.confident === false) {
    const note = unsureTemplate.content.firstElementChild.cloneNode(true);
    note.querySelector(".reason").textContent = r.warnings.join("; ");
    nodes.push(note);
  }
  return nodes;
}

function direction() {
  return form.querySelector("input[name=direction]:checked").value;
}

function addHistory(dir, results) {
  for (const r of results) {
    const item = document.createElement("li");
    const arrow = dir === "e2b" ? "English → Bliss" : "Bliss → English";
    item.textContent = `${r.input} → ${r.output}`;
    item.title = arrow;
    history.prepend(item);
  }
  while (history.children.length > HISTORY_LENGTH) history.lastElementChild.remove();
}

async function convert() {
  const sentences = box.value.split("\n").map((s) => s.trim()).filter((s) => s);
  error.textContent = "";
  if (!sentences.length) {
    error.textContent = "Type a sentence first.";
    return;
  }
  form.setAttribute("aria-busy", "true");
  try {
    const response = await fetch("v1/convert", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ direction: direction(), sentences }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const wait = response.headers.get("Retry-After");
      error.textContent = (body.detail || `The server answered ${response.status}.`) + (wait ? ` Try again in ${wait} s.` : "");
      return;
    }
    result.replaceChildren(...body.results.flatMap(resultElements));
    lastText = body.results.map((r) => r.output).join("\n");
    copyButton.disabled = false;
    copyStatus.textContent = "";
    addHistory(direction(), body.results);
  } catch (err) {
    error.textContent = "The server cannot be reached.";
  } finally {
    form.removeAttribute("aria-busy");
  }
}

async function copyResult() {
  try {
    await navigator.clipboard.writeText(lastText);
    copyStatus.textContent = "Copied.";
  } catch (err) {
    copyStatus.textContent = "Copy failed: select the result and copy it by hand.";
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  convert();
});
box.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    convert();
  }
});
copyButton.addEventListener("click", copyResult);
