"""`symbiosis classify`: the table, the JSON contract and argument errors, through the real CLI."""

import json
import re

from symbiosis.cli import main

JSON_KEYS = {"category_id", "family", "kind", "waste_codes", "label_fr", "label_en", "score"}


def test_json_output_has_exactly_the_contract_fields(capsys):
    assert main(["classify", "Brasque usée, 4000 t/an", "--json", "--top", "4"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 4
    assert records[0]["category_id"] == "al_spent_pot_lining"
    for record in records:
        assert set(record) == JSON_KEYS
        assert record["kind"] in {"material", "energy", "water", "capacity", "logistics", "service"}
        assert isinstance(record["waste_codes"], list)
        assert all(re.fullmatch(r"\d{6}", code) for code in record["waste_codes"])
        assert 0.0 <= record["score"] <= 1.0
    assert "161101" in records[0]["waste_codes"]


def test_table_output_in_french_by_default(capsys):
    assert main(["classify", "lactosérum"]) == 0
    out = capsys.readouterr().out
    header, first = out.splitlines()[:2]
    assert "catégorie" in header and "codes de déchets" in header
    assert "whey" in first and "Lactosérum" in first


def test_table_output_in_english(capsys):
    assert main(["classify", "waste heat at 80 C", "--lang", "en", "--top", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "category" in lines[0]
    assert "heat_medium_60_90c" in lines[1] and "Waste heat" in lines[1]


def test_nothing_to_classify(capsys):
    assert main(["classify", "12 t/an", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["classify", "12 t/an"]) == 0
    assert "Aucune" in capsys.readouterr().out


def test_top_below_one_is_refused(capsys):
    assert main(["classify", "sciure", "--top", "0"]) == 2
    assert "--top" in capsys.readouterr().err
