"""Session state and cached resources shared by the pages (the only caching layer of the app)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from symbiosis.db import Actor, Repository
from symbiosis.i18n import LANGS, t
from symbiosis.kb import load_categories
from symbiosis.settings import database_url

__all__ = [
    "categories",
    "current_actor",
    "current_lang",
    "database_url_shown",
    "language_selector",
    "public_reader",
    "repository",
    "require_role",
]


def current_lang() -> str:
    """Return the interface language chosen in this session ("fr" by default)."""
    return st.session_state.get("lang", "fr")


def language_selector() -> str:
    """Draw the FR/EN switch in the sidebar and return the chosen language."""
    st.sidebar.radio(
        t("app.language", current_lang()), LANGS, key="lang", horizontal=True,
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
    )
    return current_lang()


@st.cache_resource(show_spinner=False)
def _repository(url: str) -> Repository:
    return Repository.from_url(url)


def repository() -> Repository:
    """Return the registry's repository (one per database URL, shared read-only resource)."""
    return _repository(database_url())


def public_reader() -> Actor:
    """Actor used before sign-in: reads every firm, sees no personal information, writes nothing."""
    return Actor(user_id="anonymous", role="program_manager", firm_id=None)


def database_url_shown() -> str:
    """Return the registry URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


@st.cache_resource(show_spinner=False)
def categories() -> pd.DataFrame:
    """Return the knowledge base's resource categories (shared, read-only)."""
    return load_categories()


def current_actor() -> Actor | None:
    """Return the signed-in actor of this session, or ``None``."""
    return st.session_state.get("actor")


def require_role(*roles: str) -> Actor:
    """Stop the page unless the signed-in actor has one of ``roles``; return the actor.

    Every page calls this first: hiding a page from the navigation is not access control.
    """
    actor = current_actor()
    if actor is None or actor.role not in roles:
        st.error(t("auth.forbidden", current_lang()))
        st.stop()
    return actor
