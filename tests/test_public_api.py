"""The curated public API: what the README and notebooks use is importable from the top."""

import symbiosis
import symbiosis.engine


def test_top_level_names_resolve():
    for name in symbiosis.__all__:
        assert getattr(symbiosis, name) is not None, name
    from symbiosis.pipeline import run

    assert symbiosis.run is run


def test_engine_names_resolve():
    for name in symbiosis.engine.__all__:
        assert getattr(symbiosis.engine, name) is not None, name


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError):
        symbiosis.no_such_thing  # noqa: B018
