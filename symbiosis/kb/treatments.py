"""Pre-treatments a supply's description states as already done (« hygiénisé », "dewatered", "ground").

A rule names the step a residue needs before its receiver can use it (``rules.pretreatment``:
drying, dewatering, hygienisation…) and the engine charges that step's rate
(:meth:`symbiosis.engine.config.MatchConfig.pretreatment_rate`). A supplier who already did it says
so: "Yeast slurry from insulin fermentation, **heat treated**", « boues **déshydratées** »,
"**Ground** granulated blast furnace slag". Charging the step again made documented exchanges look
unprofitable (25 $/t of hygienisation on an inactivated biomass) and misstated what the receiver pays.

:func:`stated_treatments` reads, per supply description, the mask of the pre-treatments
(:data:`symbiosis.kb.rules.PRETREATMENTS`, bit ``i`` for the ``i``-th) it states as done. Only past
participles and the nouns that name a treated form ("filter cake", « broyat ») count; the name of
the operation ("screenings", « tamisage », "dryer") and a step still to do ("to be dried",
« à sécher », "needs drying") do not; neither does a negation ("not dried", « non trié ») or a partial
step ("partially dewatered"). "Dry matter" / « matière sèche » is a measure, not a state.

Steps nobody states (the pipe itself, a heat exchanger) have no pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from symbiosis.kb._text import _fold, masks_of_texts
from symbiosis.kb.rules import PRETREATMENTS

__all__ = ["TREATED", "stated_treatments", "treatment_bit"]

#: A step still to do, negated or only partly done, before the participle (fixed-width look-behinds).
_NOT = (
    r"(?<!\bnot )(?<!\bnon )(?<!\bnon-)(?<!\bpas )(?<!\bbe )(?<!\betre )(?<!\bpartially )(?<!\bpartly )"
    r"(?<!\bpartiellement )(?<!\binsufficiently )(?<!\bmal )"
)
_E = r"(?:e|ee|es|ees)"  # French participle endings once accents are folded: seche, sechee, seches…

#: Pre-treatment code → pattern on folded text (lower case, no accents), participles and treated forms;
#: :data:`_PATTERN` adds the word boundaries and :data:`_NOT`.
TREATED: dict[str, str] = {
    "drying": rf"(?:(?:kiln|oven|air|sun|pre)[ -]?dried|dried|(?:pre)?sech{_E}|dessech{_E})",
    "dewatering": rf"(?:de-?watered|centrifuged|(?:filter|press)[ -]?(?:pressed|cake)|pressed cake"
    rf"|deshydrat{_E}|essor{_E}|centrifug{_E}|gateaux? de (?:filtr\w*|presse|filtre[ -]presse))",
    "hygienisation": rf"(?:heat[ -]treated|pasteuri[sz]ed|hygieni[sz]ed|sterili[sz]ed|sanitised"
    rf"|sanitized|inactivated|pasteuris{_E}|hygienis{_E}|sterilis{_E}|inactiv{_E}"
    r"|traite(?:e|s|es)? thermiquement)",
    "grinding": r"(?:ground(?![ -](?:water|floor|level|source|mounted|surface|contamination))"
    r"|milled|pulveri[sz]ed|powdered|microni[sz]ed|regrind|moulu(?:e|s|es)?|broy(?:e|ee|es|ees)|broyats?"
    r"|pulveris(?:e|ee|es|ees)|micronis(?:e|ee|es|ees)|en poudre)",
    "crushing": rf"(?:crushed|concass{_E})",
    # « crible » is also the sieve itself (« refus du crible »): after an article it is the machine.
    "screening": r"(?:screened|sieved|(?<!\bdu )(?<!\ble )(?<!\bau )(?<!\bun )(?<!\bde )cribl(?:e|ee|es|ees)"
    r"|tamis(?:e|ee|es|ees))",
    "sorting": rf"(?:sorted|tri{_E})",
    "cleaning": rf"(?:washed|cleaned|de-?oiled|degreased|lav{_E}|nettoy{_E}|deshuil{_E}|degraiss{_E})",
    "neutralisation": rf"(?:neutrali[sz]ed|neutralis{_E})",
    "composting": rf"(?:composted|compost{_E})",
    "decontamination": rf"(?:decontaminated|decontamin{_E}|depollu{_E})",
    "baling": r"(?:baled|en balles?|mis(?:es)? en balles?)",
    "upgrading": r"(?:upgraded|bio-?methane|rng|renewable natural gas)",
}
_UNKNOWN = sorted(set(TREATED) - set(PRETREATMENTS))
if _UNKNOWN:  # pragma: no cover - guards the table above against a renamed rules vocabulary
    raise ValueError(f"treatments without a pre-treatment code: {_UNKNOWN}")

#: A measure of solids, never a state ("10 % dry matter", « 25 % de matière sèche », "DS").
_MEASURE = re.compile(r"\b(?:dry (?:matter|solids?|substance|weight|basis)|matieres? seches?|poids sec)\b")
# One word boundary and one set of look-behinds for every step: tried at each position of a long text
# they cost ten times the scan (a hostile 100 kB text took 0.2 s).
_PATTERN = re.compile(
    r"\b" + _NOT + "(?:" + "|".join(f"(?P<{name}>{p})" for name, p in TREATED.items()) + r")\b"
)


def treatment_bit(code: str) -> int:
    """The bit of one pre-treatment code in a :func:`stated_treatments` mask (0 for an unknown code)."""
    try:
        return 1 << PRETREATMENTS.index(str(code).strip().lower())
    except ValueError:
        return 0


@lru_cache(maxsize=65536)
def _stated(text: str) -> int:
    folded = _MEASURE.sub(" ; ", _fold(text))
    bits = 0
    for match in _PATTERN.finditer(folded):
        bits |= treatment_bit(str(match.lastgroup))
    return bits


def stated_treatments(texts: Sequence[str] | pd.Series | np.ndarray) -> np.ndarray:
    """Per supply description, the mask of the pre-treatments it states as done (``int64``, 0: none).

    Examples
    --------
    >>> from symbiosis.kb.treatments import treatment_bit as bit
    >>> masks = stated_treatments(
    ...     ["Yeast slurry, heat treated, 10 % dry matter", "Boues à sécher", "Boues déshydratées"]
    ... )
    >>> [bool(m & bit("hygienisation")) for m in masks], [bool(m & bit("dewatering")) for m in masks]
    ([True, False, False], [False, False, True])
    """
    return masks_of_texts(texts, _stated)
