"""The command line imports only the sub-command it runs: ``--help`` loads neither pandas nor the DB layer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from symbiosis.cli import COMMAND_MODULES, _load, build_parser, command_help

_PROBE = """
import sys
from symbiosis.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
names = ("pandas", "numpy", "sqlalchemy", "ortools", "networkx", "scipy")
heavy = sorted(m for m in names if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


def _heavy_modules(argv: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(argv=argv)], capture_output=True, text=True, check=True
    ).stdout
    line = next(row for row in out.splitlines() if row.startswith("HEAVY="))
    return [m for m in line.removeprefix("HEAVY=").split(",") if m]


def test_help_imports_no_heavy_library():
    assert _heavy_modules(["--help"]) == []


def test_a_sub_command_help_imports_only_that_command():
    """``symbiosis export-template --help`` must not pay for the matching engine or the database."""
    heavy = _heavy_modules(["export-template", "--help"])
    assert "ortools" not in heavy and "sqlalchemy" not in heavy


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_help_read_from_the_source_is_the_module_constant(name):
    meta = command_help(name)
    if meta is None:
        pytest.skip(f"no module symbiosis.commands.{name}")
    module = _load(name)
    assert meta == (module.NAME, module.HELP)


def test_lazy_parser_lists_every_command_and_parses_the_chosen_one():
    full = build_parser()
    lazy = build_parser(["match", "--json"])
    commands = full._subparsers._group_actions[0].choices
    assert set(lazy._subparsers._group_actions[0].choices) == set(commands)
    args = lazy.parse_args(["match", "--json"])
    assert args.json is True and callable(args._run)


def test_match_knows_the_sample_folder_without_importing_the_importer():
    from symbiosis.commands import match
    from symbiosis.services import importing

    assert match.SAMPLE_DIR == importing.SAMPLE_DIR


def test_match_imports_neither_the_importer_nor_networkx_nor_the_exporter(tmp_path):
    """``symbiosis match`` without ``--out`` prints KPIs: the graph, the export and the migrations
    (Alembic: ``match`` opens an existing registry, it never migrates) stay unloaded, and so do
    SQLAlchemy and the ORM models (an SQLite registry is read with the standard library)."""
    db = tmp_path / "r.db"
    from symbiosis.cli import main

    assert main(["init", "--db", str(db), "--sample"]) == 0
    heavy = (
        "symbiosis.services.importing",
        "networkx",
        "symbiosis.io.export",
        "alembic",
        "sqlalchemy",
        "symbiosis.db.models",
    )
    probe = (
        f"import sys\nfrom symbiosis.cli import main\nmain(['match', '--db', {str(db)!r}])\n"
        f"print('LOADED=' + ','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded = next(r for r in out.splitlines() if r.startswith("LOADED=")).removeprefix("LOADED=")
    assert [m for m in loaded.split(",") if m] == []


def test_match_builds_its_parser_without_the_message_catalogue():
    """The options' catalogue help texts are read only when help is shown (the YAML costs ≈ 0.06 s)."""
    probe = (
        "import sys\nfrom symbiosis.cli import build_parser\n"
        "build_parser(['match', '--db', 'x']).parse_args(['match', '--db', 'x'])\n"
        "print('LOADED=' + ','.join(m for m in ('yaml', 'symbiosis.i18n') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert next(r for r in out.splitlines() if r.startswith("LOADED=")) == "LOADED="


def test_catalogue_help_is_shown_in_both_languages(capsys):
    from symbiosis.cli import main
    from symbiosis.i18n import t

    with pytest.raises(SystemExit):
        main(["match", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for key in ("scaleout.help.scheduler", "scaleout.help.memory_limit", "scaleout.help.candidates_parquet"):
        assert " ".join(f"{t(key, 'fr')} / {t(key, 'en')}".split()) in shown


def test_catalogue_help_answers_what_argparse_asks():
    from symbiosis.commands._common import CatalogueHelp
    from symbiosis.i18n import t

    help_text = CatalogueHelp("scaleout.help.scheduler")
    text = f"{t('scaleout.help.scheduler', 'fr')} / {t('scaleout.help.scheduler', 'en')}"
    assert str(help_text) == text and help_text.strip() == text.strip()
    assert help_text % {"default": 1} == text % {"default": 1}
    assert "Dask" in help_text and "no such words" not in help_text
    with pytest.raises(KeyError):
        str(CatalogueHelp("no.such.key"))


_ENDING = """
import gc, json, os, sys
sys.argv = ["symbiosis", "match", "--db", {db!r}, "--json"]
from symbiosis.cli import main
code = main()
print("ENDING=" + json.dumps([code, gc.get_freeze_count() > 0, os.environ.get("OPENBLAS_NUM_THREADS")]))
"""


@pytest.mark.parametrize("blas", [None, "3"])
def test_the_program_itself_freezes_the_collector_and_takes_one_blas_thread(tmp_path, blas):
    """``main()`` without arguments is a process's own command line: its objects are frozen before the
    exit's collection, and OpenBLAS gets one thread unless the user chose a number."""
    import json
    import os

    from symbiosis.cli import main

    db = tmp_path / "r.db"
    assert main(["init", "--db", str(db), "--sample"]) == 0
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if blas is not None:
        env["OPENBLAS_NUM_THREADS"] = blas
    out = subprocess.run(
        [sys.executable, "-c", _ENDING.format(db=str(db))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    payload = json.loads(out[: out.index("ENDING=")])  # the command's whole JSON came out first
    assert payload["status"] == "optimal" and payload["exchanges"]
    code, frozen, threads = json.loads(next(r for r in out.splitlines() if r.startswith("ENDING="))[7:])
    assert code == 0 and frozen and threads == (blas or "1")


def test_a_caller_passing_arguments_keeps_its_collector(tmp_path, monkeypatch):
    import gc

    from symbiosis.cli import main

    before = gc.get_freeze_count()
    assert main(["sample", "--out", str(tmp_path / "s")]) == 0
    assert gc.get_freeze_count() == before
