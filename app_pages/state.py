"""Session state and cached resources shared by the pages (the only caching layer of the app)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.tables import MISSING
from symbiosis.db import DATABASE_ERRORS, Actor, NotFound, PermissionDenied, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.db.sessions import SESSION_LIFETIME
from symbiosis.i18n import LANGS, t, tn
from symbiosis.ingest import ImportReport
from symbiosis.kb import load_categories
from symbiosis.registry import Registry
from symbiosis.services.firm_self_service import load_firm
from symbiosis.settings import database_url
from symbiosis.views.auth import (
    COOKIE,
    LANG_COOKIE,
    client_source,
    cookie_script,
    display_name,
    lang_cookie_script,
    lang_from_cookie,
)
from symbiosis.views.firm import firm_id_in_view
from symbiosis.views.import_report import report_row_height, report_widths
from symbiosis.views.kept_rows import kept_from_json, kept_to_json
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.navigation import unknown_address

__all__ = [
    "ANONYMOUS",
    "DATE_FORMAT",
    "PageRow",
    "account_sidebar",
    "accounts",
    "categories",
    "client_address",
    "current_actor",
    "current_lang",
    "database_url_shown",
    "deep_link_notice",
    "flash",
    "keep_choices",
    "language_selector",
    "load_registry_or_stop",
    "navigation_pages",
    "repository",
    "require_role",
    "session_guard",
    "show_flash",
    "show_report",
    "sign_in",
    "sign_out",
    "unread_notice",
]

logger = logging.getLogger(__name__)

#: How date inputs show a date (ISO order, the standard in Québec; Streamlit's own default is YYYY/MM/DD).
DATE_FORMAT = "YYYY-MM-DD"
#: The "role" of a visitor who has not signed in (pages listed for it in ``app_pages.pages.PAGES``).
ANONYMOUS = "anonymous"
#: Key prefixes of the exploring pages' boxes (filters, sorts, scenario and planner fields) whose choice
#: is kept when the person opens another page and comes back. Never a button's key: a button holds no
#: choice, and Streamlit refuses a value set for one.
KEPT_CHOICES: tuple[str, ...] = (
    "exchanges.",
    "map.",
    "network.",
    "prospects.",
    "scenario.",
    "sweep.",
    "events.",
    "registry.",
)
#: One line of ``app_pages.pages.PAGES``: (file, roles, title key, icon, url_path).
PageRow = tuple[str, tuple[str, ...], str, str, str]


def current_lang() -> str:
    """Return the interface language chosen in this session ("fr" by default)."""
    return st.session_state.get("lang", "fr")


def language_selector() -> str:
    """Draw the FR/EN switch in the sidebar and return the chosen language.

    The choice is kept in a cookie: a new browser session (a refresh, a typed address) starts in it.
    """
    if "lang" not in st.session_state:
        try:
            kept = lang_from_cookie(st.context.cookies.get(LANG_COOKIE))
        except (AttributeError, RuntimeError):  # no browser request (bare mode)
            kept = None
        if kept:
            st.session_state["lang"] = kept
            st.session_state["lang_cookie"] = kept
    st.sidebar.radio(
        t("app.language", current_lang()),
        LANGS,
        key="lang",
        horizontal=True,
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
    )
    lang = current_lang()
    if st.session_state.get("lang_cookie", "fr") != lang:  # French needs no cookie until switched back
        st.sidebar.html(lang_cookie_script(lang), unsafe_allow_javascript=True)
        st.session_state["lang_cookie"] = lang
    return lang


def keep_choices(prefixes: tuple[str, ...] = KEPT_CHOICES) -> None:
    """Keep the exploring pages' choices while another page is open (call it on every run, before the page).

    Streamlit forgets the value of a widget that a run does not draw: the filters, search and sort
    of the exchanges page came back empty after a look at the map. Writing each kept value back as
    the session's own makes it outlive the runs of other pages; the widget picks it up when its page
    is drawn again.
    """
    for key in [k for k in st.session_state if str(k).startswith(prefixes)]:
        st.session_state[key] = st.session_state[key]


@st.cache_resource(show_spinner=False)
def _repository(url: str) -> Repository:
    return Repository.from_url(url)


def repository() -> Repository:
    """Return the registry's repository (one per database URL, shared read-only resource)."""
    return _repository(database_url())


def database_error(exc: BaseException, lang: str) -> None:
    """Say on the page that the registry cannot be opened, and stop the page.

    The person reads the address (password masked) and the kind of failure; the driver's own text,
    which may quote SQL, parameters or server details, goes to the server log only.
    """
    logger.error("registry unavailable: %s", exc)
    st.error(t("registry.db_error", lang, url=database_url_shown(), error=type(exc).__name__))
    st.stop()


def database_url_shown() -> str:
    """Return the registry URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


@st.cache_resource(show_spinner=False)
def categories() -> pd.DataFrame:
    """Return the knowledge base's resource categories (shared, read-only)."""
    return load_categories()


def accounts() -> AccountRepository:
    """Return sign-in, sessions and account administration on the registry (stateless wrapper)."""
    return AccountRepository(repository())


def kept_rows(name: str, default: Any) -> Any:
    """The rows a page kept to fix under ``name``: this browser session's, else the signed-in session's.

    A page reload starts a new browser session: the rows come back from the database, where
    :func:`keep_rows` put them with the signed-in session (read by that session only, never from a
    cache shared between users).
    """
    if name not in st.session_state:
        try:
            text = accounts().read_draft(st.session_state.get("session_token"), name)
        except DATABASE_ERRORS:  # the page still opens; the rows are lost as before
            logger.exception("kept rows could not be read")
            text = None
        st.session_state[name] = kept_from_json(text, default)
    return st.session_state[name]


def keep_rows(name: str, rows: Any) -> None:
    """Keep ``rows`` (the rows to fix) under ``name`` for this session, and for its next page loads."""
    st.session_state[name] = rows
    try:
        accounts().keep_draft(
            st.session_state.get("session_token"), name, kept_to_json(rows) if rows else None
        )
    except DATABASE_ERRORS:  # kept for this browser session at least
        logger.exception("kept rows could not be stored")


def client_address() -> str:
    """Return the client's address for the per-source sign-in throttle (``local`` when unknown)."""
    try:
        return client_source(st.context.headers, st.context.ip_address)
    except (AttributeError, RuntimeError):  # no browser request (AppTest, bare mode)
        return "local"


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except (AttributeError, RuntimeError):  # no browser request (bare mode)
        return None
    return value if isinstance(value, str) and value else None  # AppTest hands out mocks


def current_actor() -> Actor | None:
    """Return the signed-in actor of this session, or ``None``.

    A session signed in here is checked against the database on every run (signed out elsewhere,
    account disabled or locked: it ends at once). A new browser session (a refresh, a deep link)
    resumes from the signed token of the session cookie.
    """
    actor = st.session_state.get("actor")
    token = st.session_state.get("session_token")
    if actor is not None:
        if token and accounts().resume_session(token) != actor:
            _forget_session()
            return None
        return actor
    cookie = _cookie_token()
    if cookie and cookie != st.session_state.get("dead_cookie"):
        restored = accounts().resume_session(cookie)
        if restored is None:
            st.session_state["dead_cookie"] = cookie  # revoked or expired: do not ask again this session
            return None
        users = repository().users(restored)
        st.session_state.update(
            actor=restored, session_token=cookie, display_name=display_name(users, restored.user_id)
        )
        return restored
    return None


def require_role(*roles: str) -> Actor:
    """Stop the page unless the signed-in actor has one of ``roles``; return the actor.

    Every page calls this first: hiding a page from the navigation is not access control.
    """
    actor = current_actor()
    if actor is None or actor.role not in roles:
        st.error(t("auth.forbidden", current_lang()))
        st.stop()
    return actor


def navigation_pages(table: Sequence[PageRow], actor: Actor | None, lang: str) -> list:
    """Return the ``st.Page`` s of ``table`` for the actor's role; every address of the table opens one.

    The role's pages are listed, its first one (the landing page) served at ``/``. Every other address
    of the table is a hidden page, so that a deep link never meets Streamlit's English « Page not
    found »: the landing page's own address (``/tableau-de-bord``) opens the landing page; before
    sign-in, any page's address opens the sign-in form, and the signed-in session then lands on the
    page asked for (same address); a page of another role goes to the landing page with a message
    (:func:`deep_link_notice`).
    """
    role = actor.role if actor is not None else ANONYMOUS
    rows = [row for row in table if role in row[1]]
    first, _roles, first_title, icon, first_url = rows[0]
    landing = st.Page(first, title=t(first_title, lang), icon=icon, url_path="", default=True)
    pages = [landing] + [
        st.Page(file, title=t(key, lang), icon=icon, url_path=url) for file, _r, key, icon, url in rows[1:]
    ]
    # the hidden pages bear the landing page's title: other roles' page names are not sent to the browser
    here = t(first_title, lang)
    hidden = [st.Page(first, title=here, url_path=first_url, visibility="hidden")]
    unknown = _unknown_address(table)
    if unknown:  # a mistyped or outdated address: the landing page, not Streamlit's English dialog
        hidden.append(st.Page(first, title=here, url_path=unknown, visibility="hidden"))
    for _file, roles, title, _icon, url in table:
        if role in roles:
            continue
        if role == ANONYMOUS or roles == (ANONYMOUS,):  # sign in first, then the address opens the page;
            # signed in already: the sign-in page's address is the landing page
            hidden.append(st.Page(first, title=here, url_path=url, visibility="hidden"))
        else:
            go = _elsewhere(landing, t(title, lang), roles, lang)
            hidden.append(st.Page(go, title=here, url_path=url, visibility="hidden"))
    return pages + hidden


_NOTICE = "deep_link_notice"


def _unknown_address(table: Sequence[PageRow]) -> str | None:
    """The page address the browser asked for when the app has no such page (see ``unknown_address``)."""
    try:
        url = st.context.url
    except (AttributeError, RuntimeError):  # no browser request (bare mode)
        return None
    from streamlit import config

    known = {row[4] for row in table} | {""}
    base = str(config.get_option("server.baseUrlPath") or "")
    return unknown_address(url if isinstance(url, str) else None, known, base_path=base)


def _elsewhere(landing: Any, title: str, roles: Sequence[str], lang: str) -> Callable[[], None]:
    """A page that sends a signed-in visitor from another role's page to its landing page, saying why."""

    def go() -> None:
        allowed = ", ".join(t(f"auth.role.{r}", lang) for r in roles if r != ANONYMOUS)
        st.session_state[_NOTICE] = t("nav.other_role", lang, page=title, roles=allowed)
        st.switch_page(landing)

    return go


def deep_link_notice(page: Any, table: Sequence[PageRow], actor: Actor | None, lang: str) -> None:
    """Say why the page shown is not the one the address named (once, above the page).

    ``page`` is what ``st.navigation`` chose from :func:`navigation_pages` of ``table``: before
    sign-in, another page's address shows the sign-in form, with the name of the page asked for.
    """
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.warning(notice, icon="↪️")
        return
    if page.url_path and page.url_path not in {row[4] for row in table}:  # an address no page has
        st.warning(t("nav.unknown_address", lang, address=markdown_plain(page.url_path)), icon="↪️")
        return
    if actor is not None or not page.url_path:
        return
    asked = [row for row in table if row[4] == page.url_path and ANONYMOUS not in row[1]]
    if asked:
        st.info(t("nav.sign_in_first", lang, page=t(asked[0][2], lang)), icon="🔑")


def sign_in(actor: Actor, display_name: str = "") -> None:
    """Start the signed-in session of ``actor``: a signed token, kept in a cookie (the page then reruns)."""
    token = accounts().start_session(actor)
    st.session_state["actor"] = actor
    st.session_state["session_token"] = token
    st.session_state["display_name"] = display_name or actor.user_id
    st.session_state["cookie_op"] = token


#: The app's session-scoped caches by function name (see :func:`session_cache`); sign-out clears them.
_SESSION_CACHES: dict[str, Any] = {}


def session_cache(*, max_entries: int) -> Callable[[Callable[..., Any]], Any]:
    """``st.cache_data(scope="session")`` whose entries this session drops at sign-out.

    A session-scoped cache lives until the browser session ends, and signing out does not end it:
    the next person signing in on the same tab must not be served the previous one's figures. The
    cached function is registered here, and :func:`sign_out` calls its public ``clear()``, which
    empties the current session's entries only.
    """

    def wrap(func: Callable[..., Any]) -> Any:
        cached = st.cache_data(scope="session", show_spinner=False, max_entries=max_entries)(func)
        _SESSION_CACHES[f"{func.__module__}.{func.__qualname__}"] = cached
        return cached

    return wrap


def _clear_session_caches() -> None:
    """Drop this session's entries of every :func:`session_cache` (public ``clear()`` only)."""
    for cached in _SESSION_CACHES.values():
        cached.clear()


def _drop_session_files() -> None:
    """Delete the files this session's download buttons serve: their URLs stop working at sign-out.

    Streamlit keeps a download file one run after its button is gone, and a file made on click
    (deferred download) belongs to no session at all: both are deleted here, with this session's
    pending deferred downloads. Uses the media manager's internals (checked by
    ``tests/e2e/test_security_e2e.py`` on the pinned Streamlit).
    """
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.media_file_storage import MediaFileKind
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None or not Runtime.exists():
            return
        manager = Runtime.instance().media_file_mgr
        with manager._lock:
            mine = set(manager._files_by_session_and_coord.pop(ctx.session_id, {}).values())
            for file_id in list(manager._deferred_ids_by_session.get(ctx.session_id, ())):
                manager._drop_deferred_id(file_id)
            for file_id in manager._get_inactive_file_ids():
                if file_id in mine or manager._file_metadata[file_id].kind == MediaFileKind.DOWNLOADABLE:
                    manager._delete_file(file_id)
    except (ImportError, AttributeError, KeyError, RuntimeError):  # another Streamlit version
        logger.warning("download files of the session could not be dropped at sign-out")


def _forget_session() -> None:
    lang = current_lang()
    dead = _cookie_token()
    st.session_state.clear()
    _clear_session_caches()
    _drop_session_files()
    st.session_state["lang"] = st.session_state["lang_cookie"] = lang  # the cookie holds it already
    st.session_state["cookie_op"] = ""  # clear the cookie in the browser
    if dead:
        st.session_state["dead_cookie"] = dead


def sign_out() -> None:
    """End the session: revoke its token, forget the actor, its files and everything the pages kept."""
    try:
        accounts().end_session(current_actor_in_state(), st.session_state.get("session_token"))
    except DATABASE_ERRORS:  # the session ends on screen even when the database does not answer
        logger.exception("session could not be revoked in the database")
    _forget_session()


def current_actor_in_state() -> Actor | None:
    """The actor this session holds, without checking its token (for sign-out)."""
    return st.session_state.get("actor")


def session_guard(lang: str) -> None:
    """Write (or clear) the session cookie when it changed, and warn while demo accounts can sign in."""
    op = st.session_state.pop("cookie_op", None)
    if op is not None:
        st.html(
            cookie_script(op or None, max_age_s=int(SESSION_LIFETIME.total_seconds())),
            unsafe_allow_javascript=True,
        )
    try:
        demo_active = accounts().demo_accounts_active()
    except DATABASE_ERRORS:  # a missing or broken registry is explained by the pages
        return
    if demo_active:
        st.warning(t("demo.banner", lang), icon="⚠️")


def account_sidebar(actor: Actor | None, lang: str) -> None:
    """Show who is signed in, with which role, and the sign-out button (nothing before sign-in)."""
    if actor is None:
        return
    st.sidebar.caption(t("auth.signed_in_as", lang))
    st.sidebar.text(st.session_state.get("display_name") or actor.user_id)  # plain text, never markdown
    st.sidebar.caption(t(f"auth.role.{actor.role}", lang))
    st.sidebar.button(t("auth.sign_out", lang), on_click=sign_out, key="sign_out")


def unread_notice(actor: Actor | None, lang: str) -> None:
    """Tell a firm or an advisor in the sidebar how many notifications they have not read."""
    if actor is None or actor.role not in ("firm", "advisor"):
        return
    try:
        from symbiosis.db.notifications import NotificationRepository

        unread = NotificationRepository(repository()).unread_count(actor)
    except DATABASE_ERRORS:  # a registry not migrated yet: no notice rather than a broken sidebar
        return
    if unread:
        from symbiosis.i18n import tn

        st.sidebar.info("📬 " + tn("inbox.unread", unread, lang))


def flash(message: str, *, where: str = "") -> None:
    """Keep a success message to show after the next rerun.

    ``where`` names the place of the page that shows it (:func:`show_flash` called with the same
    name): by the button that was pressed, when the top of the page is out of sight.
    """
    st.session_state[f"flash.{where}" if where else "flash"] = message


def show_flash(*, where: str = "") -> None:
    """Show (once) the message kept by :func:`flash` for this place of the page."""
    message = st.session_state.pop(f"flash.{where}" if where else "flash", None)
    if message:
        st.success(message)


def show_report(report: ImportReport, lang: str, *, key: str, columns: dict[str, str] | None = None) -> None:
    """Show an import report: the summary, then one row per issue (row, column, expected, found, fix).

    ``columns`` renames the report's column names (a form's report names its fields' labels).
    """
    summary = report.summary(lang)
    if report.errors:
        st.error(summary)
    elif report.warnings:
        st.warning(summary)
    else:
        st.success(summary)
    if report.issues:
        frame = report.to_frame(lang).drop(columns=["Code"])
        if columns:
            where = frame.columns[1]  # « Colonne » / « Column »
            frame[where] = frame[where].map(lambda name: columns.get(name, name))
        config = {c: st.column_config.Column(width=w) for c, w in report_widths(frame.columns).items()}
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            key=key,
            placeholder=MISSING,
            column_config=config,  # within 1280 px, the fixes wrapped in taller rows: never cut
            row_height=report_row_height(frame),
        )


def load_registry_or_stop(
    actor: Actor, *, empty_key: str, need_streams: bool = False, no_streams_key: str | None = None
) -> Registry:
    """Read the registry as ``actor`` may see it; stop the page with a message if broken or empty.

    Parameters
    ----------
    actor
        The signed-in actor (the repository applies its access rules).
    empty_key
        Catalogue key of the message shown when there is nothing to show.
    need_streams
        Also stop when there are firms but no stream.
    no_streams_key
        Catalogue key of the message for firms without any stream, in the plural forms of
        :func:`~symbiosis.i18n.tn` (``{n}``: how many firms); ``empty_key`` when None.
    """
    lang = current_lang()
    try:
        registry = repository().load_registry(actor)
    except DATABASE_ERRORS as exc:  # the page explains, it does not crash, when the DB is missing or broken
        database_error(exc, lang)
    if registry.firms.empty:
        st.info(t(empty_key, lang))
        st.stop()
    if need_streams and registry.streams.empty:
        st.info(tn(no_streams_key, len(registry.firms), lang) if no_streams_key else t(empty_key, lang))
        st.stop()
    return registry


def firm_in_view(
    repo: Repository, actor: Actor, lang: str, read: Callable[[str], Any] = lambda firm_id: None
) -> tuple[str, dict[str, Any], Any]:
    """The firm a firm's page shows (its own; ``?firm=`` only where :func:`firm_id_in_view` allows),
    its record and what ``read(firm_id)`` returns; a refusal is said and stops the page."""
    firm_id = firm_id_in_view(actor.firm_id, st.query_params.get("firm"))
    try:
        return firm_id, load_firm(repo, actor, firm_id), read(firm_id)
    except PermissionDenied:
        st.error(t("firm.refused", lang))
        st.stop()
        raise  # st.stop() ends the script run; never reached
    except NotFound:  # the account's own firm is not (or no longer) in the registry: not a refusal
        st.warning(t("firm.not_registered", lang, firm_id=firm_id))
        st.stop()
        raise
