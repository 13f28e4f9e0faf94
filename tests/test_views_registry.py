"""The registry screen's pure helpers: counts, filters, month labels and the readable table."""

from symbiosis.views.registry import filter_streams, months_label, registry_summary, stream_table
from tests._registry_helpers import tiny_registry


def test_summary_counts():
    assert registry_summary(tiny_registry()) == {"firms": 3, "supplies": 1, "demands": 2, "municipalities": 2}


def test_filters_combine():
    reg = tiny_registry()
    assert len(filter_streams(reg)) == 3
    assert filter_streams(reg, municipality="Alma")["stream_id"].tolist() == ["S2", "S3"]
    assert filter_streams(reg, municipality="Alma", direction="demand", text="CHAUDIÈRE")[
        "stream_id"
    ].tolist() == ["S3"]
    assert filter_streams(reg, direction="supply", text="granules").empty


def test_months_label():
    assert months_label(4095, "fr") == "toute l'année"
    assert months_label(0b1110_0000_0111, "en") == "Jan, Feb, Mar, Oct, Nov, Dec"
    assert months_label(0b0000_1110_0000, "fr") == "juin, juil., août"


def test_stream_table_is_translated():
    reg = tiny_registry()
    fr = stream_table(filter_streams(reg), "fr")
    en = stream_table(filter_streams(reg), "en")
    assert "Entreprise" in fr.columns and "Firm" in en.columns
    assert set(fr["Sens"]) == {"Offre", "Demande"}
    assert set(en["Direction"]) == {"Supply", "Demand"}


def test_stream_table_shows_category_labels():
    import pandas as pd

    cats = pd.DataFrame(
        {"category_id": ["wood_sawdust"], "label_fr": ["Sciure de bois"], "label_en": ["Sawdust"]}
    )
    reg = tiny_registry()
    fr = stream_table(filter_streams(reg), "fr", categories=cats)
    en = stream_table(filter_streams(reg), "en", categories=cats)
    assert fr["Catégorie"].tolist()[0] == "Sciure de bois" and en["Category"].tolist()[0] == "Sawdust"
    assert fr["Catégorie"].tolist()[1] == "pellet_feedstock"  # unknown ids stay visible
