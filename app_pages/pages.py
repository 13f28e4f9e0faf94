"""The app's page table: which page each role may open (read by ``app.py`` and by the tests).

A module of its own so that the table can be imported without running the app's entry point, which
opens the registry.
"""

from app_pages import state

#: Every page, one line each: (file, roles that may open it, title key, icon, url_path).
#: A role's landing page is its first line; each page still calls ``state.require_role`` itself.
PAGES: tuple[state.PageRow, ...] = (
    ("app_pages/signin.py", (state.ANONYMOUS,), "signin.title", "🔑", "connexion"),
    ("app_pages/manager_dashboard.py", ("program_manager",), "manager.title", "📊", "tableau-de-bord"),
    ("app_pages/registry.py", ("advisor", "program_manager"), "registry.title", "📋", "registre"),
    ("app_pages/advisor_map.py", ("advisor",), "advisor.map.title", "🗺️", "carte"),
    ("app_pages/advisor_exchanges.py", ("advisor",), "advisor.exchanges.title", "🔁", "echanges"),
    ("app_pages/advisor_scenario.py", ("advisor",), "advisor.scenario.title", "🧪", "scenarios"),
    ("app_pages/advisor_network.py", ("advisor",), "advisor.network.title", "🕸️", "reseau"),
    ("app_pages/advisor_prospects.py", ("advisor",), "advisor.prospects.title", "🔎", "prospection"),
    ("app_pages/synergy_pipeline.py", ("advisor",), "synergy.pipeline.title", "🧭", "synergies"),
    ("app_pages/category_review.py", ("advisor",), "review.title", "✅", "categories-a-confirmer"),
    ("app_pages/manager_reports.py", ("program_manager", "advisor"), "reports.page.title", "📄", "rapports"),
    ("app_pages/event_planner.py", ("advisor",), "events.page.title", "🤝", "maillage"),
    ("app_pages/mutual_data.py", ("advisor",), "mutual.data.title", "🧺", "mutualisation"),
    ("app_pages/mutual_purchasing.py", ("advisor",), "mutual.purchasing.title", "🛒", "achats-groupes"),
    ("app_pages/mutual_assets.py", ("advisor",), "mutual.assets.title", "🏗️", "equipements-partages"),
    ("app_pages/mutual_routes.py", ("advisor",), "mutual.routes.title", "🚛", "collectes"),
    ("app_pages/accounts.py", ("advisor",), "accounts.title", "👥", "comptes"),
    ("app_pages/firm_profile.py", ("firm",), "firm_profile.title", "🏭", "mon-entreprise"),
    ("app_pages/firm_streams.py", ("firm",), "firm_streams.title", "♻️", "mes-flux"),
    ("app_pages/firm_proposals.py", ("firm",), "synergy.proposals.title", "📨", "mes-propositions"),
    ("app_pages/firm_mutual.py", ("firm",), "mutual.firm.title", "🤲", "mes-groupes"),
    ("app_pages/firm_mutual_data.py", ("firm",), "mutual.firm_data.title", "🧾", "mes-achats-capacites"),
    ("app_pages/inbox.py", ("firm", "advisor"), "inbox.title", "📬", "notifications"),
)
