// A drawn Bliss sentence out of the page: copy it (PNG, with the SVG as text) or download it as SVG or PNG.
// Each <div class="drawing-tools" data-source="SELECTOR" data-name="NAME"> holds three buttons (data-action copy,
// svg, png) and a status; they are enabled while the source holds drawn symbols. The drawing is one SVG: each
// drawn row (a .bliss-sentence, or the source itself) a line of symbols, each over its gloss.
"use strict";
{
  const SVG_NS = "http://www.w3.org/2000/svg";
  const GAP = 16;
  const GLOSS_SIZE = 16;
  const PNG_SCALE = 2;

  function measure(text) {
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${GLOSS_SIZE}px sans-serif`;
    return context.measureText(text).width;
  }

  function size(svg) {
    const width = parseFloat(svg.getAttribute("width"));
    const height = parseFloat(svg.getAttribute("height"));
    if (width && height) return [width, height];
    const box = (svg.getAttribute("viewBox") || "0 0 64 64").split(/[\s,]+/).map(Number);
    return [box[2], box[3]];
  }

  function rowsOf(source) {
    const figures = [...source.querySelectorAll(".bliss-sentence")];
    const rows = figures.length ? figures : [source];
    return rows.map((row) => [...row.querySelectorAll(".bliss-word")].filter((cell) => cell.querySelector("svg")))
      .filter((cells) => cells.length);
  }

  // The source's drawing as one standalone SVG document (text).
  function drawingSvg(source) {
    const glosses = !document.body.classList.contains("hide-glosses");
    const root = document.createElementNS(SVG_NS, "svg");
    const background = document.createElementNS(SVG_NS, "rect");
    background.setAttribute("fill", "#ffffff");
    root.append(background);
    const labels = [];
    let top = GAP;
    let widest = 0;
    for (const cells of rowsOf(source)) {
      let left = GAP;
      let tallest = 0;
      const placed = cells.map((cell) => {
        const [width, height] = size(cell.querySelector("svg"));
        const gloss = cell.querySelector(".bliss-gloss").textContent;
        const cellWidth = Math.max(width, glosses ? measure(gloss) : 0);
        const item = { cell, width, height, gloss, left, cellWidth };
        left += cellWidth + GAP;
        tallest = Math.max(tallest, height);
        return item;
      });
      for (const item of placed) {
        const symbol = item.cell.querySelector("svg").cloneNode(true);
        symbol.removeAttribute("aria-hidden");
        symbol.setAttribute("x", item.left + (item.cellWidth - item.width) / 2);
        symbol.setAttribute("y", top + tallest - item.height);
        symbol.setAttribute("width", item.width);
        symbol.setAttribute("height", item.height);
        root.append(symbol);
        if (glosses) {
          const text = document.createElementNS(SVG_NS, "text");
          text.setAttribute("x", item.left + item.cellWidth / 2);
          text.setAttribute("y", top + tallest + GLOSS_SIZE + 4);
          text.setAttribute("text-anchor", "middle");
          text.setAttribute("font-family", "sans-serif");
          text.setAttribute("font-size", GLOSS_SIZE);
          text.setAttribute("fill", "#1a1a1a");
          text.textContent = item.gloss;
          root.append(text);
        }
        labels.push(item.gloss);
      }
      widest = Math.max(widest, left);
      top += tallest + (glosses ? GLOSS_SIZE + 8 : 0) + GAP;
    }
    const title = document.createElementNS(SVG_NS, "title");
    title.textContent = labels.join(" ");
    root.prepend(title);
    for (const [name, value] of [["xmlns", SVG_NS], ["width", widest], ["height", top], ["viewBox", `0 0 ${widest} ${top}`]]) {
      root.setAttribute(name, value);
    }
    background.setAttribute("width", widest);
    background.setAttribute("height", top);
    return new XMLSerializer().serializeToString(root);
  }

  function pngOf(svg) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = image.width * PNG_SCALE;
        canvas.height = image.height * PNG_SCALE;
        const context = canvas.getContext("2d");
        context.scale(PNG_SCALE, PNG_SCALE);
        context.drawImage(image, 0, 0);
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no PNG"))), "image/png");
      };
      image.onerror = () => reject(new Error("the drawing could not be read"));
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    });
  }

  function download(blob, filename) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  async function act(action, source, name, status) {
    const svg = drawingSvg(source);
    try {
      if (action === "svg") {
        download(new Blob([svg], { type: "image/svg+xml" }), `${name}.svg`);
        status.textContent = `Downloaded ${name}.svg.`;
      } else if (action === "png") {
        download(await pngOf(svg), `${name}.png`);
        status.textContent = `Downloaded ${name}.png.`;
      } else {
        const png = await pngOf(svg);
        await navigator.clipboard.write([
          new ClipboardItem({ "image/png": png, "text/plain": new Blob([svg], { type: "text/plain" }) }),
        ]);
        status.textContent = "Drawing copied.";
      }
    } catch (err) {
      status.textContent = action === "copy" ? "Copy failed: download the drawing instead." : "The download failed.";
    }
  }

  for (const tools of document.querySelectorAll(".drawing-tools")) {
    const source = document.querySelector(tools.dataset.source);
    const status = tools.querySelector(".drawing-status");
    const buttons = tools.querySelectorAll("button[data-action]");
    const refresh = () => {
      const drawn = rowsOf(source).length > 0;
      for (const button of buttons) button.disabled = !drawn;
      if (!drawn) status.textContent = "";
    };
    for (const button of buttons) {
      button.addEventListener("click", () => act(button.dataset.action, source, tools.dataset.name, status));
    }
    new MutationObserver(refresh).observe(source, { childList: true, subtree: true });
    refresh();
  }

  window.blissDrawingSvg = drawingSvg;
}
