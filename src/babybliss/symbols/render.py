"""Drawing Bliss symbols as SVG with the npm package bliss-svg-builder (MPL-2.0), installed by `make` from the
repository's package-lock.json (`npm ci`). One node process draws a whole batch; nothing is fetched at run time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from babybliss.errors import BlissError

RENDERER = "bliss-svg-builder"
BROWSER_BUILD = Path("dist") / "bliss-svg-builder.iife.js"
"""The renderer's browser build (a plain <script>; defines `BlissSVGBuilder`), served by `babybliss serve`."""
NODE_MODULES_ENV = "BABYBLISS_NODE_MODULES"
"""A node_modules folder holding bliss-svg-builder, where it is not in the checkout's own node_modules/."""
TIMEOUT_S = 120


class RendererMissing(BlissError):
    """node or the bliss-svg-builder package is not installed."""


@dataclass
class Drawing:
    svg: str
    warnings: list[str]
    """What the renderer dropped or fixed up (unknown codes); empty for a clean drawing."""
    words: list[dict]
    """Each drawn word as the renderer parsed it: {characters: [...], indicators: [...]} (punctuation included)."""


@lru_cache(maxsize=1)
def node_modules() -> Path:
    """The node_modules folder with bliss-svg-builder: $BABYBLISS_NODE_MODULES, else the nearest one above the
    package (the checkout's, where `make` ran `npm ci`), else the current folder's."""
    given = os.environ.get(NODE_MODULES_ENV)
    places = [Path(given)] if given else []
    places += [parent / "node_modules" for parent in Path(__file__).resolve().parents]
    places.append(Path.cwd() / "node_modules")
    for place in places:
        if (place / RENDERER / "package.json").is_file():
            return place
    raise RendererMissing(
        f"the Bliss renderer ({RENDERER}) is not installed: run `make setup` (npm ci) in the babybliss checkout, "
        f"or set {NODE_MODULES_ENV} to a node_modules folder that has it"
    )


def node() -> str:
    found = shutil.which("node")
    if not found:
        raise RendererMissing("node is not installed: Bliss symbols are drawn by Node.js (install nodejs, then `make setup`)")
    return found


def browser_script() -> Path:
    """The renderer's browser build, for the page to load from the server (no CDN)."""
    return node_modules() / RENDERER / BROWSER_BUILD


def draw(codes: list[str], titles: list[str] | None = None, height: int | None = None) -> list[Drawing]:
    """Each DSL code drawn as an SVG (with its title for screen readers; `height` in pixels, else the renderer's
    129), all in one node process."""
    if not codes:
        return []
    items = [{"code": c, "title": t, "height": height} for c, t in zip(codes, titles or [""] * len(codes))]
    script = resources.files("babybliss.symbols") / "render.cjs"
    env = {**os.environ, "NODE_PATH": str(node_modules())}
    try:
        done = subprocess.run([node(), str(script)], input=json.dumps(items), capture_output=True, text=True,
                              env=env, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise BlissError(f"the Bliss renderer took longer than {TIMEOUT_S} s for {len(codes)} drawings") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BlissError(f"the Bliss renderer failed (node exit {done.returncode}): {last}")
    return [Drawing(d["svg"], d["warnings"], d["words"]) for d in json.loads(done.stdout)]


def renderer_available() -> str | None:
    """None when node and the renderer are installed; else the one-line reason they are not."""
    try:
        node()
        node_modules()
    except RendererMissing as err:
        return str(err)
    return None


def draw_sentences(sentences, height: int | None = None) -> list[Drawing]:
    """SymbolSentences (babybliss.symbols.sentence) drawn, each with its glosses as the SVG's title."""
    return draw([s.code for s in sentences], [s.label for s in sentences], height)
