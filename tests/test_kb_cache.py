"""The knowledge base's disk cache: same results with and without it; stale, corrupt or off means rebuilt."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import _cache, categories, classify, rules

_LOADERS = (categories._categories, rules._rules, classify._index)
_TEXTS = ["copeaux de bois", "sciure humide 40 t/an", "eau chaude 60 °C", "lactoserrum", "vapeur 10 bar", ""]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder for this test; the in-process copies cleared before and after."""
    monkeypatch.setenv(_cache.DIR_ENV, str(tmp_path))
    monkeypatch.delenv(_cache.DISABLE_ENV, raising=False)
    for loader in _LOADERS:
        loader.cache_clear()
    yield tmp_path / "kb"
    for loader in _LOADERS:
        loader.cache_clear()


def _fresh():
    """Categories, rules and index as a new process gets them (the in-process copies cleared)."""
    for loader in _LOADERS:
        loader.cache_clear()
    return categories._categories(), rules._rules(), classify._index()


def _assert_same_index(a, b) -> None:
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if field.name == "space":
            assert list(x.vocabulary.items()) == list(y.vocabulary.items())
            assert x.idf.dtype == y.idf.dtype and np.array_equal(x.idf, y.idf)
        elif hasattr(x, "tocsr"):
            assert x.shape == y.shape and x.dtype == y.dtype
            for part in ("data", "indices", "indptr"):
                assert np.array_equal(getattr(x, part), getattr(y, part)), (field.name, part)
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), field.name
        elif field.name != "corrections":
            assert x == y, field.name


def _results():
    suggestions = classify.classify_many(_TEXTS, top=5)
    one = classify.classify("eau de refroidissement tiède", unit="m³/an", waste_code="02 03 04", top=3)
    vectors = classify.text_vectors(_TEXTS)
    return suggestions, one, vectors


def _assert_same_results(a, b) -> None:
    assert a[0] == b[0] and a[1] == b[1]
    assert (a[2] != b[2]).nnz == 0 and np.array_equal(a[2].data, b[2].data)


def test_results_are_identical_with_and_without_the_cache(cache, monkeypatch):
    monkeypatch.setenv(_cache.DISABLE_ENV, "1")
    cats_off, rules_off, index_off = _fresh()
    results_off = _results()
    assert not cache.exists()  # turned off: nothing written

    monkeypatch.delenv(_cache.DISABLE_ENV)
    _fresh()  # built with the cache on, and written
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.npz")) == ["categories", "classifier", "rules"]
    cats_read, rules_read, index_read = _fresh()  # read back
    pd.testing.assert_frame_equal(cats_read, cats_off, check_exact=True)
    pd.testing.assert_frame_equal(rules_read, rules_off, check_exact=True)
    assert cats_read.dtypes.equals(cats_off.dtypes) and rules_read.dtypes.equals(rules_off.dtypes)
    _assert_same_index(index_read, index_off)  # the n-gram columns follow first occurrence: same order
    _assert_same_results(_results(), results_off)  # suggestions and text vectors, bit for bit


def test_a_second_process_reads_the_cache_and_gets_the_same_vectors(cache):
    probe = (
        "import sys, numpy as np\nfrom symbiosis.kb import classify\n"
        f"v = classify.text_vectors({_TEXTS!r})\n"
        "np.save(sys.argv[1], v.toarray())\n"
    )
    outputs = []
    for i in range(2):
        out = cache.parent / f"v{i}.npy"
        subprocess.run([sys.executable, "-c", probe, str(out)], check=True, env=_env(cache))
        outputs.append(np.load(out))
    assert np.array_equal(outputs[0], outputs[1])  # the second process read the first one's index
    assert len(list(cache.glob("classifier-index-*.npz"))) == 1


def _env(cache):
    import os

    return {**os.environ, _cache.DIR_ENV: str(cache.parent), "PYTHONHASHSEED": "random"}


def test_a_corrupt_file_is_rebuilt_and_rewritten(cache, caplog):
    _, _, built = _fresh()
    path = next(cache.glob("classifier-index-*.npz"))
    path.write_bytes(b"not an archive")
    with caplog.at_level(logging.WARNING, logger="symbiosis.kb._cache"):
        _, _, again = _fresh()
    assert "unreadable" in caplog.text
    _assert_same_index(again, built)  # rebuilt in this process: same set order, same columns
    assert _cache.load_arrays("classifier-index") is not None  # rewritten whole


def test_changed_arrays_fail_the_digest_and_are_not_trusted(cache, caplog):
    _fresh()
    path = next(cache.glob("rules-*.npz"))
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    floats = next(k for k in arrays if arrays[k].dtype == np.float64 and arrays[k].size)
    arrays[floats] = arrays[floats] * 2  # e.g. every yield doubled, the key and digest kept
    np.savez(path, **arrays)
    with caplog.at_level(logging.WARNING, logger="symbiosis.kb._cache"):
        assert _cache.load_arrays("rules") is None
        rebuilt = _fresh()[1]
    assert "digest" in caplog.text
    monkey_off = rules.expand_rules(rules._statements(), categories.load_categories())
    pd.testing.assert_frame_equal(rebuilt, monkey_off, check_exact=True)


def test_arrays_that_do_not_fit_together_are_rebuilt(cache, caplog):
    _, _, built = _fresh()
    arrays = _cache.load_arrays("classifier-index")
    arrays["phrase_weight"] = arrays["phrase_weight"][:-1]  # a sound archive holding a wrong index
    _cache.save_arrays("classifier-index", arrays)
    with caplog.at_level(logging.WARNING, logger="symbiosis.kb._cache"):
        _, _, again = _fresh()
    assert "inconsistent" in caplog.text
    _assert_same_index(again, built)


def test_a_pickle_is_never_loaded(cache):
    _fresh()
    path = next(cache.glob("categories-*.npz"))
    arrays = _cache.load_arrays("categories")
    arrays["columns"] = np.array([object()] * len(arrays["columns"]), dtype=object)
    np.savez(path, **arrays)  # an object array: stored as a pickle
    assert _cache.load_arrays("categories") is None
    with pytest.raises(TypeError):
        _cache.save_arrays("categories", arrays)


def test_a_stale_key_is_not_read_and_old_entries_are_pruned(cache, monkeypatch):
    _fresh()
    first = next(cache.glob("rules-*.npz"))
    for i in range(_cache.KEEP + 2):  # other versions of the code or data
        monkeypatch.setattr(_cache, "fingerprint", lambda i=i: str(i + 1) * 64)
        assert _cache.load_arrays("rules") is None  # another key: the existing entries are not read
        _fresh()
    names = sorted(p.name for p in cache.glob("rules-*.npz"))
    assert len(names) == _cache.KEEP + 1 and first.name not in names  # the newest others are kept


def test_the_key_follows_the_data_and_code(cache, tmp_path, monkeypatch):
    key = _cache.fingerprint()
    copy = tmp_path / "kbcopy"
    (copy / "data").mkdir(parents=True)
    for path in _cache._KB_DIR.glob("*.py"):
        (copy / path.name).write_bytes(path.read_bytes())
    for path in (_cache._KB_DIR / "data").iterdir():
        (copy / "data" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(_cache, "_KB_DIR", copy)
    _cache.fingerprint.cache_clear()
    try:
        assert _cache.fingerprint() == key
        (copy / "data" / "rules.csv").write_bytes((copy / "data" / "rules.csv").read_bytes() + b"\n")
        _cache.fingerprint.cache_clear()
        changed_data = _cache.fingerprint()
        (copy / "selectors.py").write_text((copy / "selectors.py").read_text() + "\n# changed\n")
        _cache.fingerprint.cache_clear()
        assert len({key, changed_data, _cache.fingerprint()}) == 3
    finally:
        _cache.fingerprint.cache_clear()


def test_an_unwritable_folder_only_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(_cache.DIR_ENV, str(blocker))  # its "kb" sub-folder cannot be created
    assert _cache.save_arrays("rules", {"a": np.arange(3)}) is None
    assert _cache.load_arrays("rules") is None


def test_cache_folder_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv(_cache.DISABLE_ENV, "1")
    assert _cache.cache_dir() is None
    monkeypatch.setenv(_cache.DISABLE_ENV, "0")
    monkeypatch.setenv(_cache.DIR_ENV, str(tmp_path))
    assert _cache.cache_dir() == tmp_path / "kb"
    monkeypatch.delenv(_cache.DIR_ENV)
    assert _cache.cache_dir().parts[-2:] == ("symbiosis", "kb")


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"a": [1.0, 2.0]}, index=[5, 6]),  # not 0..n-1
        pd.DataFrame({"a": pd.array(["x", None], dtype="str")}),  # missing text
        pd.DataFrame({"a": [object(), 1]}),  # Python objects
        pd.DataFrame({"a": pd.to_datetime(["2024-01-01", "2024-01-02"])}),  # another dtype
    ],
)
def test_frames_the_codec_cannot_store_exactly_are_not_cached(frame):
    assert _cache.frame_arrays(frame) is None


def test_the_frame_codec_round_trips():
    frame = pd.DataFrame(
        {
            "s": pd.array(["é", "long text " * 30], dtype="str"),
            "f": [np.nan, -0.0],
            "i": np.array([1, 2], dtype=np.int64),
            "b": [True, False],
        }
    )
    back = _cache.frame_from_arrays(_cache.frame_arrays(frame))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back.dtypes.equals(frame.dtypes)
