"""The import report: friendly bilingual sentences, a table with translated headers, counts."""

from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.ingest import ImportReport
from symbiosis.ingest.fields import read_date, read_months, read_yes_no

ISSUE = Finding(
    row=7,
    column="quantite",
    expected=Text("un nombre", "a number"),
    found="douze",
    fix=Text(
        "Écrivez la quantité en chiffres, par exemple 12,5.", "Write the quantity in digits, e.g. 12.5."
    ),
    severity="error",
    code="quantity.not_a_number",
)
WARN = Finding(
    row=3,
    column="nom",
    expected=Text("du texte simple", "plain text"),
    found="=1+1",
    fix=Text("Gardé.", "Kept."),
    severity="warning",
    code="name.formula_like",
)


def test_message_names_row_column_expected_found_fix():
    assert ISSUE.message("fr") == (
        "Ligne 7, colonne « quantite » : on attendait un nombre, trouvé « douze ». "
        "Écrivez la quantité en chiffres, par exemple 12,5."
    )
    assert ISSUE.message("en") == (
        "Row 7, column “quantite”: expected a number, found “douze”. Write the quantity in digits, e.g. 12.5."
    )


def test_empty_cell_and_file_level_wording():
    empty = Finding(
        code="file.unreadable",
        row=None,
        column="",
        expected=Text("un fichier", "a file"),
        found="",
        fix=Text("Réessayez.", "Retry."),
    )
    assert empty.message("fr").startswith("Fichier : on attendait un fichier, trouvé une cellule vide.")
    assert empty.message("en").startswith("File: expected a file, found an empty cell.")


def test_to_frame_headers_per_language():
    report = ImportReport((ISSUE, WARN), n_rows=10, n_valid=9)
    fr = report.to_frame("fr")
    assert list(fr.columns)[:6] == ["Ligne", "Colonne", "Attendu", "Trouvé", "Correction", "Gravité"]
    assert fr["Gravité"].tolist() == ["erreur", "avertissement"] and fr["Ligne"].tolist() == [7, 3]
    english = list(report.to_frame("en").columns)[:6]
    assert english == ["Row", "Column", "Expected", "Found", "Fix", "Severity"]


def test_summary_and_counts():
    report = ImportReport((ISSUE, WARN), n_rows=10, n_valid=9)
    assert report.n_rejected == 1 and not report.ok
    assert report.summary("fr") == "10 lignes lues : 9 acceptées, 1 rejetée ; 1 erreur, 1 avertissement."
    assert report.summary("en") == "10 rows read: 9 accepted, 1 rejected; 1 error, 1 warning."
    single = ImportReport((), n_rows=1, n_valid=1)  # French counts 0 and 1 in the singular
    assert single.summary("fr") == "1 ligne lue : 1 acceptée, 0 rejetée ; 0 erreur, 0 avertissement."
    assert single.summary("en") == "1 row read: 1 accepted, 0 rejected; 0 errors, 0 warnings."
    assert report.counts() == {"quantity.not_a_number": 1, "name.formula_like": 1}
    assert report.lines("en")[0].startswith("Row 7")


def test_yes_no_months_dates_edge_cases():
    assert read_yes_no("", default=True) == (True, ())
    assert read_months("") == (None, ())
    assert read_months("fall")[0] is None  # not "all year"
    assert read_months("mai, juin et juillet")[0] == 0b111_0000
    assert read_date("2026-02-30")[0] is None
    value, problems = read_date("05/06/2026", locale="fr_CA")
    assert str(value.date()) == "2026-06-05" and problems[0].severity == "warning"
    assert str(read_date("25/12/2026", locale="en_CA")[0].date()) == "2026-12-25"
