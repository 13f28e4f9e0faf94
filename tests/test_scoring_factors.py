"""The emission-factor table: bundled defaults valid, bad rows rejected, most specific factor wins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.engine.factors import FACTOR_COLUMNS, FactorError, check_factors, load_factors, lookup_factor
from symbiosis.services.factor_files import read_factors


def _table(**overrides) -> pd.DataFrame:
    row = {
        "factor_id": "f1",
        "applies_to": "wood_forestry",
        "quantity": "disposal_avoided",
        "value": "300",
        "unit": "kg CO2e/t",
        "source": "IPCC 2006 Vol. 5",
        "year": "2006",
        "note": "",
    }
    row.update(overrides)
    return pd.DataFrame([row], columns=list(FACTOR_COLUMNS))


def test_bundled_factors_are_valid_and_sourced():
    factors = load_factors()
    assert factors["source"].str.len().gt(10).all()
    assert factors["year"].between(1990, 2035).all()
    assert {"disposal_avoided", "virgin_avoided", "transport"} <= set(factors["quantity"])


def test_bundled_factors_units_match_kb_categories():
    kb = pytest.importorskip("symbiosis.kb")
    load_factors(categories=kb.load_categories())


def test_valid_row_passes():
    assert check_factors(_table()) == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"source": ""}, "empty_source"),
        ({"source": "   "}, "empty_source"),
        ({"unit": "lb CO2/t"}, "unknown_unit"),
        ({"value": "n/a"}, "value_not_finite"),
        ({"year": "1850"}, "year_out_of_range"),
        ({"quantity": "magic"}, "unknown_quantity"),
        ({"quantity": "transport"}, "transport_unit"),
    ],
)
def test_bad_rows_are_rejected(overrides, code, tmp_path):
    found = check_factors(_table(**overrides))
    assert code in {f.code for f in found}, found
    assert all(f.is_error and f.location == "f1" and f.detail.fr != f.detail.en for f in found)
    path = tmp_path / "factors.csv"
    _table(**overrides).to_csv(path, index=False)
    with pytest.raises(FactorError):
        read_factors(path)


def test_duplicates_are_rejected():
    table = pd.concat([_table(), _table(factor_id="f2")])
    assert "duplicate_key" in {f.code for f in check_factors(table)}


def test_unit_must_match_category_canonical_unit():
    cats = pd.DataFrame(
        {"category_id": ["heat_greenhouse"], "family": ["energy_heat"], "canonical_unit": ["MWh/yr"]}
    )
    table = _table(applies_to="heat_greenhouse", quantity="virgin_avoided", unit="kg CO2e/t")
    assert "unit_not_canonical" in {f.code for f in check_factors(table, categories=cats)}


def test_lookup_prefers_category_then_family_then_kind_then_star():
    table = pd.concat(
        [
            _table(factor_id="cat", applies_to="wood_bark", value="1"),
            _table(factor_id="fam", applies_to="wood_forestry", value="2"),
            _table(factor_id="kind", applies_to="kind:material", value="3"),
            _table(factor_id="star", applies_to="*", value="4"),
        ]
    ).assign(value=lambda t: t["value"].astype(float))
    keys = {
        "category_id": np.array(["wood_bark", "wood_chips", "glass", "x"]),
        "family": np.array(["wood_forestry", "wood_forestry", "glass", "y"]),
        "kind": np.array(["material", "material", "material", "energy"]),
    }
    assert lookup_factor(table, "disposal_avoided", **keys).tolist() == [1, 2, 3, 4]
    assert lookup_factor(table, "disposal_avoided", **keys, column="factor_id").tolist() == [
        "cat",
        "fam",
        "kind",
        "star",
    ]
    assert lookup_factor(table, "virgin_avoided", **keys).tolist() == [0, 0, 0, 0]


def test_lookups_read_the_table_they_are_given_after_it_is_edited_or_replaced():
    """The lookups keep the rows they select per factor table, keyed on its content: an edit of a
    value, of what a row applies to, of a fate or of a pair must be read by the next lookup (a key
    that missed it would return the figure of the table before the edit)."""
    from symbiosis.engine.factors import disposal_factor, virgin_factor

    table = load_factors()
    one = {
        "category_id": np.array(["wood_sawdust"]),
        "family": np.array(["wood"]),
        "kind": np.array(["material"]),
    }

    def disposal(t, fate="landfill", column="value"):
        return disposal_factor(
            t, **one, material_class=np.array(["wood"]), fate=np.array([fate]), column=column
        )[0]

    def virgin(t, column="value"):
        return virgin_factor(t, supply_category_id=np.array(["wood_sawdust"]), **one, column=column)[0]

    before = lookup_factor(table, "transport", **one)[0]
    assert lookup_factor(table, "transport", **one)[0] == before  # kept: the same figure again
    edited = table.copy()
    edited.loc[edited["quantity"] == "transport", "value"] = 123.0
    assert lookup_factor(edited, "transport", **one)[0] == 123.0
    assert lookup_factor(table, "transport", **one)[0] == before  # the first table is untouched

    own = pd.concat(
        [
            table,
            pd.DataFrame(
                [
                    {
                        "factor_id": "my_sawdust",
                        "applies_to": "wood_sawdust",
                        "quantity": "transport",
                        "value": 7.0,
                    },
                    {
                        "factor_id": "my_burn",
                        "applies_to": "wood_sawdust",
                        "quantity": "disposal_avoided",
                        "fate": "incineration",
                        "value": 11.0,
                    },
                    {
                        "factor_id": "my_pair",
                        "applies_to": "wood_sawdust>wood_sawdust",
                        "quantity": "virgin_avoided",
                        "value": 13.0,
                    },
                ]
            ),
        ],
        ignore_index=True,
    )
    assert lookup_factor(own, "transport", **one)[0] == 7.0
    assert lookup_factor(own, "transport", **one, column="factor_id")[0] == "my_sawdust"
    assert disposal(own, "incineration") == 11.0 and disposal(own, "incineration", "factor_id") == "my_burn"
    assert disposal(table, "incineration") != 11.0
    assert virgin(own) == 13.0 and virgin(own, "factor_id") == "my_pair" and virgin(table) != 13.0
    renamed = own.assign(applies_to=own["applies_to"].replace({"wood_sawdust": "wood_bark"}))
    assert lookup_factor(renamed, "transport", **one)[0] == before
    refated = own.assign(fate=own["fate"].replace({"incineration": "landfill"}))
    assert disposal(refated, "incineration") == disposal(table, "incineration")
