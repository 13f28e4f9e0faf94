"""A disk cache for what the knowledge base derives from its tables (categories, rules, classifier index).

Every process used to rebuild them from the CSV files: the categories with their generated List-of-Waste
categories, the concrete rules after the selectors, and the classifier's n-gram TF-IDF index (about
0.3 CPU s together, a third of ``symbiosis match`` on the sample). They depend only on the package's
data files and on the code that derives them, so they are built once and kept on disk.

* **Key.** A SHA-256 of the knowledge base's code (every ``symbiosis/kb/*.py``), of every data file
  under ``symbiosis/kb/data`` (names and bytes), of :data:`FORMAT` and of the numpy and pandas major
  versions: a changed file gives another key; entries of other keys beyond the :data:`KEEP` newest
  are deleted at the next write.
* **Format.** numpy ``.npz`` archives read with ``allow_pickle=False``: plain arrays only, never a
  pickle (a cache file cannot run code). Each archive stores its key and a SHA-256 of its arrays; an
  archive whose key or digest does not match, or that cannot be read, is ignored and rebuilt (and
  the caller rebuilds as well when the arrays do not fit together).
* **Writes** go to a temporary file in the cache folder, then ``os.replace``: a reader never sees a
  half-written archive, and two processes writing at once both leave a whole one. A folder that
  cannot be written (read-only home) only means no cache.
* **Where.** ``$SYMBIOSIS_CACHE_DIR``; else the user cache folder (``platformdirs`` when installed,
  else ``$XDG_CACHE_HOME/symbiosis`` or ``~/.cache/symbiosis``), sub-folder ``kb``.
  ``SYMBIOSIS_NO_CACHE=1`` turns it off (everything is rebuilt in memory, as before).

Frames are stored column by column (:func:`frame_arrays`) and only when the round trip gives back the
same frame (values, dtypes, index), checked when writing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "DIR_ENV",
    "DISABLE_ENV",
    "FORMAT",
    "KEEP",
    "cache_dir",
    "cached_arrays",
    "cached_frame",
    "fingerprint",
    "frame_arrays",
    "frame_from_arrays",
    "load_arrays",
    "save_arrays",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Version of the archives' layout; bump it when what is stored changes shape.
FORMAT = 1
#: Entries of other keys kept per name (other checkouts or versions of the package on the machine).
KEEP = 3
DISABLE_ENV = "SYMBIOSIS_NO_CACHE"
DIR_ENV = "SYMBIOSIS_CACHE_DIR"

_KB_DIR = Path(__file__).resolve().parent
_KEY = "_cache_key"
_DIGEST = "_cache_digest"
_READ_ERRORS = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)


def _disabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip().lower() not in ("", "0", "false", "no")


def cache_dir() -> Path | None:
    """Return the folder of the knowledge base's cache, or None when the cache is turned off."""
    if _disabled():
        return None
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV]) / "kb"
    try:
        import platformdirs
    except ImportError:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "symbiosis"
    else:
        root = Path(platformdirs.user_cache_dir("symbiosis", appauthor=False))
    return root / "kb"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Return the key of the current code and data (hex SHA-256; computed once per process)."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    digest.update(f"numpy {np.__version__.split('.')[0]} pandas {pd.__version__.split('.')[0]}\n".encode())
    files = sorted(_KB_DIR.glob("*.py")) + sorted(p for p in (_KB_DIR / "data").rglob("*") if p.is_file())
    for path in files:
        digest.update(f"{path.relative_to(_KB_DIR).as_posix()}\n".encode())
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _digest(arrays: Mapping[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}\n".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _path(folder: Path, name: str, key: str) -> Path:
    return folder / f"{name}-{key[:24]}.npz"


def load_arrays(name: str) -> dict[str, np.ndarray] | None:
    """Return the arrays cached under ``name`` for the current key; None when absent, off or not sound."""
    folder = cache_dir()
    if folder is None:
        return None
    key = fingerprint()
    path = _path(folder, name, key)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
    except FileNotFoundError:
        return None
    except _READ_ERRORS:
        logger.warning("knowledge-base cache %s unreadable: rebuilt", path, exc_info=True)
        return None
    stored_key = arrays.pop(_KEY, None)
    stored_digest = arrays.pop(_DIGEST, None)
    if (
        stored_key is None
        or stored_digest is None
        or str(stored_key) != key
        or str(stored_digest) != _digest(arrays)
    ):
        logger.warning("knowledge-base cache %s does not match its key or digest: rebuilt", path)
        return None
    return arrays


def save_arrays(name: str, arrays: Mapping[str, np.ndarray]) -> Path | None:
    """Write ``arrays`` under ``name`` for the current key (atomically); return the file, None if not.

    Older entries of ``name`` (other keys) are deleted. Failing to write is logged, never raised.
    """
    folder = cache_dir()
    if folder is None:
        return None
    key = fingerprint()
    path = _path(folder, name, key)
    if any(a.dtype.hasobject for a in arrays.values()):
        raise TypeError("the knowledge-base cache stores plain arrays only (no Python objects)")
    payload = {**arrays, _KEY: np.array(key), _DIGEST: np.array(_digest(arrays))}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, **payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        others = sorted(
            (p for p in folder.glob(f"{name}-*.npz") if p != path), key=lambda p: p.stat().st_mtime
        )
        for stale in others[:-KEEP]:  # another checkout or version may still use the newest few
            stale.unlink(missing_ok=True)
    except OSError:
        logger.info("knowledge-base cache not written in %s", folder, exc_info=True)
        return None
    return path


def cached_arrays(
    name: str,
    build: Callable[[], T],
    to_arrays: Callable[[T], dict[str, np.ndarray]],
    from_arrays: Callable[[dict[str, np.ndarray]], T],
) -> T:
    """Return ``from_arrays`` of the cached arrays, or ``build()`` (then cached through ``to_arrays``).

    Arrays that ``from_arrays`` rejects (``KeyError``, ``ValueError``, ``TypeError``, ``IndexError``)
    are treated as a corrupt entry: the value is rebuilt and the entry rewritten.
    """
    arrays = load_arrays(name)
    if arrays is not None:
        try:
            return from_arrays(arrays)
        except (KeyError, ValueError, TypeError, IndexError):
            logger.warning("knowledge-base cache %r inconsistent: rebuilt", name, exc_info=True)
    value = build()
    if cache_dir() is not None:
        save_arrays(name, to_arrays(value))
    return value


# -- frames ------------------------------------------------------------------------------------------

_STR = pd.StringDtype(na_value=np.nan)


def frame_arrays(frame: pd.DataFrame) -> dict[str, np.ndarray] | None:
    """Return ``frame`` as plain arrays (column names, kinds, one array per column), or None.

    None when the frame holds something this codec does not store exactly (another index than
    0..n-1, missing text, a dtype other than text, float64, int64 or bool): such a frame is not cached.
    """
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
        return None
    names, kinds, arrays = [], [], {}
    for i, (name, series) in enumerate(frame.items()):
        dtype = series.dtype
        if dtype == _STR and not series.isna().any():
            kind, values = "str", series.to_numpy(dtype=str)
        elif dtype in (np.float64, np.int64, np.bool_):
            kind, values = dtype.name, series.to_numpy()
        else:
            return None
        names.append(str(name))
        kinds.append(kind)
        arrays[f"col{i}"] = values
    arrays["columns"] = np.array(names, dtype=str)
    arrays["kinds"] = np.array(kinds, dtype=str)
    decoded = frame_from_arrays(arrays)
    if not (decoded.equals(frame) and decoded.dtypes.equals(frame.dtypes) and list(decoded) == list(frame)):
        return None
    return arrays


def frame_from_arrays(arrays: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Return the frame :func:`frame_arrays` stored (ValueError or KeyError when the arrays do not fit)."""
    names = arrays["columns"].tolist()
    kinds = arrays["kinds"].tolist()
    if len(names) != len(kinds):
        raise ValueError("columns and kinds differ in length")
    data = {}
    for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        values = arrays[f"col{i}"]
        if kind == "str":
            data[name] = pd.array(values.astype(object), dtype=_STR)
        elif kind in ("float64", "int64", "bool"):
            if values.dtype != np.dtype(kind):
                raise ValueError(f"column {name!r}: {values.dtype} stored for {kind}")
            data[name] = values
        else:
            raise ValueError(f"unknown column kind {kind!r}")
    return pd.DataFrame(data, columns=names)


def cached_frame(name: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Return the cached frame ``name``, or ``build()`` (cached when :func:`frame_arrays` can store it)."""
    arrays = load_arrays(name)
    if arrays is not None:
        try:
            return frame_from_arrays(arrays)
        except (KeyError, ValueError, TypeError, IndexError):
            logger.warning("knowledge-base cache %r inconsistent: rebuilt", name, exc_info=True)
    frame = build()
    if cache_dir() is not None:
        stored = frame_arrays(frame)
        if stored is not None:
            save_arrays(name, stored)
    return frame
