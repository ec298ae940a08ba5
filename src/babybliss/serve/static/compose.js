// Compose from symbols: find symbols by English gloss (type-ahead), put them in a row, choose the tense, and read
// the English that Bliss -> English gives. A combobox (ARIA 1.2): arrows choose, Enter adds, Escape closes.
"use strict";
{
  const search = document.getElementById("symbol-search");
  const options = document.getElementById("symbol-options");
  const row = document.getElementById("composed");
  const status = document.getElementById("compose-status");
  const readButton = document.getElementById("read-english");
  const blissLine = document.getElementById("composed-bliss");
  const english = document.getElementById("composed-english");
  let found = [];
  let active = -1;
  let ticket = 0;
  const composed = [];

  function tense() {
    return document.querySelector("input[name=tense]:checked").value;
  }

  function blissText() {
    return composed.length ? `${tense()}:${composed.map((s) => s.gloss).join(" ")}.` : "";
  }

  function markActive() {
    [...options.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) {
      search.setAttribute("aria-activedescendant", options.children[active].id);
      options.children[active].scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  function showOptions(symbols) {
    found = symbols;
    active = symbols.length ? 0 : -1;
    options.replaceChildren(
      ...symbols.map((s, i) => {
        const option = document.createElement("li");
        option.id = `symbol-option-${i}`;
        option.setAttribute("role", "option");
        option.append(blissWord({ word: s.gloss, id: s.id, gloss: s.gloss, code: s.code }));
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the search box
          add(i);
        });
        return option;
      }),
    );
    options.hidden = !symbols.length;
    search.setAttribute("aria-expanded", String(symbols.length > 0));
    markActive();
  }

  async function lookUp() {
    const query = search.value.trim();
    const mine = ++ticket;
    if (!query) {
      showOptions([]);
      status.textContent = "";
      return;
    }
    try {
      const response = await fetch(`v1/symbols?q=${encodeURIComponent(query)}&limit=8`);
      const body = await response.json().catch(() => ({}));
      if (mine !== ticket) return; // a later keystroke's answer wins
      const symbols = response.ok ? body.symbols : [];
      showOptions(symbols);
      status.textContent = symbols.length ? `${symbols.length} symbols found.` : `No symbol found for “${query}”.`;
    } catch (err) {
      if (mine === ticket) status.textContent = "The server cannot be reached.";
    }
  }

  function renderRow() {
    // the first verb is the sentence's main verb: it carries the chosen tense's indicator, as the converter draws it
    const verb = composed.findIndex((s) => s.tensed);
    row.replaceChildren(
      ...composed.map((s, i) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "composed-symbol";
        button.setAttribute("aria-label", `${s.gloss} (remove)`);
        const code = i === verb ? s.tensed[tense()] || s.code : s.code;
        button.append(blissWord({ word: s.gloss, id: s.id, gloss: s.gloss, code }));
        button.addEventListener("click", () => remove(i));
        item.append(button);
        return item;
      }),
    );
    readButton.disabled = !composed.length;
    blissLine.textContent = blissText();
  }

  function add(i) {
    const symbol = found[i];
    composed.push(symbol);
    renderRow();
    search.value = "";
    showOptions([]);
    status.textContent = `Added ${symbol.gloss}; ${composed.length} in the row.`;
    search.focus();
  }

  function remove(i) {
    const [symbol] = composed.splice(i, 1);
    renderRow();
    status.textContent = `Removed ${symbol.gloss}; ${composed.length} in the row.`;
    const next = row.querySelectorAll("button")[Math.min(i, composed.length - 1)];
    (next || search).focus();
  }

  async function read() {
    const text = blissText();
    if (!text) return;
    readButton.disabled = true;
    english.setAttribute("aria-busy", "true");
    try {
      const response = await fetch("v1/convert", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ direction: "b2e", sentences: [text] }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        english.replaceChildren(plainParagraph(plainError(response.status, body, [text], response.headers.get("Retry-After"))));
        return;
      }
      english.replaceChildren(answerElement("b2e", body.results[0]));
      addHistory("b2e", body.results, [rowFigure()]);
    } catch (err) {
      english.replaceChildren(plainParagraph("The server cannot be reached. Check that it is still running, then try again."));
    } finally {
      readButton.disabled = !composed.length;
      english.setAttribute("aria-busy", "false");
    }
  }

  // The composed row drawn as a figure (for the history's cards), or null while nothing is drawn.
  function rowFigure() {
    const cells = [...row.querySelectorAll(".bliss-word")];
    if (!cells.some((cell) => cell.querySelector("svg"))) return null;
    const figure = document.createElement("figure");
    figure.className = "bliss-sentence";
    figure.setAttribute("role", "img");
    figure.setAttribute("aria-label", composed.map((s) => s.gloss).join(" "));
    figure.append(...cells.map((cell) => cell.cloneNode(true)));
    return figure;
  }

  function plainParagraph(text) {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = text;
    return p;
  }

  search.addEventListener("input", lookUp);
  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && found.length) {
      active = (active + 1) % found.length;
      markActive();
      event.preventDefault();
    } else if (event.key === "ArrowUp" && found.length) {
      active = (active - 1 + found.length) % found.length;
      markActive();
      event.preventDefault();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (active >= 0) add(active);
    } else if (event.key === "Escape") {
      showOptions([]);
    }
  });
  search.addEventListener("blur", () => showOptions([]));
  for (const radio of document.querySelectorAll("input[name=tense]")) {
    radio.addEventListener("change", renderRow);
  }
  readButton.addEventListener("click", read);
}
