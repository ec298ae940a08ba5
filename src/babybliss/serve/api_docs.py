"""The API's docs, Swagger UI at /docs and ReDoc at /redoc, from the files of the fastapi-offline package: no CDN, and
no request leaves the server's own address."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

REDOC_SCRIPT = "/apidocs/redoc.standalone.js"
"""Where /redoc loads ReDoc from: the package's file, as `redoc_script` gives it."""
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
"""ReDoc's one outside request: Redocly's logo in its sidebar's "API docs by Redocly" link, with no option to turn it off."""
NO_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='0' height='0'/%3E"


def api_docs_assets() -> Path:
    """Swagger UI's and ReDoc's files, as the fastapi-offline package ships them."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


@lru_cache(maxsize=1)
def redoc_script() -> str:
    """ReDoc's standalone script with the logo's address replaced by an empty image (a `data:` URI, which the CSP
    allows): the page asks nothing of Redocly's CDN, and the link's words stay."""
    return (api_docs_assets() / "redoc.standalone.js").read_text(encoding="utf-8").replace(REDOC_LOGO, NO_IMAGE)
