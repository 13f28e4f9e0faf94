"""NACE Rev. 2 activity codes read as SCIAN Canada 2022 (NAICS Canada) codes, coarsely, for evaluation cases.

The MAESTRI exchanges name their firms' sectors in NACE (the EU's classification); the importer wants a
SCIAN code. No official NACE → SCIAN concordance ships with the package (Eurostat and Statistics Canada
publish NACE ↔ ISIC and ISIC ↔ NAICS tables, not this pair), so this module reads a NACE code at the
level both classifications share: its **division** (2 digits) gives a SCIAN subsector (3 digits) or
sector, refined to a 4-digit SCIAN industry group for a few classes whose division spans several
subsectors (aluminium in 24, cement in 23…). The result is good enough to place a firm in its sector
(the importer checks a known sector; the engine does not match on it); it is not a statistical
concordance.
"""

from __future__ import annotations

import re

__all__ = ["nace_to_scian"]

#: NACE Rev. 2 division → SCIAN Canada 2022 subsector (or sector where the division is a whole sector).
_DIVISIONS: dict[str, str] = {
    "01": "111", "02": "113", "03": "114", "05": "212", "06": "211", "07": "212", "08": "212",
    "09": "213", "10": "311", "11": "312", "12": "312", "13": "313", "14": "315", "15": "316",
    "16": "321", "17": "322", "18": "323", "19": "324", "20": "325", "21": "325", "22": "326",
    "23": "327", "24": "331", "25": "332", "26": "334", "27": "335", "28": "333", "29": "336",
    "30": "336", "31": "337", "32": "339", "33": "811", "35": "221", "36": "221", "37": "221",
    "38": "562", "39": "562", "41": "236", "42": "237", "43": "238", "45": "441", "46": "41",
    "47": "44", "49": "484", "50": "483", "51": "481", "52": "493", "53": "492", "55": "721",
    "56": "722", "58": "511", "59": "512", "60": "515", "61": "517", "62": "541", "63": "518",
    "64": "522", "65": "524", "66": "523", "68": "531", "69": "541", "70": "541", "71": "541",
    "72": "541", "73": "541", "74": "541", "75": "541", "77": "532", "78": "561", "79": "561",
    "80": "561", "81": "561", "82": "561", "84": "91", "85": "61", "86": "62", "87": "623",
    "88": "624", "90": "711", "91": "712", "92": "713", "93": "713", "94": "813", "95": "811",
    "96": "812", "97": "814", "99": "91",
}  # fmt: skip

#: NACE classes (or groups) whose SCIAN industry group is more precise than the division's subsector.
_CLASSES: dict[str, str] = {
    "0146": "1122", "0147": "1123", "1081": "3113", "1051": "3115", "1101": "3121", "1102": "3121",
    "1105": "3121", "1107": "3121", "1610": "3211", "1711": "3221", "1712": "3221", "1920": "3241",
    "2011": "3251", "2013": "3251", "2014": "3251", "2015": "3253", "2016": "3252", "2110": "3254",
    "2351": "3273", "2442": "3313", "2443": "3314", "2444": "3314", "2445": "3314", "2410": "3311",
    "3511": "2211", "3530": "2213", "3600": "2213", "3700": "2213", "3811": "5621", "3821": "5622",
}  # fmt: skip


def nace_to_scian(nace: object) -> str | None:
    """The SCIAN code a NACE code is read as (``"2442"`` → ``"3313"``), or None when it cannot be read.

    The first code of a list (``"011;012"``) is used; markers such as ``*`` or ``#`` and dots are
    ignored. A class (4 digits) listed in the refinements gives its SCIAN industry group; otherwise the
    division (first 2 digits) gives the subsector.

    Examples
    --------
    >>> nace_to_scian("2442")
    '3313'
    >>> nace_to_scian("3811*")
    '5621'
    >>> nace_to_scian("101;102;103")
    '311'
    >>> nace_to_scian("") is None
    True
    """
    first = re.split(r"[;,/]", str(nace or ""))[0]
    digits = re.sub(r"\D", "", first)
    if len(digits) < 2:
        return None
    return _CLASSES.get(digits[:4]) or _DIVISIONS.get(digits[:2])
