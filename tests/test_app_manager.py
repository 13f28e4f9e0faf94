"""The program manager's dashboard, driven headless: one source of figures with the report and its files."""

from __future__ import annotations

import io
import re
import subprocess
from collections import OrderedDict

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from app_pages.results_state import _RUNS
from symbiosis.db import Actor, Repository
from symbiosis.i18n import t
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.views.dashboard import money_text
from symbiosis.views.scenario import config_key, registry_key
from tests._app_helpers import APP, ROOT, build_template, use_copy

MANAGER = Actor(user_id="g", role="program_manager", firm_id=None)
ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)
OTHERS = {
    "advisor": ADVISOR,
    "firm": Actor(user_id="f", role="firm", firm_id="F00001"),
    "anonymous": None,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A registry DB and the baseline result on it (computed once)."""
    return build_template(tmp_path_factory.mktemp("manager"), MANAGER)


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    return use_copy(template[0], tmp_path, monkeypatch)


def _dashboard(template, lang: str = "fr") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["actor"] = MANAGER
    _, registry, result = template
    at.session_state[_RUNS] = OrderedDict({(registry_key(registry), config_key(result.config)): result})
    at.run()
    return at.switch_page("app_pages/manager_dashboard.py").run()


def _number(text: str) -> float:
    """A French number as shown (``1 234,5``, ``174,5 M$``) → float."""
    millions = "M$" in text
    value = float(re.sub(r"[^\d,.-]", "", text).replace(",", "."))
    return value * 1e6 if millions else value


def _track(db, result) -> tuple[str, str]:
    """Record the proposals; walk one synergy to 'contacted' and reject another (the issue's case)."""
    store = SynergyRepository(Repository.from_url(f"sqlite:///{db}"))
    store.record_proposals(ADVISOR, result)
    ids = store.synergies(ADVISOR)["synergy_id"].tolist()
    store.transition(ADVISOR, ids[0], "qualified")
    store.transition(ADVISOR, ids[0], "contacted")
    store.transition(ADVISOR, ids[1], "rejected", reason="cost")
    return ids[0], ids[1]


@pytest.mark.parametrize("role", list(OTHERS))
def test_dashboard_refuses_other_roles(db, role):
    at = AppTest.from_file(str(ROOT / "app_pages" / "manager_dashboard.py"), default_timeout=30)
    if OTHERS[role] is not None:
        at.session_state["actor"] = OTHERS[role]
    at.run()
    assert not at.exception
    assert "Accès refusé" in at.error[0].value
    assert not at.metric


def test_dashboard_shows_kpis_statuses_breakdowns_and_downloads(db, template):
    at = _dashboard(template)
    assert not at.exception
    assert at.title[0].value == "Tableau de bord du programme"
    # no synergy tracked: the notice says the figures are estimated proposals (no ledger caption)
    assert "(estimées, par an)" in at.warning[-1].value and not at.info
    metrics = {m.label: m.value for m in at.metric}
    kpis = template[2].kpis
    assert metrics["Synergies (chacune une fois)"] == str(kpis.n_exchanges)
    saved = metrics["Économies nettes par an"]
    assert saved.endswith(" M$") or saved.endswith(" $")
    status = at.dataframe[0].value
    assert status.iloc[0, :2].tolist() == ["Proposée", kpis.n_exchanges]
    by = at.dataframe[1].value
    assert by.columns[0] == "MRC" and by["Synergies"].dtype.kind in "if"  # numbers, sortable
    next(s for s in at.selectbox if s.label == "Répartir par").set_value("family").run()
    assert at.dataframe[1].value.columns[0] == "Famille de ressource"
    assert at.caption == [] or all("figure dans chacun" not in c.value for c in at.caption)
    at.button[0].click().run()  # prepare the files
    assert not at.exception
    assert len(at.get("download_button")) == 4


def test_status_table_follows_the_pipeline(db, template):
    """#11.2: with one synergy contacted and one rejected the table said 838 proposed, 0 contacted."""
    _track(db, template[2])
    at = _dashboard(template)
    assert not at.exception
    status = at.dataframe[0].value.set_index("Statut")["Nombre"]
    n = template[2].kpis.n_exchanges
    assert status["Entreprises contactées"] == 1 and status["Abandonnée"] == 1 and status["Proposée"] == n - 2
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Synergies (chacune une fois)"] == str(n - 1)  # the rejected one has no impact


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


def test_dashboard_xlsx_and_pdf_show_the_same_totals(db, template, tmp_path):
    """#11.2: the dashboard's headline (1,699,428 t) differed from the grant report's (1,689,918 t)."""
    _track(db, template[2])
    at = _dashboard(template)
    metrics = {m.label: m.value for m in at.metric}
    at.button[0].click().run()
    files = at.session_state["dashboard.files.files"]
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"].content))
    summary = {r[0].value: r[1].value for r in book.worksheets[0].iter_rows(min_row=2)}
    pairs = {
        "Tonnes détournées (t/an)": "diverted_t_per_yr",
        "Synergies (chacune une fois)": "n_synergies",
        "GES évités (t CO₂e/an)": "co2e_avoided_t_per_yr",
    }
    for shown, kpi in pairs.items():
        assert round(float(summary[t(f"reports.kpi.{kpi}", "fr")])) == round(_number(metrics[shown])), shown
    value = summary[t("reports.kpi.net_value_cad_per_yr", "fr")]
    assert metrics["Économies nettes par an"] == money_text(float(value), "fr")  # e.g. « 7,2 M$ »
    text = _pdf_text(files["pdf"].content, tmp_path)
    synergies_row = next(line for line in text.splitlines() if line.strip().startswith("Synergies "))
    assert metrics["Synergies (chacune une fois)"] in synergies_row


def test_dashboard_in_english(db, template):
    at = _dashboard(template, lang="en")
    assert not at.exception
    assert at.title[0].value == "Programme dashboard"
    assert "Synergies (each once)" in {m.label for m in at.metric}


def test_missing_figures_are_a_dash_not_the_english_none(db, template):
    # a stage with no conversion (the first, the rejected) left NaN cells that the browser wrote
    # « None », in English, on the French dashboard; every table now shows « — »
    _track(db, template[2])
    at = _dashboard(template)
    status = at.dataframe[0].value
    assert status.iloc[:, 3].isna().any()  # there are missing figures to show
    assert all(frame.proto.placeholder == "—" for frame in at.dataframe)
