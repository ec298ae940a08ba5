// The history as communication cards: printed (the page's print style lays each message out as a card with its
// Bliss drawing), or as a board for AAC apps (POST v1/board: an Open Board Format .obz with the drawings inside).
"use strict";
{
  const history = document.getElementById("history");
  const printButton = document.getElementById("print-cards");
  const boardButton = document.getElementById("make-board");
  const status = document.getElementById("cards-status");

  function messages() {
    // oldest first, each message once: the board's buttons in the order they were said
    const texts = [...history.querySelectorAll(".card-english")].map((p) => p.textContent.trim()).filter((t) => t);
    return [...new Set(texts.reverse())];
  }

  function refresh() {
    const empty = !history.children.length;
    printButton.disabled = empty;
    boardButton.disabled = empty;
  }

  async function makeBoard() {
    boardButton.disabled = true;
    status.textContent = "Making the board…";
    try {
      const response = await fetch("v1/board", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sentences: messages(), format: "obz", name: "babybliss messages" }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        status.textContent = (body.error && body.error.code) === "renderer_missing"
          ? "The board needs the symbol renderer, which this server lacks."
          : `The board could not be made (error ${response.status}).`;
        return;
      }
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = "babybliss-board.obz";
      document.body.append(link);
      link.click();
      link.remove();
      status.textContent = "Downloaded babybliss-board.obz.";
    } catch (err) {
      status.textContent = "The server cannot be reached. Check that it is still running, then try again.";
    } finally {
      refresh();
    }
  }

  printButton.addEventListener("click", () => window.print());
  boardButton.addEventListener("click", makeBoard);
  new MutationObserver(refresh).observe(history, { childList: true });
  refresh();
}
