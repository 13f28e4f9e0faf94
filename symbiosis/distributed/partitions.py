"""Parquet partitions of a run: each task's rows written by the worker, read back by rows on demand.

A cluster's workers must not hold finished results in memory until the client gathers them: each
task writes its rows to one Parquet file of a :class:`RunFolder` and returns only what the client
needs at once. :class:`PartitionStore` then reads back, for any rows of the concatenation of the
files, the columns asked, opening only the files — and, within a file, only the row groups — that
hold those rows.

Columns are numpy arrays, or **coded** text columns given as ``(codes, names)`` (stored as Parquet
dictionary columns, read back as ``(codes, names)`` with the names of every file read
concatenated). Float columns round-trip bit for bit.

The folder must be visible to the client and to every worker at the same path: a local disk for a
``LocalCluster``, a shared file system (NFS, a mounted bucket) for a cluster of machines.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ROW_GROUP_ROWS", "Column", "PartitionStore", "PartitionWriter", "RunFolder", "write_partition"]

log = logging.getLogger(__name__)

#: Rows per Parquet row group: the unit a read of a few rows opens within a file.
ROW_GROUP_ROWS = 65_536

#: A column: a numpy array, or a coded text column ``(codes, names)`` (value ``names[codes[i]]``).
Column = np.ndarray | tuple[np.ndarray, np.ndarray]


def _remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
    log.info("run folder %s removed", path)


class RunFolder:
    """A fresh folder for one run's partitions, removed when the run's results are dropped.

    Parameters
    ----------
    parent
        Where to create it (the system's temporary folder when None). The run's folder is always a
        new ``symbiosis-run-*`` folder inside it, so removing it never touches anything else.
    keep
        Leave the folder (and its files) in place at the end; its path is :attr:`path`.

    The folder is removed by :meth:`remove`, or when this object is garbage-collected (the results
    that read from it are gone), or at the interpreter's exit — unless ``keep``.
    """

    def __init__(self, parent: str | os.PathLike | None = None, *, keep: bool = False) -> None:
        if parent is not None:
            Path(parent).mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix="symbiosis-run-", dir=parent)).resolve()
        self.keep = keep
        self._finalizer = None if keep else weakref.finalize(self, _remove, str(self.path))
        log.info("run folder %s (%s)", self.path, "kept" if keep else "removed at the end")

    def remove(self) -> None:
        """Remove the folder now (nothing when it is kept)."""
        if self._finalizer is not None:
            self._finalizer()

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r}, keep={self.keep})"


def _arrow_column(values: Column) -> Any:
    import pyarrow as pa

    if isinstance(values, tuple):
        codes, names = values
        # One entry per distinct name (a Parquet dictionary), the codes renumbered onto them.
        renumber, distinct = pd.factorize(np.asarray(names, dtype=object), use_na_sentinel=False)
        dictionary = pa.array(np.asarray(distinct, dtype=object), type=pa.string(), from_pandas=True)
        indices = renumber[np.asarray(codes)] if len(renumber) else np.asarray(codes)
        return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary)
    return pa.array(np.asarray(values))


class PartitionWriter:
    """One Parquet file written in slices (``with PartitionWriter(path) as out: out.write(columns)``).

    Every slice has the same columns; a coded column may have other names in each slice. The file
    is written under a temporary name and renamed when closed without error: a task re-run after a
    worker died rewrites the same file whole, and a reader never sees half a file. Returns nothing
    on a slice of no row; a file with no row is not created.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        self.rows = 0
        self._writer: Any = None

    def __enter__(self) -> PartitionWriter:
        return self

    def write(self, columns: Mapping[str, Column]) -> None:
        """Append one slice (row groups of :data:`ROW_GROUP_ROWS`)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({name: _arrow_column(values) for name, values in columns.items()})
        if not table.num_rows:
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.partial, table.schema)
        self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self.rows += table.num_rows

    def __exit__(self, kind: object, *exc: object) -> None:
        if self._writer is None:
            return
        self._writer.close()
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            Path(self.partial).unlink(missing_ok=True)


def write_partition(path: str | os.PathLike, columns: Mapping[str, Column]) -> int:
    """Write ``columns`` (equal lengths) as one Parquet file; return the number of rows."""
    with PartitionWriter(path) as out:
        out.write(columns)
    return out.rows


class PartitionStore:
    """Rows of several Parquet files, numbered one file after the other, read back by row.

    Parameters
    ----------
    folder
        The run's folder (kept alive as long as this store: its files are removed with it).
    files
        Paths relative to the folder, in the order their rows are numbered.
    rows
        Rows of each file.
    """

    def __init__(self, folder: RunFolder, files: Sequence[str], rows: Sequence[int]) -> None:
        self.folder = folder
        self.files = tuple(files)
        self.offsets = np.concatenate([[0], np.cumsum(np.asarray(rows, dtype=np.int64))]).astype(np.int64)

    @property
    def n(self) -> int:
        """Rows in all files."""
        return int(self.offsets[-1])

    def column_names(self) -> list[str]:
        """The columns of the files, in their order (from the first file's schema)."""
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(self.paths()[0]).schema_arrow.names) if self.files else []

    def paths(self) -> list[Path]:
        """Absolute paths of the files."""
        return [self.folder.path / f for f in self.files]

    def read(self, rows: np.ndarray, columns: Sequence[str]) -> dict[str, Column]:
        """The ``columns`` at ``rows`` (positions in the concatenation of the files), in that order.

        Opens only the files holding those rows, and in each only the row groups holding them.
        Coded columns come back as ``(codes, names)``.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) and (rows.min() < 0 or rows.max() >= self.n):
            raise IndexError(f"rows outside the {self.n} stored rows")
        part = np.searchsorted(self.offsets, rows, side="right") - 1
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(len(self.files) + 1))
        pieces: dict[str, list] = {name: [] for name in columns}
        for f in np.flatnonzero(np.diff(bounds)):
            at = order[bounds[f] : bounds[f + 1]]
            local = rows[at] - self.offsets[f]
            handle = pq.ParquetFile(self.folder.path / self.files[f])
            meta = handle.metadata
            sizes = np.array([meta.row_group(g).num_rows for g in range(meta.num_row_groups)], np.int64)
            starts = np.concatenate([[0], np.cumsum(sizes)])
            groups, group_of = np.unique(
                np.searchsorted(starts, local, side="right") - 1, return_inverse=True
            )
            table = handle.read_row_groups(groups.tolist(), columns=list(columns)).unify_dictionaries()
            # Row k of group g is row (rows of the groups read before g) + k of what was read.
            read_before = np.concatenate([[0], np.cumsum(sizes[groups])])[:-1]
            within = read_before[group_of] + local - starts[groups][group_of]
            table = table.take(pa.array(within))
            for name in columns:
                pieces[name].append((at, table.column(name).combine_chunks()))
        if not len(rows) and self.files:  # no row: the columns' types, from the first file's schema
            empty = pq.ParquetFile(self.folder.path / self.files[0]).schema_arrow.empty_table()
            for name in columns:
                pieces[name].append((np.zeros(0, np.int64), empty.column(name).combine_chunks()))
        return {name: _assemble(pieces[name], len(rows)) for name in columns}


def _assemble(pieces: list, n: int) -> Column:
    """One column from the pieces of several files, each at its rows (``at``) of the output."""
    import pyarrow as pa

    if pieces and pa.types.is_dictionary(pieces[0][1].type):
        codes = np.zeros(n, np.int64)
        names: list[np.ndarray] = []
        offset = 0
        for at, array in pieces:
            codes[at] = array.indices.to_numpy(zero_copy_only=False).astype(np.int64) + offset
            dictionary = np.asarray(array.dictionary.to_pylist(), dtype=object)
            names.append(dictionary)
            offset += len(dictionary)
        return codes, (np.concatenate(names) if names else np.zeros(0, dtype=object))
    if not pieces:
        return np.zeros(0)
    first = pieces[0][1].to_numpy(zero_copy_only=False)
    out = np.empty(n, dtype=first.dtype)
    for at, array in pieces:
        out[at] = array.to_numpy(zero_copy_only=False)
    return out
