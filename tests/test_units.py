"""Numbers as firms type them and units of the controlled list convert to the canonical rate."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbiosis.numbers import format_number, parse_number
from symbiosis.schemas import CANONICAL_UNIT
from symbiosis.units import (
    UnitError,
    from_canonical,
    normalise_unit,
    read_unit,
    suggest_units,
    to_canonical,
    unit_registry,
    units,
)


@pytest.mark.parametrize(
    ("text", "locale", "value"),
    [
        ("12,5", "fr_CA", 12.5),
        ("12,5", "en_CA", 12.5),
        ("1 200,5", "fr_CA", 1200.5),
        ("1\u00a0200,5", "fr_CA", 1200.5),
        ("1\u202f200,5", "fr_CA", 1200.5),
        ("1200.5", "fr_CA", 1200.5),
        ("12.5", "fr_CA", 12.5),
        ("1,200.5", "en_CA", 1200.5),
        ("1.200,5", "fr_CA", 1200.5),
        ("1,200,000", "fr_CA", 1_200_000.0),
        ("0,500", "fr_CA", 0.5),
        ("+7", "fr_CA", 7.0),
        ("1e3", "en_CA", 1000.0),
    ],
)
def test_parse_number_reads_french_and_english(text, locale, value):
    parsed = parse_number(text, locale=locale)
    assert parsed.ok and parsed.value == value and parsed.warnings == ()


def test_comma_is_never_dropped_as_pint_does():
    assert parse_number("12,5").value == 12.5  # pint's Quantity("12,5 t") gives 125


@pytest.mark.parametrize(("locale", "value"), [("fr_CA", 1.2), ("en_CA", 1200.0)])
def test_ambiguous_thousands_is_read_by_locale_and_flagged(locale, value):
    parsed = parse_number("1,200", locale=locale)
    assert parsed.value == value
    assert parsed.warnings and "ambigu" in parsed.warnings[0].fr


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "number.empty"),
        ("   ", "number.empty"),
        ("abc", "number.not_a_number"),
        ("douze", "number.not_a_number"),
        ("nan", "number.not_a_number"),
        ("inf", "number.not_a_number"),
        ("1e999", "number.not_finite"),
        ("-3", "number.negative"),
        ("−3,5", "number.negative"),
        ("12,5 t", "number.unit_in_number"),
        ("1 2", "number.not_a_number"),
        ("1,2,3", "number.not_a_number"),
        ("1,20.5", "number.not_a_number"),
        (",", "number.not_a_number"),
    ],
)
def test_bad_numbers_are_refused_with_a_code(text, code):
    parsed = parse_number(text)
    assert not parsed.ok and parsed.code == code and parsed.error is not None


def test_negative_allowed_when_asked():
    assert parse_number("-71,65", allow_negative=True).value == -71.65


_decimals = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(_decimals, st.sampled_from(["fr_CA", "en_CA", "fr_FR"]))
def test_format_then_parse_round_trips(value: Decimal, locale: str):
    text = format_number(float(value), locale=locale)
    assert parse_number(text, locale=locale).value == pytest.approx(float(value), rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_parse_number_never_raises(text):
    parsed = parse_number(text, locale="fr_CA")
    assert parsed.ok or parsed.error is not None


@pytest.mark.parametrize("locale", ["fr_CA", "en_CA"])
@pytest.mark.parametrize(("value", "decimals"), [(-0.04, 1), (-0.3, 0), (-0.0, None)])
def test_a_small_loss_rounded_to_zero_has_no_minus_sign(value, decimals, locale):
    assert format_number(value, locale=locale, decimals=decimals) == "0"


def test_registry_uses_metric_tonne_and_julian_year():
    ureg = unit_registry()
    assert ureg.Quantity(1, "t").to("kg").magnitude == 1000
    assert ureg.Quantity(1, "year").to("day").magnitude == pytest.approx(365.25)
    assert unit_registry() is ureg


def test_every_unit_has_distinct_key_and_english_spelling_reads_the_same():
    keys = [u.key for u in units()]
    assert len(keys) == len(set(keys))
    for u in units():
        assert read_unit(u.unit_fr).unit == u and read_unit(u.unit_en).unit == u
        assert set(u.kinds) <= set(CANONICAL_UNIT)
        unit_registry().Quantity(1, u.expression)  # every expression is known to pint


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("tonnes/an", "t/an"),
        ("tm/an", "t/an"),
        ("Tonnes par année", "t/an"),
        ("tonnes per year", "t/an"),
        ("t/yr", "t/an"),
        ("T / AN", "t/an"),
        ("kg/month", "kg/mois"),
        ("m3/day", "m3/jour"),
        ("m³ par jour", "m3/jour"),
        ("L/week", "L/semaine"),
        ("MWh/yr", "MWh/an"),
        ("GJ/yr", "GJ/an"),
        ("loads/week", "chargements/semaine"),
        ("trips/yr", "voyages/an"),
        ("sq ft", "pi2"),
        ("mètres cubes à l'année", "m3/an"),
        ("verges cubes/semaine", "vg3/semaine"),
    ],
)
def test_typed_spellings_map_to_the_list(typed, key):
    assert normalise_unit(typed) == key and read_unit(typed) is not None


@pytest.mark.parametrize(
    ("value", "unit", "kind", "expected"),
    [
        (12.5, "t/an", "material", 12.5),
        (1000, "kg/mois", "material", 12.0),
        (1, "t/jour", "material", 365.25),
        (100, "m³/an", "water", 100.0),
        (1, "m3/jour", "water", 365.25),
        (1, "kW", "energy", 8.766),
        (1, "MW", "energy", 8766.0),
        (1, "GJ/mois", "energy", 12 / 3.6),
        (2, "voyages/mois", "logistics", 24.0),
        (10, "m²", "capacity", 10.0),
        (4, "h/semaine", "service", 4 * 365.25 / 7),
        (1, "L/min", "water", 525.96),
    ],
)
def test_to_canonical_values(value, unit, kind, expected):
    conv = to_canonical(value, unit, kind=kind)
    assert conv.quantity_per_yr == pytest.approx(expected)
    assert conv.quantity_unit == CANONICAL_UNIT[kind]


def test_volume_to_mass_uses_declared_density_before_category_default():
    declared = to_canonical(100, "m³/an", kind="material", density_t_per_m3=0.3, default_density_t_per_m3=0.5)
    default = to_canonical(100, "m³/an", kind="material", default_density_t_per_m3=0.5)
    assert (declared.mass_t_per_yr, declared.density_source) == (pytest.approx(30.0), "declared")
    assert (default.mass_t_per_yr, default.density_source) == (pytest.approx(50.0), "category_default")


def test_mass_unit_does_not_record_an_unused_default_density():
    conv = to_canonical(5, "t/an", kind="material", default_density_t_per_m3=0.5)
    assert (conv.density_t_per_m3, conv.density_source) == (None, "")


def test_volume_without_any_density_is_refused():
    with pytest.raises(UnitError) as info:
        to_canonical(100, "m³/an", kind="material")
    assert info.value.code == "unit.density_missing" and "masse volumique" in info.value.fix.fr


def test_water_mass_is_volume_times_one():
    conv = to_canonical(10, "m³/an", kind="water")
    assert conv.mass_t_per_yr == 10 and conv.density_source == ""
    assert to_canonical(10, "t/an", kind="water").quantity_per_yr == 10


@pytest.mark.parametrize(
    ("unit", "kind", "code"),
    [
        ("MWh/an", "material", "unit.wrong_kind"),
        ("t/h", "energy", "unit.wrong_kind"),
        ("tons/an", "material", "unit.unknown"),
        ("gal/jour", "water", "unit.unknown"),
        ("palettes/semaine", "material", "unit.size_missing"),
        ("chargements/semaine", "material", "unit.size_missing"),
        ("palettes de 2 m³/semaine", "material", "unit.size_missing"),
        ("t", "material", "unit.total_not_allowed"),
    ],
)
def test_unit_errors_have_codes_and_bilingual_fixes(unit, kind, code):
    with pytest.raises(UnitError) as info:
        to_canonical(1, unit, kind=kind, default_density_t_per_m3=0.5)
    assert info.value.code == code and info.value.fix.fr and info.value.fix.en


def test_unknown_unit_lists_close_units_of_the_kind():
    with pytest.raises(UnitError) as info:
        to_canonical(1, "tonne/anné", kind="material")
    assert "t/an" in info.value.suggestions and "t/an" in info.value.fix.fr
    assert all("MWh" not in s for s in suggest_units("xyz", kind="material"))


@pytest.mark.parametrize(
    ("unit", "kind", "expected"),
    [
        ("chargements de 30 m³/semaine", "material", 30 * 0.5 * 365.25 / 7),
        ("loads of 20 t per week", "material", 20 * 365.25 / 7),
        ("loads/week (20 t)", "material", 20 * 365.25 / 7),
        ("chargements/semaine", "logistics", 365.25 / 7),
        ("palettes de 25 kg/semaine", "material", 0.025 * 365.25 / 7),
    ],
)
def test_counted_units_carry_their_size(unit, kind, expected):
    conv = to_canonical(1, unit, kind=kind, default_density_t_per_m3=0.5)
    assert conv.quantity_per_yr == pytest.approx(expected)


def test_total_is_yearly_equivalent_for_one_off():
    conv = to_canonical(40, "t", kind="material", total_allowed=True)
    assert conv.is_total and conv.quantity_per_yr == 40


_rate_units = [u for u in units() if not u.counted and not u.is_total]


@settings(max_examples=150, deadline=None)
@given(
    st.floats(min_value=1e-6, max_value=1e9),
    st.sampled_from(_rate_units),
    st.floats(min_value=0.05, max_value=5),
)
def test_unit_round_trip(value, unit, density):
    kind = unit.kinds[0]
    conv = to_canonical(value, unit.unit_fr, kind=kind, density_t_per_m3=density)
    back = from_canonical(conv.quantity_per_yr, unit.unit_en, kind=kind, density_t_per_m3=density)
    assert back == pytest.approx(value, rel=1e-9)


def test_a_gas_volume_converts_to_energy_only_with_its_heating_value():
    """1 500 Nm³/h of landfill gas at 5 kWh/Nm³ is 65 745 MWh/yr; without a heating value a volume is
    not an energy (the kind error tells the firm which units fit)."""
    for unit in ("m³/h", "Nm³/h", "Nm3/h", "normal cubic metres per hour"):
        got = to_canonical(1500, unit, kind="energy", energy_mwh_per_m3=0.005)
        assert got.quantity_per_yr == pytest.approx(1500 * 8766 * 0.005), unit
    assert to_canonical(
        1.2e6, "m³/an", kind="energy", energy_mwh_per_m3=0.006
    ).quantity_per_yr == pytest.approx(7200)
    with pytest.raises(UnitError) as raised:
        to_canonical(1500, "m³/h", kind="energy")
    assert raised.value.code == "unit.wrong_kind"
