"""``symbiosis validate`` and ``symbiosis export-template`` from the command line."""

import json

import pytest

from symbiosis.cli import main


@pytest.fixture
def templates(tmp_path):
    paths = {}
    for kind in ("firms", "streams"):
        paths[kind] = tmp_path / f"{kind}.xlsx"
        assert main(["export-template", "--kind", kind, "--lang", "fr", "--out", str(paths[kind])]) == 0
    return paths


def test_export_template_format_from_suffix(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(["export-template", "--kind", "firms", "--lang", "en", "--out", str(out)]) == 0
    assert out.read_bytes().decode("utf-8-sig").startswith("firm_id,name,")
    assert capsys.readouterr().out.strip() == str(out)


def test_validate_templates_pass_and_check_references(templates, capsys):
    assert main(["validate", str(templates["firms"])]) == 0
    assert main(["validate", str(templates["streams"]), "--firms", str(templates["firms"])]) == 0
    out = capsys.readouterr().out
    assert "2 acceptées, 0 rejetée" in out and "non vérifiées" not in out


def test_validate_streams_without_firms_says_references_are_not_checked(templates, capsys):
    assert main(["validate", str(templates["streams"]), "--lang", "en"]) == 0
    assert "firm references not checked" in capsys.readouterr().out


def test_validate_errors_exit_1_json_and_rejected_file(tmp_path, capsys):
    bad = tmp_path / "flux.csv"
    bad.write_text(
        "id_flux;id_entreprise;sens;categorie;quantite;unite\nS1;F1;offre;wood_bark;douze;t/an\n"
        "S2;F1;offre;wood_bark;3;t/an\n",
        encoding="utf-8",
    )
    rejected = tmp_path / "rejets.csv"
    assert main(["validate", str(bad), "--json", "--rejected", str(rejected)]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["kind"] == "streams" and (record["n_valid"], record["n_rejected"]) == (1, 1)
    assert record["issues"][0]["code"] == "quantity.not_a_number" and record["issues"][0]["row"] == 2
    text = rejected.read_bytes().decode("utf-8-sig")
    assert "douze" in text and "erreurs_errors" in text and "S2" not in text


def test_validate_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err
