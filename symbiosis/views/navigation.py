"""Which page address a browser asked for that the app does not have (a typo, an old bookmark).

Streamlit answers an unknown address with its own English « Page not found » dialog. The app
serves such an address as its landing page instead (:func:`app_pages.state.navigation_pages`) and
says, in the reader's language, that the address does not exist; this module only reads the
address out of the browser's URL. Pure: strings in, a string out.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import unquote, urlparse

__all__ = ["unknown_address"]

#: The addresses Streamlit accepts as a page's ``url_path`` (one path segment of plain characters).
_ADDRESS = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def unknown_address(url: str | None, known: Collection[str], *, base_path: str = "") -> str | None:
    """Return the page address of ``url`` when the app has no such page, else ``None``.

    Parameters
    ----------
    url
        The browser's URL (``st.context.url``), ``None`` outside a browser.
    known
        The app's page addresses (``""`` for the landing page).
    base_path
        The server's ``baseUrlPath`` (the app served under ``/symbiose``, say).

    Returns
    -------
    str or None
        The unknown address (``"mes-fluxx"``); ``None`` for a known one, the root, or an address
        that cannot be a page's (nested, odd characters: Streamlit's own answer stays).

    Examples
    --------
    >>> unknown_address("http://127.0.0.1:8501/mes-fluxx", {"", "mes-flux"})
    'mes-fluxx'
    >>> unknown_address("http://127.0.0.1:8501/mes-flux", {"", "mes-flux"}) is None
    True
    """
    if not url:
        return None
    path = unquote(urlparse(url).path).strip("/")
    base = base_path.strip("/")
    if base:
        if path != base and not path.startswith(base + "/"):
            return None
        path = path[len(base) :].strip("/")
    if not path or path in known or not _ADDRESS.match(path):
        return None
    return path
