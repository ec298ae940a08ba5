// The converter page: Enter converts (Shift+Enter adds a line), each line is a sentence, results are announced.
"use strict";

const MARKERS = JSON.parse(document.getElementById("result").dataset.markers);
// a new Bliss sentence starts after an end mark, a space and a marker (docs/conceptual-bliss.md §1)
const SENTENCE_BREAK = /(?<=[.?!]) (?=[a-z ]+:)/;
const HISTORY_LENGTH = 10;
const DIRECTION_NAMES = { e2b: "English → Bliss", b2e: "Bliss → English" };

const form = document.getElementById("convert-form");
const box = document.getElementById("sentences");
const convertButton = document.getElementById("convert");
const untunedWarning = document.getElementById("untuned-warning");
const result = document.getElementById("result");
const error = document.getElementById("error");
const copyButton = document.getElementById("copy");
const copyStatus = document.getElementById("copy-status");
const history = document.getElementById("history");
const sentenceTemplate = document.getElementById("sentence-template");
const answerTemplate = document.getElementById("answer-template");
const untuned = { e2b: form.dataset.untunedE2b === "true", b2e: form.dataset.untunedB2e === "true" };
const maxChars = Number(form.dataset.maxChars);
const maxSentences = Number(form.dataset.maxSentences);
let lastText = "";
let busy = false;

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

// Why an answer should not be trusted as it stands ("" when nothing is known against it).
function doubt(dir, r) {
  if (untuned[dir]) return "Not a real conversion: the model is not fine-tuned.";
  if (r.confident === false && r.warnings && r.warnings.length) return `Unsure: ${r.warnings.join("; ")}.`;
  if (r.confident === false || r.clean_stop === false) return "Unsure: check this answer before you use it.";
  return "";
}

// One result: each of its sentences with its marker, its Bliss symbols, and why to doubt it where shown.
function answerElement(dir, r) {
  const node = answerTemplate.content.firstElementChild.cloneNode(true);
  const note = node.querySelector(".caution");
  note.before(...r.output.split(SENTENCE_BREAK).map(sentenceElement));
  if (r.symbols && r.symbols.length && typeof BlissSVGBuilder !== "undefined") {
    const figure = blissSymbols(r.symbols);
    figure.tabIndex = 0; // reachable by keyboard, its glosses read as its label
    note.before(figure);
  }
  const why = doubt(dir, r);
  if (why) {
    node.classList.add("doubtful");
    note.textContent = why;
    note.hidden = false;
  }
  return node;
}

function direction() {
  return form.querySelector("input[name=direction]:checked").value;
}

function showUntunedWarning() {
  const dir = direction();
  untunedWarning.hidden = !untuned[dir];
  untunedWarning.textContent = `${DIRECTION_NAMES[dir]} is served by a model that is not fine-tuned: its answers are not real conversions.`;
}

// Each result in the history, with what a printed card shows (its English and its drawing, `figures[i]`).
function addHistory(dir, results, figures) {
  results.forEach((r, i) => {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.className = "history-direction";
    label.textContent = `${DIRECTION_NAMES[dir]}: `;
    const why = doubt(dir, r);
    const text = document.createElement("span");
    text.className = "history-text";
    text.textContent = `${r.input} → ${r.output}` + (why ? ` (${why.split(":")[0].toLowerCase()})` : "");
    const card = document.createElement("p");
    card.className = "card-english";
    card.textContent = dir === "e2b" ? r.input : r.output;
    item.append(label, text, card);
    const figure = figures && figures[i];
    if (figure) {
      const symbols = figure.cloneNode(true);
      symbols.classList.add("card-symbols");
      symbols.removeAttribute("tabindex");
      item.append(symbols);
    }
    item.dataset.direction = dir;
    history.prepend(item);
  });
  while (history.children.length > HISTORY_LENGTH) history.lastElementChild.remove();
}

// An API error in plain words, saying what to do; the API's own message stays for API users.
function plainError(status, body, sentences, wait) {
  const e = (body && body.error) || {};
  const line = e.sentence !== undefined ? `Line ${e.sentence + 1}` : "A line";
  const length = e.sentence !== undefined && sentences[e.sentence] ? sentences[e.sentence].length : 0;
  switch (e.code) {
    case "sentence_too_long":
      return `${line} is too long: ${length} characters, at most ${maxChars}. Shorten it or split it into two sentences.`;
    case "too_many_sentences":
      return `Too many lines: ${sentences.length}, at most ${maxSentences} at a time. Convert them in parts.`;
    case "not_text":
      return `${line} holds a character that is not text (perhaps from copy and paste). Type the line again.`;
    case "empty_sentence":
    case "no_sentences":
      return "Type a sentence first.";
    case "conversion_failed":
      return `${line} could not be converted. Check its spelling, or convert the other lines without it.`;
    case "busy":
      return `The converter is busy. Try again in ${wait || "a few"} seconds.`;
    case "timeout":
      return "The request took too long to arrive. Try again.";
    case "host_not_allowed":
      return "This server does not answer at this address. Open it at the address its owner gave you.";
    default:
      return `Something went wrong on the server (error ${status}). Try again; if it happens again, tell whoever runs it.`;
  }
}

function showError(message) {
  const placeholder = document.createElement("p");
  placeholder.className = "placeholder";
  placeholder.textContent = "No result.";
  result.replaceChildren(placeholder);
  lastText = "";
  copyButton.disabled = true;
  copyStatus.textContent = "";
  error.textContent = message;
}

function setBusy(on) {
  busy = on;
  convertButton.disabled = on;
  convertButton.textContent = on ? "Converting…" : "Convert";
  result.setAttribute("aria-busy", String(on));
}

async function convert() {
  if (busy) return;
  const sentences = box.value.split("\n").map((s) => s.trim()).filter((s) => s);
  const dir = direction();
  error.textContent = "";
  if (!sentences.length) {
    showError("Type a sentence first.");
    return;
  }
  setBusy(true);
  try {
    const response = await fetch("v1/convert", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ direction: dir, sentences }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      showError(plainError(response.status, body, sentences, response.headers.get("Retry-After")));
      return;
    }
    result.replaceChildren(...body.results.map((r) => answerElement(dir, r)));
    lastText = body.results.map((r) => r.output).join("\n");
    copyButton.disabled = false;
    copyStatus.textContent = "";
    addHistory(dir, body.results, [...result.children].map((answer) => answer.querySelector(".bliss-sentence")));
  } catch (err) {
    showError("The server cannot be reached. Check that it is still running, then try again.");
  } finally {
    setBusy(false);
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
for (const radio of form.querySelectorAll("input[name=direction]")) radio.addEventListener("change", showUntunedWarning);
copyButton.addEventListener("click", copyResult);
document.getElementById("show-glosses").addEventListener("change", (event) => {
  document.body.classList.toggle("hide-glosses", !event.target.checked);
});
showUntunedWarning();
