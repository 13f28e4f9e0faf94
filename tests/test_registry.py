"""A registry refuses streams of firms it does not hold, whatever the frames' text dtypes."""

import pandas as pd
import pytest

from symbiosis.registry import Registry
from symbiosis.schemas import SchemaError
from tests._registry_helpers import tiny_registry


@pytest.mark.parametrize("dtype", ["str", object])
def test_streams_of_unknown_firms_are_named(dtype):
    base = tiny_registry()
    streams = base.streams.copy()
    streams["firm_id"] = pd.Series(["F1", "F9", "F3"], dtype=dtype)
    with pytest.raises(SchemaError, match=r"streams refer to unknown firms: \['S2'\]"):
        Registry(base.firms, streams).validate()


def test_every_stream_of_a_known_firm_passes_whatever_the_dtypes():
    base = tiny_registry()
    firms = base.firms.assign(firm_id=base.firms["firm_id"].astype(object))
    streams = base.streams.assign(firm_id=base.streams["firm_id"].astype("str"))
    assert Registry(firms, streams).validate().streams is streams
