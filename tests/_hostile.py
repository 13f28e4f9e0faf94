"""Hostile upload files of issue #12, built the way an attacker would (shared by tests and benchmarks).

``quantity_tabs_xlsx``: a streams workbook whose quantity cell is ``1``, a million tabs and ``1``
(about 2.6 KB zipped). ``paren_header_xlsx``: a header cell of a million ``(``. ``quantity_tabs_csv``
and ``paren_header_csv``: the same cells in a CSV of about 130 KB.
"""

from __future__ import annotations

import io

import openpyxl

from symbiosis.ingest import template_bytes

TABS = 1_000_000
CSV_TABS = 130_000


def template_header(kind: str = "streams") -> list[str]:
    """The French template's header row of ``kind``."""
    return template_bytes(kind, lang="fr", fmt="csv").decode("utf-8-sig").splitlines()[0].split(";")


def valid_stream_row(header: list[str], i: int = 1, firm_id: str = "F-001") -> list[str]:
    """One valid streams row under the French template header."""
    values = {
        "id_flux": f"S-{i:05d}",
        "id_entreprise": firm_id,
        "sens": "offre",
        "categorie": "wood_bark",
        "description": "Écorces de résineux",
        "quantite": "12,5",
        "unite": "t/an",
        "disponibilite": "continu",
        "mois": "juin-août",
    }
    return [values.get(h, "") for h in header]


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "flux"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_quantity(header: list[str], quantity: str, firm_id: str = "F-001") -> list[str]:
    row = valid_stream_row(header, 2, firm_id)
    row[header.index("quantite")] = quantity
    return row


def quantity_tabs_xlsx(tabs: int = TABS, *, firm_id: str = "F-001") -> bytes:
    """A streams XLSX: one valid row, then a row whose quantity is ``1`` + ``tabs`` tabs + ``1``."""
    header = template_header()
    return _xlsx(
        [
            header,
            valid_stream_row(header, 1, firm_id),
            _with_quantity(header, "1" + "\t" * tabs + "1", firm_id),
        ]
    )


def paren_header_xlsx(n: int = TABS) -> bytes:
    """A streams XLSX whose extra header cell is ``n`` opening brackets, with one valid row."""
    header = template_header()
    return _xlsx([[*header, "(" * n], valid_stream_row(header, 1)])


def _csv(rows: list[list[str]]) -> bytes:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ';"\n\r\t') else text

    return ("\n".join(";".join(cell(c) for c in row) for row in rows) + "\n").encode("utf-8")


def quantity_tabs_csv(tabs: int = CSV_TABS) -> bytes:
    """A streams CSV (about 130 KB): one valid row, then the tab-filled quantity (quoted, as Excel does)."""
    header = template_header()
    return _csv([header, valid_stream_row(header, 1), _with_quantity(header, "1" + "\t" * tabs + "1")])


def paren_header_csv(n: int = CSV_TABS) -> bytes:
    """A streams CSV whose extra header cell is ``n`` opening brackets, with one valid row."""
    header = template_header()
    return _csv([[*header, "(" * n], valid_stream_row(header, 1)])


def unquoted_tabs_csv(tabs: int = CSV_TABS) -> bytes:
    """The tab-filled quantity written without quotes (a tab-heavy line must not win the delimiter)."""
    header = template_header()
    rows = [header, valid_stream_row(header, 1), _with_quantity(header, "1" + "\t" * tabs + "1")]
    return ("\n".join(";".join(row) for row in rows) + "\n").encode("utf-8")


#: The French header of a levers' purchases file, and a valid row (firm ``F-001``).
PURCHASES_HEADER = ["id_achat", "id_entreprise", "categorie", "quantite", "unite", "mois", "prix"]
PICKUPS_HEADER = ["id_collecte", "id_entreprise", "residu", "quantite", "unite", "frequence", "plage_horaire"]


def valid_purchase_row(i: int = 1, firm_id: str = "F-001") -> list[str]:
    """One valid purchases row (id ``PA<i>``) of :data:`PURCHASES_HEADER`."""
    return [f"PA{i}", firm_id, "nitrile_gloves", "500", "boîte", "", "12,5"]


def purchase_quantity_tabs_xlsx(tabs: int = TABS) -> bytes:
    """A levers' purchases XLSX: one valid row, then a quantity of ``1`` + ``tabs`` tabs + ``1``."""
    bad = valid_purchase_row(2)
    bad[PURCHASES_HEADER.index("quantite")] = "1" + "\t" * tabs + "1"
    return _xlsx([PURCHASES_HEADER, valid_purchase_row(1), bad])


def purchase_paren_header_xlsx(n: int = TABS) -> bytes:
    """A levers' purchases XLSX whose extra header cell is ``n`` opening brackets, with one valid row."""
    return _xlsx([[*PURCHASES_HEADER, "(" * n], valid_purchase_row(1)])


def pickup_unit_runs_csv(rows: int = 80) -> bytes:
    """A levers' pickups CSV: one valid row, then ``rows`` rows whose unit is « 1 1 1 … » up to the cell cap.

    Each such cell costs the unit reader about 30 ms (linear, but a number read at every word): a
    10 MB file of them is a minute of work, which must not be the server's. 80 rows are about 2.4 CPU s,
    four times the server's margin in the tests (200 rows only made the suite wait longer).
    """
    good = ["KA", "F-001", "ferrous_scrap", "11", "t/an", "aux 4 semaines", "07:30-16:30"]
    unit = "1" + " 1" * 2_490
    bad = [[f"KX{i}", "F-001", "ferrous_scrap", "11", unit, "hebdomadaire", ""] for i in range(rows)]
    return _csv([PICKUPS_HEADER, good, *bad])


#: The hostile levers' files, each built by a function of its size (a size of 1 is harmless).
MUTUAL = {
    "achats_tabs.xlsx": purchase_quantity_tabs_xlsx,
    "achats_parentheses.xlsx": purchase_paren_header_xlsx,
    "collectes_unites.csv": pickup_unit_runs_csv,
}
#: The id of the valid row each of them holds.
MUTUAL_GOOD_IDS = {"achats_tabs.xlsx": "PA1", "achats_parentheses.xlsx": "PA1", "collectes_unites.csv": "KA"}


ALL = {
    "quantity_tabs.xlsx": quantity_tabs_xlsx,
    "paren_header.xlsx": paren_header_xlsx,
    "quantity_tabs.csv": quantity_tabs_csv,
    "paren_header.csv": paren_header_csv,
    "unquoted_tabs.csv": unquoted_tabs_csv,
}


def forged_token(token: str) -> str:
    """``token`` with the last character of its signature changed (always to a different one).

    Appending ``"0"`` in place of the last character forged nothing one time in sixteen: when the
    signature already ended in ``0`` the "forged" token was the real one (CI, seventh session).
    """
    return token[:-1] + ("1" if token[-1] == "0" else "0")
