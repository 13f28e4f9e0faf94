"""Sign-in page: user id and password; a refusal says only what the user can do about it."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from symbiosis.db import DATABASE_ERRORS
from symbiosis.i18n import t
from symbiosis.views.auth import display_name, signin_message

lang = state.current_lang()
st.title(t("app.title", lang))
st.subheader(t("signin.title", lang))
st.write(t("signin.intro", lang))

with st.form("signin"):
    user_id = st.text_input(t("signin.user_id", lang), key="signin_user_id", max_chars=64)
    password = st.text_input(t("signin.password", lang), type="password", max_chars=1024)
    submitted = st.form_submit_button(t("signin.submit", lang), type="primary")

if submitted:
    try:  # the throttle is in the database: a new browser session waits like this one
        result = state.accounts().sign_in(user_id, password, source=state.client_address())
        users = state.repository().users(result.actor) if result.ok else None
    except DATABASE_ERRORS as exc:  # the page must explain, not crash, when the DB is missing or broken
        st.error(t("registry.db_error", lang, url=state.database_url_shown(), error=type(exc).__name__))
        st.stop()
    if result.ok:
        state.sign_in(result.actor, display_name(users, result.actor.user_id))
        st.rerun()
    key, values = signin_message(result.outcome, result.wait_s)
    st.error(t(key, lang, **values))
