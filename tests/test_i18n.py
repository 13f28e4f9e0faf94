"""The message catalogue is complete in both languages and formats values."""

import pytest

from symbiosis.i18n import Text, catalogue_keys, t


def test_every_key_has_both_languages():
    for key in catalogue_keys():
        assert t(key, "fr").strip() and t(key, "en").strip(), key


def test_language_switch_and_format():
    assert t("registry.firms", "fr") == "Entreprises"
    assert t("registry.firms", "en") == "Firms"
    assert "x.db" in t("registry.db_error", "en", url="x.db", error="boom")


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        t("no.such.key")


def test_text_defaults_to_french():
    msg = Text("bonjour", "hello")
    assert msg.get("de") == "bonjour" and msg.get("en") == "hello"
    assert msg.format() == msg


def test_catalogue_folder_rejects_duplicates_and_half_translations(tmp_path):
    from symbiosis.i18n import load_catalogue

    (tmp_path / "a.yaml").write_text("k1: {fr: un, en: one}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    assert load_catalogue(tmp_path)["k1"] == Text("un", "one")
    (tmp_path / "b.yaml").write_text("k1: {fr: deux, en: two}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        load_catalogue(tmp_path)
    (tmp_path / "b.yaml").write_text("k2: {fr: deux}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs both"):
        load_catalogue(tmp_path)


def test_plural_forms_follow_each_language():
    from symbiosis.i18n import tn

    assert tn("synergy.table.title", 1, "fr") == "1 synergie"
    assert tn("synergy.table.title", 0, "fr") == "0 synergie"  # French: 0 is singular
    assert tn("synergy.table.title", 0, "en") == "0 synergies"
    assert tn("synergy.table.title", 1200, "fr") == "1\u00a0200 synergies"
    assert tn("synergy.table.title", 1200, "en") == "1,200 synergies"


def test_every_plural_message_has_its_other_form():
    keys = catalogue_keys()
    for key in keys:
        if key.endswith((".one", ".many")):
            assert key.rsplit(".", 1)[0] + ".other" in keys, key


def test_every_message_has_exactly_french_and_english():
    """A comma in an unquoted YAML flow mapping silently cuts a message and adds a stray key."""
    from importlib import resources

    import yaml

    folder = resources.files("symbiosis.data").joinpath("messages")
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            for key, value in (yaml.safe_load(entry.read_text("utf-8")) or {}).items():
                assert set(value) == {"fr", "en"}, (entry.name, key, set(value))


def _fields(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_each_plural_form_takes_the_same_values_and_renders_for_0_1_and_2():
    """A caller passes one set of values whatever the count: every form of a plural message, in
    both languages, names the same fields (``{n}`` aside, which a form may leave out)."""
    from symbiosis.i18n import _catalogue, tn

    texts = _catalogue()
    families = {k.removesuffix(".one") for k in texts if k.endswith(".one")}
    assert {"registry.no_match", "mutual.store.kept", "allocation.check.flow_negative"} <= families
    for family in sorted(families):
        forms = [
            texts[f"{family}.{form}"] for form in ("one", "many", "other") if f"{family}.{form}" in texts
        ]
        fields = {frozenset(_fields(text) - {"n"}) for form in forms for text in (form.fr, form.en)}
        assert len(fields) == 1, (family, fields)
        values = dict.fromkeys(next(iter(fields)), "x")
        for n in (0, 1, 2):
            for lang in ("fr", "en"):
                assert tn(family, n, lang, **values).strip(), (family, n, lang)


def test_french_counts_0_and_1_in_the_singular_and_english_only_1():
    from symbiosis.i18n import plural_text, tn

    assert tn("places.title", 0, "fr") == "0 lieu à confirmer"
    assert tn("places.title", 2, "fr") == "2 lieux à confirmer"
    assert tn("places.title", 0, "en") == "0 places to confirm"
    assert tn("places.title", 1, "en") == "1 place to confirm"
    assert plural_text("allocation.check.flow_negative", 1) == Text("1 flux négatif", "1 negative flow")
    assert plural_text("allocation.check.flow_negative", 2) == Text("2 flux négatifs", "2 negative flows")
