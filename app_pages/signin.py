"""Sign-in page: user id and password; a failed attempt says only that the pair is wrong."""

from __future__ import annotations

import time

import streamlit as st

from app_pages import state
from symbiosis.i18n import t
from symbiosis.views.auth import display_name, wait_seconds

lang = state.current_lang()
st.title(t("app.title", lang))
st.subheader(t("signin.title", lang))
st.write(t("signin.intro", lang))

with st.form("signin"):
    user_id = st.text_input(t("signin.user_id", lang), key="signin_user_id")
    password = st.text_input(t("signin.password", lang), type="password")
    submitted = st.form_submit_button(t("signin.submit", lang), type="primary")

if submitted:
    failures = st.session_state.get("signin_failures", 0)
    wait = wait_seconds(failures, st.session_state.get("signin_last_failure"), time.time())
    if wait:
        st.error(t("signin.throttled", lang, seconds=wait))
        st.stop()
    try:
        repo = state.repository()
        actor = repo.authenticate(user_id.strip(), password)
    except Exception as exc:  # the page must explain, not crash, when the DB is missing or broken
        st.error(t("registry.db_error", lang, url=state.database_url_shown(), error=type(exc).__name__))
        st.stop()
    if actor is None:
        st.session_state["signin_failures"] = failures + 1
        st.session_state["signin_last_failure"] = time.time()
        st.error(t("signin.failed", lang))
    else:
        state.sign_in(actor, display_name(repo.users(actor), actor))
        st.rerun()
