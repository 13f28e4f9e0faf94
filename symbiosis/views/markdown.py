"""Text a user typed, shown inside a Markdown message (``st.info``, ``st.error``…) exactly as typed."""

from __future__ import annotations

import re

__all__ = ["markdown_plain"]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def markdown_plain(text: object, *, max_chars: int | None = None) -> str:
    """Return ``text`` with every Markdown sign escaped: shown as typed, never as markup.

    ``max_chars`` cuts a long text (with « … ») before escaping: a message quotes, it does not
    reprint 5,000 characters.

    Examples
    --------
    >>> markdown_plain("**Saint-Bidon**")
    '\\\\*\\\\*Saint\\\\-Bidon\\\\*\\\\*'
    """
    text = str(text)
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars] + "…"
    return _MARKDOWN.sub(r"\\\1", text)
