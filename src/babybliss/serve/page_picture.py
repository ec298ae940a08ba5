"""docs/serve-page.png, the page's picture in the docs, knows which page it shows: `bench/bench_serve.py` takes it from
the live page and writes into it the digest of the page's files (its template, scripts and styles), and a test
compares that digest with the files as they are now, so a changed page with an old picture fails the suite."""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE = Path(__file__).parent
PAGE_FILES = ("templates/index.html", "static/*.js", "static/*.css")
"""What the page is made of: its template and the files in static/ (the API docs' starter among them)."""
DIGEST_KEY = "babybliss-page-sha256"


def page_digest() -> str:
    """SHA-256 over the page's files, by name and content, in name order."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in PAGE_FILES for p in PACKAGE.glob(pattern)}):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def save_picture(png: bytes, path: Path) -> None:
    """The screenshot `png` saved at `path` with the page's digest in a PNG text chunk."""
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(DIGEST_KEY, page_digest())
    Image.open(io.BytesIO(png)).save(path, pnginfo=info, optimize=True)


def picture_digest(path: Path) -> str | None:
    """The page digest written into the picture at `path` (None if it has none)."""
    from PIL import Image

    with Image.open(path) as image:
        return image.text.get(DIGEST_KEY)
