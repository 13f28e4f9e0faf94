"""Fictional names for the sample region: firm names, contact persons, e-mails and phone numbers.

Firm names combine a sector word with a regional word (rivers, lakes, mountains, animals); person
names combine frequent Québec first names and surnames at random. E-mail domains use the reserved
``.example`` top-level domain and phone numbers the fictional ``555-01xx`` range, so no generated
contact can reach anyone. Names of real companies of the region are refused.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["FORBIDDEN_NAME_PARTS", "contact_frame", "firm_names", "slug"]

#: Regional words used in firm names (geographic features and fauna; no company names).
REGIONAL_WORDS: tuple[str, ...] = (
    "Kénogami",
    "Péribonka",
    "Mistassibi",
    "Ashuapmushuan",
    "Chamouchouane",
    "Mont-Valin",
    "Bras-du-Nord",
    "du Fjord",
    "de la Sagamie",
    "du Royaume",
    "Taillon",
    "Belle-Rivière",
    "Métabetchouane",
    "Chute-aux-Galets",
    "des Cèdres",
    "des Épinettes",
    "du Bouleau",
    "Harfang",
    "du Huard",
    "des Outardes",
    "Lac-Vert",
    "Pékuakami",
    "Ticouapé",
    "Onatchiway",
    "Grande-Décharge",
    "Vauvert",
    "Cap-Jaseux",
    "du Nordet",
    "Boréalis",
    "du Lac",
    "des Bleuets",
    "Caribou",
    "Orignal",
    "Sainte-Marguerite",
    "Pointe-Taillon",
    "Rivière-aux-Sables",
    "Valjalbert",
    "Petit-Saguenay",
    "Mont-Édouard",
    "des Plaines",
    "du Rang Double",
    "Ouiatchouan",
    "Mistouk",
    "Manouane",
    "Pémonca",
    "Wapishish",
    "Bras-des-Canots",
    "Cyriac",
    "Portage-des-Roches",
    "des Aulnaies",
    "Nord-Est",
)
LEGAL_FORMS: tuple[str, ...] = ("inc.", "inc.", "inc.", "Ltée", "Ltée", "", "", "s.e.n.c.")
_LEGAL_SUFFIX = re.compile(r"\s+(inc\.|Ltée|s\.e\.n\.c\.)$")
FIRST_NAMES: tuple[str, ...] = (
    "Marie",
    "Julie",
    "Isabelle",
    "Nathalie",
    "Catherine",
    "Sophie",
    "Mélanie",
    "Geneviève",
    "Karine",
    "Annie",
    "Émilie",
    "Véronique",
    "Josée",
    "Chantal",
    "Audrey",
    "Marc",
    "Martin",
    "Stéphane",
    "Sylvain",
    "Éric",
    "Patrick",
    "Alain",
    "Luc",
    "Jean-François",
    "Mathieu",
    "Simon",
    "Sébastien",
    "Dominic",
    "Guillaume",
    "Yannick",
    "Réjean",
    "Gaétan",
    "Kevin",
    "Olivier",
    "Maxime",
)
LAST_NAMES: tuple[str, ...] = (
    "Tremblay",
    "Gagnon",
    "Bouchard",
    "Côté",
    "Gauthier",
    "Simard",
    "Girard",
    "Lavoie",
    "Fortin",
    "Harvey",
    "Savard",
    "Dufour",
    "Pelletier",
    "Lapointe",
    "Bergeron",
    "Villeneuve",
    "Larouche",
    "Maltais",
    "Gaudreault",
    "Desbiens",
    "Lalancette",
    "Boudreault",
    "Claveau",
    "Potvin",
    "Dallaire",
    "Duchesne",
    "Hudon",
    "Murray",
    "Ouellet",
    "Lavoie-Néron",
    "Rousseau",
    "Bolduc",
    "Émond",
)
#: Parts of real company names of the region that a generated name must never contain.
FORBIDDEN_NAME_PARTS: tuple[str, ...] = (
    "rio tinto",
    "alcan",
    "résolu",
    "resolute",
    "agropur",
    "boivin",
    "perron",
    "nutrinor",
    "elkem",
    "arbec",
    "domtar",
    "kruger",
    "saputo",
    "niobec",
    "hydro",
    "chantiers chibougamau",
    "produits forestiers",
)


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (``"Scierie Péribonka inc."`` → ``scierie-peribonka-inc``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _allowed(name: str) -> bool:
    lowered = name.lower()
    return not any(part in lowered for part in FORBIDDEN_NAME_PARTS)


def firm_names(prefixes: list[list[str]], rng: np.random.Generator) -> list[str]:
    """Return one distinct fictional name per firm.

    Parameters
    ----------
    prefixes
        For each firm, the sector words it may start with ("Scierie", "Usinage"...).
    rng
        Random generator (the only source of randomness).
    """
    names: list[str] = []
    taken: set[str] = set()
    for options in prefixes:
        for attempt in range(50):
            word = REGIONAL_WORDS[rng.integers(len(REGIONAL_WORDS))]
            prefix = options[rng.integers(len(options))]
            legal = LEGAL_FORMS[rng.integers(len(LEGAL_FORMS))]
            core = f"{prefix} {word}" if attempt < 25 else f"{prefix} {word} {attempt}"
            name = f"{core} {legal}".strip()
            if core not in taken and _allowed(name):
                break
        taken.add(core)
        names.append(name)
    return names


def contact_frame(names: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Return fictional ``contact_name``, ``contact_email`` and ``contact_phone`` for each firm name."""
    n = len(names)
    first = np.asarray(FIRST_NAMES)[rng.integers(len(FIRST_NAMES), size=n)]
    last = np.asarray(LAST_NAMES)[rng.integers(len(LAST_NAMES), size=n)]
    area = np.asarray(["418", "418", "418", "581"])[rng.integers(4, size=n)]
    line = rng.integers(100, 200, size=n)
    ext = rng.integers(100, 400, size=n)
    persons = [f"{f} {s}" for f, s in zip(first, last, strict=True)]
    emails = [
        f"{slug(f)}.{slug(s)}@{slug(_LEGAL_SUFFIX.sub('', firm))[:30].strip('-')}.example"
        for f, s, firm in zip(first, last, names, strict=True)
    ]
    phones = [f"{a}-555-0{x} poste {e}" for a, x, e in zip(area, line, ext, strict=True)]
    return pd.DataFrame({"contact_name": persons, "contact_email": emails, "contact_phone": phones})
