"""Notifications: a user's inbox (firms: their proposals and the other side's decisions; advisors: the
firms' decisions) and the optional e-mail digest."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.db.notifications import NotificationRepository
from symbiosis.i18n import LANGS, t, tn
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.notifications import inbox_table

actor = state.require_role("firm", "advisor")
lang = state.current_lang()
st.title(t("inbox.title", lang))
state.show_flash()
st.caption(t("inbox.intro" if actor.role == "firm" else "inbox.intro_advisor", lang))
repo = state.repository()
store = NotificationRepository(repo)

inbox = store.inbox(actor)
if inbox.empty:
    st.info(t("inbox.empty", lang))
else:
    unread = int((~inbox["read"]).sum())
    st.subheader(tn("inbox.unread", unread, lang))
    names = None
    if actor.reads_all:
        firms = repo.firms(actor)
        names = dict(zip(firms["firm_id"], firms["name"], strict=True))
    tables.show_table(inbox_table(inbox, lang, firm_names=names, categories=state.categories()))
    if unread and st.button(t("inbox.mark_read", lang), key="inbox.mark_read"):
        state.flash(tn("inbox.marked", store.mark_read(actor), lang))
        st.rerun()

st.subheader(t("inbox.digest.title", lang))
st.caption(t("inbox.digest.help", lang))
current = store.subscription(actor) or {"email": "", "lang": lang, "enabled": False}
with st.form("digest"):
    enabled = st.checkbox(
        t("inbox.digest.enabled", lang), value=bool(current["enabled"]), key="digest.enabled"
    )
    email = st.text_input(t("inbox.digest.email", lang), value=current["email"], key="digest.email")
    mail_lang = st.radio(
        t("inbox.digest.lang", lang),
        LANGS,
        index=LANGS.index(current["lang"]),
        horizontal=True,
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
        key="digest.lang",
    )
    if st.form_submit_button(t("inbox.digest.save", lang)):
        try:
            store.subscribe(actor, email=email, lang=mail_lang, enabled=enabled)
        except ValueError:
            st.error(t("inbox.digest.bad_email", lang, email=markdown_plain(email.strip(), max_chars=80)))
        else:
            state.flash(t("inbox.digest.saved", lang))
            st.rerun()
