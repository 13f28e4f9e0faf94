"""SCIAN Canada 2022: the bundled table, US-only codes refused, the builder of the full table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from symbiosis.ingest import read_table, validate_firms
from symbiosis.scian import US_ONLY_CODES, load_scian, scian_label
from symbiosis.views.prospects import lead_table

ROOT = Path(__file__).resolve().parents[1]


def test_the_bundled_table_is_bilingual_and_holds_the_project_codes():
    table = load_scian()
    assert table["code"].is_unique and (table["label_fr"] != "").all() and (table["label_en"] != "").all()
    sample = set(load_sample_codes())
    assert sample <= set(table["code"])
    assert scian_label("321111", "en") == "Sawmills (except shingle and shake mills)"
    assert not set(US_ONLY_CODES) & set(table["code"])


def load_sample_codes() -> list[str]:
    from symbiosis.sample.profiles import load_sectors

    return [c for codes in load_sectors()["scian_codes"] for c in codes.split("|")]


def test_a_us_naics_code_is_read_as_the_canadian_one_and_the_row_kept():
    data = (
        "id_entreprise;nom;code_scian;municipalite;latitude;longitude\nA;Scierie;321113;Alma;48,55;-71,65\n"
    )
    result = validate_firms(read_table(data.encode("utf-8"), filename="e.csv"), geocoder=None, parks=None)
    [issue] = [i for i in result.report.issues if i.code == "scian_code.us_naics"]
    assert issue.severity == "warning"
    assert "321111" in issue.fix.fr and "321111" in issue.fix.en
    assert result.valid["scian_code"].tolist() == ["321111"]


def test_the_builder_reads_statistics_canada_structure_files(tmp_path):
    spec = importlib.util.spec_from_file_location("build_scian", ROOT / "scripts" / "build_scian.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "en.csv").write_text(
        'Level,Code,Class title\n1,31-33,Manufacturing\n5,321111,"Sawmills"\n', encoding="utf-8"
    )
    french = "Niveau,Code,Titre de la classe\n1,31-33,Fabrication\n5,321111,Scieries\n"
    (tmp_path / "fr.csv").write_text(french, encoding="utf-8")
    rows = module.build(tmp_path / "en.csv", tmp_path / "fr.csv")
    assert rows[0] == ["31", "2", "Fabrication", "Manufacturing", "statcan_structure"]
    assert rows[-1] == ["321111", "6", "Scieries", "Sawmills", "statcan_structure"]


def test_the_prospect_view_labels_every_lead_inferred():
    import pandas as pd

    from symbiosis.kb import load_categories

    leads = pd.DataFrame(
        [
            {
                "prospect_firm_id": "A",
                "prospect_direction": "supply",
                "prospect_category_id": "wood_bark",
                "typical_share": 0.9,
                "partner_firm_id": "B",
                "partner_category_id": "biomass_fuel_wood",
                "distance_km": 12.34,
                "evidence_ref": "MAESTRI",
            }
        ]
    )
    firms = pd.DataFrame({"firm_id": ["A", "B"], "name": ["Scierie", "Chaufferie"]})
    table = lead_table(leads, firms, load_categories(), "fr")
    assert table.iloc[0]["Statut"] == "Déduit (non déclaré)"
    assert table.iloc[0]["Entreprise à contacter"] == "Scierie"


def test_the_prospect_summary_counts_firms_and_leads_in_each_languages_plural():
    import pandas as pd

    from symbiosis.views.prospects import prospect_summary

    one = pd.DataFrame({"prospect_firm_id": ["A"]})
    two = pd.DataFrame({"prospect_firm_id": ["A", "A"]})
    assert (
        prospect_summary(one, 1, "fr")
        == "1 entreprise sans flux déclaré ; 1 piste déduite pour 1 d'entre elles."
    )
    assert (
        prospect_summary(two, 2, "fr")
        == "2 entreprises sans flux déclaré ; 2 pistes déduites pour 1 d'entre elles."
    )
    assert prospect_summary(one, 1, "en") == "1 firm with no declared stream; 1 inferred lead for 1 of them."
    assert (
        prospect_summary(two.iloc[:0], 2, "en")
        == "2 firms with no declared stream; 0 inferred leads for 0 of them."
    )
