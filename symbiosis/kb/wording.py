"""The knowledge base's codes in words: a rule's evidence and its pre-treatment step, in French or English.

One wording for every reader of a rule: the exchange drill-down and the prospecting table
(:mod:`symbiosis.views`) and the explanation paragraph of every exported exchange
(:func:`symbiosis.engine.explain.explain_text`) call these, so no file or screen prints
``EXPERT:symbiosis-kb`` or ``MAESTRI:14.15.15|MAESTRI:5.25.14``. The words are in the message
catalogue (``symbiosis/data/messages/labels.yaml``); an unknown code falls back to a readable form of
itself, never a crash.
"""

from __future__ import annotations

import pandas as pd

from symbiosis.i18n import catalogue_keys, t

__all__ = ["evidence_reference_label", "evidence_text", "pretreatment_label", "readable"]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def readable(code: object) -> str:
    """A last-resort label for an unknown id: ``wood_bark`` → ``wood bark`` (never the raw code)."""
    text = "" if _missing(code) else str(code)
    return text.replace("_", " ").replace(":", " ").strip()


def _list_separator(lang: str) -> str:
    return "; " if lang == "en" else " ; "


def pretreatment_label(code: object, lang: str = "fr") -> str:
    """Return a rule's pre-treatment step (``drying``, ``heat_exchanger``…) in ``lang``."""
    key = f"labels.pretreatment.{str(code).strip().lower()}"
    return t(key, lang) if key in catalogue_keys() else readable(code)


def evidence_reference_label(reference: object, lang: str = "fr") -> str:
    """Return a rule's ``|``-joined evidence references as a person reads them.

    A coded reference (``MAESTRI:12.7.1``, ``EXPERT:symbiosis-kb``) is written in words (« cas MAESTRI
    12.7.1 »); a citation (``Birry et al. 2016, Light Metals 2016:467``) is kept as written.
    """
    words = []
    for part in [] if _missing(reference) else str(reference).split("|"):
        source, colon, code = part.strip().partition(":")
        keys = (f"labels.evidence.{source.lower()}.{code}", f"labels.evidence.{source.lower()}")
        known = [k for k in keys if k in catalogue_keys()] if colon and source.isalpha() else []
        words.append(t(known[0], lang, ref=code) if known else part.strip())
    return _list_separator(lang).join(w for w in words if w)


def evidence_text(kind: object, reference: object, note: object, lang: str = "fr") -> str:
    """Return a rule's evidence in one phrase: its kind, its references, its note (« · » between them).

    ``kind`` is the rule's ``evidence_type`` (``maestri``, ``expert``, ``literature``), ``reference``
    its ``evidence_ref`` (see :func:`evidence_reference_label`) and ``note`` its ``evidence_note``,
    written in English in the knowledge base: a French text says so. Empty when the rule gives none.
    """
    kind = "" if _missing(kind) else str(kind).strip()
    key = f"labels.evidence_kind.{kind.lower()}"
    parts = [
        t(key, lang) if key in catalogue_keys() else readable(kind),
        evidence_reference_label(reference, lang),
    ]
    text = "" if _missing(note) else str(note).strip()
    if text:
        parts.append(t("labels.evidence_note", lang, note=text))
    return " · ".join(p for p in parts if p)
