"""Firms files: location from lat/lon, park or municipality; formulas kept inert; ids; yes/no."""

from dataclasses import dataclass

import pandas as pd
import pytest

from symbiosis.ingest import import_tables, read_table, validate_firms
from symbiosis.schemas import FIRMS, validate_frame

PARKS = pd.DataFrame(
    [("alma-est", "Parc industriel d'Alma", "Alma", 48.56, -71.62)],
    columns=["park_id", "name", "municipality", "lat", "lon"],
)
HEADERS = [
    "id_entreprise",
    "nom",
    "code_scian",
    "parc",
    "municipalite",
    "latitude",
    "longitude",
    "courriel_contact",
    "accepte_dangereux",
    "confidentialite",
]


@dataclass(frozen=True)
class _Place:
    name: str
    lat: float
    lon: float
    source: str = "gazetteer"
    municipality: str = ""


class FakeGeocoder:
    """Knows two places; counts its calls."""

    def __init__(self):
        self.calls = []

    def locate(self, name, *, province="QC"):
        self.calls.append(name)
        places = {
            "alma": _Place("Alma", 48.55, -71.65, municipality="Alma"),
            "chicoutimi": _Place("Chicoutimi", 48.42, -71.06, municipality="Saguenay"),
        }
        return places.get(name.strip().lower())


def _row(**over):
    row = dict(
        id_entreprise="F1",
        nom="Scierie",
        code_scian="321111",
        parc="",
        municipalite="Alma",
        latitude="48,55",
        longitude="-71,65",
        courriel_contact="",
        accepte_dangereux="",
        confidentialite="",
    )
    row.update(over)
    return row


def _csv(rows, headers=HEADERS):
    return ("\n".join([";".join(headers)] + [";".join(r.get(h, "") for h in headers) for r in rows])).encode()


def _validate(*rows, geocoder=None, **kw):
    raw = read_table(_csv(rows), filename="entreprises.csv")
    return validate_firms(raw, geocoder=geocoder or FakeGeocoder(), parks=PARKS, **kw)


def _one(geocoder=None, **over):
    result = _validate(_row(**over), geocoder=geocoder)
    row = result.valid.iloc[0] if len(result.valid) else None
    return result, row, {i.code for i in result.report.issues}


def test_declared_coordinates_and_schema():
    result, row, codes = _one()
    assert validate_frame(result.valid, FIRMS) == [] and list(result.valid.columns) == FIRMS.names
    assert (row["lat"], row["lon"], row["coord_source"]) == (48.55, -71.65, "declared") and not codes
    assert row["confidentiality"] == "confidential" and bool(row["accepts_hazardous"]) is False


def test_missing_coordinates_from_the_park():
    _, row, codes = _one(parc="Parc industriel d'Alma", latitude="", longitude="", municipalite="")
    assert (row["coord_source"], row["park_id"], row["municipality"]) == ("park", "alma-est", "Alma")
    assert row["lat"] == 48.56 and not codes


def test_missing_coordinates_from_the_municipality_with_a_warning():
    result, row, codes = _one(municipalite="Chicoutimi", latitude="", longitude="")
    assert row["coord_source"] == "municipality" and row["lat"] == 48.42
    assert row["municipality"] == "Saguenay"
    assert "municipality.approximate" in codes and result.report.warnings[0].severity == "warning"


def test_unknown_municipality_without_coordinates_rejected():
    result, row, _ = _one(municipalite="Saguenai", latitude="", longitude="")
    issue = next(i for i in result.report.issues if i.code == "municipality.unknown")
    assert row is None and "orthographe" in issue.fix.fr and "latitude" in issue.fix.en


def test_no_location_at_all_rejected():
    assert "municipality.missing" in _one(municipalite="", latitude="", longitude="")[2]


def test_broken_geocoder_does_not_break_the_import():
    class Broken:
        def locate(self, name, *, province="QC"):
            raise ConnectionError("down")

    assert "municipality.unknown" in _one(geocoder=Broken(), latitude="", longitude="")[2]


def test_a_geocoder_bug_is_not_hidden_as_an_unknown_place():
    class Buggy:
        def locate(self, name, *, province="QC"):
            raise TypeError("a programming error, not an unreachable service")

    with pytest.raises(TypeError, match="programming error"):
        _one(geocoder=Buggy(), latitude="", longitude="")


@pytest.mark.parametrize(
    ("lat", "lon", "code", "kept"),
    [
        ("48,55", "71,65", "lon.positive", False),
        ("-71,65", "48,55", "lat.swapped", False),
        ("95", "-71", "lat.impossible", False),
        ("-33,9", "151,2", "lat.outside_region", False),
        ("43,65", "-79,38", "lat.outside_quebec", True),
    ],
)
def test_coordinate_checks(lat, lon, code, kept):
    _, row, codes = _one(latitude=lat, longitude=lon)
    assert code in codes and (row is not None) == kept


def test_only_one_coordinate_rejected():
    assert "lon.missing" in _one(longitude="")[2]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","clic")', "+cmd", "@SUM(A1)", "-2+3"])
def test_formula_like_name_kept_as_inert_text_with_warning(name):
    result, row, codes = _one(nom=name)
    assert row["name"] == name and "name.formula_like" in codes and result.report.ok


def test_unknown_park_suggests():
    result, row, codes = _one(parc="Parc d'Almaa")
    assert row is None and "park_id.unknown" in codes
    issue = next(i for i in result.report.issues if i.code == "park_id.unknown")
    assert "Parc industriel d'Alma" in issue.fix.fr


@pytest.mark.parametrize(
    ("scian", "code"),
    [("abc", "scian_code.invalid"), ("", "scian_code.missing"), ("1234567", "scian_code.invalid")],
)
def test_bad_scian(scian, code):
    assert code in _one(code_scian=scian)[2]


def test_unknown_sector_is_only_a_warning():
    _, row, codes = _one(code_scian="99")
    assert row is not None and "scian_code.unknown_sector" in codes


@pytest.mark.parametrize(
    ("typed", "value"),
    [("oui", True), ("x", True), ("yes", True), ("non", False), ("0", False), ("faux", False)],
)
def test_accepts_hazardous_yes_no(typed, value):
    assert bool(_one(accepte_dangereux=typed)[1]["accepts_hazardous"]) is value


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("publique", "public"),
        ("Membres", "members"),
        ("confidentielle", "confidential"),
        ("private", "confidential"),
    ],
)
def test_confidentiality_words(typed, value):
    assert _one(confidentialite=typed)[1]["confidentiality"] == value


def test_bad_email_is_a_warning():
    _, row, codes = _one(courriel_contact="marie(at)x")
    assert row is not None and "contact_email.invalid" in codes


def test_generated_ids_are_stable_and_duplicates_rejected():
    result = _validate(_row(id_entreprise=""), _row(id_entreprise=""))
    assert len(result.valid) == 1 and result.valid["firm_id"].iloc[0].startswith("F-")
    assert result.report.errors[0].code == "firm_id.duplicate" and result.report.errors[0].row == 3
    assert _validate(_row(id_entreprise="")).valid["firm_id"].iloc[0] == result.valid["firm_id"].iloc[0]


def test_existing_firm_is_an_update_warning():
    result = _validate(_row(), existing_firm_ids={"F1"})
    assert len(result.valid) == 1 and "firm_id.exists" in {i.code for i in result.report.warnings}


def test_missing_name_and_scian_columns_are_file_errors():
    raw = read_table(b"municipalite;latitude\nAlma;48\n", filename="f.csv")
    result = validate_firms(raw, geocoder=None, parks=PARKS)
    codes = [i.code for i in result.report.issues]
    assert result.valid.empty and codes == ["name.missing_column", "scian_code.missing_column"]


def test_import_tables_lets_streams_refer_to_firms_of_the_same_batch():
    firms = _csv([_row(id_entreprise="NEW1")])
    streams = (
        "id_flux;id_entreprise;sens;categorie;quantite;unite\nS1;NEW1;offre;bark;1;t/an\n"
        "S2;NOPE;offre;bark;1;t/an\n"
    )
    categories = pd.DataFrame(
        [
            dict(
                category_id="bark",
                kind="material",
                default_density_t_per_m3=0.3,
                hazardous=False,
                label_fr="",
                label_en="",
                synonyms_fr="",
                synonyms_en="",
                waste_codes="",
            )
        ]
    )
    batch = import_tables(
        firms, streams.encode(), geocoder=FakeGeocoder(), parks=PARKS, categories=categories
    )
    assert batch.streams.valid["stream_id"].tolist() == ["S1"]
    assert {i.code for i in batch.streams.report.errors} == {"firm_id.unknown"} and not batch.ok
