"""Levers' files uploaded in the app are read in the worker process, as streams files are (issue #12).

A hostile file (a cell of a million tabs, a header of a million brackets, cells that keep a reader
busy) is timed against a harmless file of the same shape in the same test: the server process spends
no more of its own CPU on the one than on the other (CPU seconds of this process, not wall time: a
loaded machine must not fail the test; reading in this process took seconds per hundred rows).
"""

from __future__ import annotations

import time

import pytest

from symbiosis.db import Actor, Repository
from symbiosis.services.importing import import_into_registry
from symbiosis.services.mutual_inputs import import_mutual_file, load_mutual_inputs
from tests import _hostile

pytestmark = pytest.mark.reliability

SYSTEM = Actor.system("pytest")
ADVISOR = Actor("adele", "advisor")
FIRMS = "id_entreprise;nom;code_scian;municipalite\nF-001;Scierie Éloïse;321114;Alma\n".encode()
#: CPU seconds the server may spend beyond the harmless upload's (handing the file over, storing).
SERVER_CPU_S = 0.5


@pytest.fixture
def repo(tmp_path):
    repo = Repository.from_url(f"sqlite:///{tmp_path / 'r.db'}")
    import_into_registry(repo, SYSTEM, firms_bytes=FIRMS)
    yield repo
    repo.close()


def _upload(repo: Repository, data: bytes, name: str, **kw) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    imported = import_mutual_file(repo, ADVISOR, data, name, **kw)
    return time.perf_counter() - wall, time.process_time() - cpu, imported


@pytest.mark.parametrize("name", sorted(_hostile.MUTUAL))
def test_a_hostile_levers_file_costs_the_server_no_more_than_a_harmless_one(repo, name):
    make = _hostile.MUTUAL[name]
    harmless_s, harmless_cpu, _ = _upload(repo, make(1), name)
    hostile_s, hostile_cpu, imported = _upload(repo, make(), name)
    assert hostile_cpu < harmless_cpu + SERVER_CPU_S, (
        f"{name}: the server spent {hostile_cpu:.2f} s of CPU on it ({harmless_cpu:.2f} s on the harmless "
        f"file; answered in {hostile_s:.1f} s against {harmless_s:.1f} s)"
    )
    assert imported.refused is None and imported.result.report.n_valid == 1  # the good row is kept
    stored = getattr(load_mutual_inputs(repo, ADVISOR).data, imported.table)
    assert stored.iloc[:, 0].tolist() == [_hostile.MUTUAL_GOOD_IDS[name]]


def test_a_levers_file_over_its_budget_is_refused_whole_in_both_languages(repo):
    imported = import_mutual_file(
        repo, ADVISOR, _hostile.pickup_unit_runs_csv(), "collectes.csv", time_budget_s=0.05
    )
    assert imported.outcome is None and imported.result is None
    assert load_mutual_inputs(repo, ADVISOR).data.pickups.empty  # nothing stored
    assert "Rien n'a été enregistré" in imported.summary("fr") and "Découpez-le" in imported.summary("fr")
    assert "Nothing was saved" in imported.summary("en") and "Split it" in imported.summary("en")
