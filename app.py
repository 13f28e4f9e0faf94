"""Streamlit entry point: the page set-up, the sidebar, and the pages each role may open. No logic here."""

import streamlit as st

from app_pages import state, tables
from app_pages.pages import PAGES

st.set_page_config(page_title="symbiosis", page_icon="♻️", layout="wide")
lang = state.language_selector()
tables.page_locale(lang)
actor = state.current_actor()
state.keep_choices()  # filters and fields outlive a visit to another page
state.session_guard(lang)  # the session cookie (refresh, deep links) and the demo-accounts banner
state.account_sidebar(actor, lang)
state.unread_notice(actor, lang)
# Every page listed: a folded navigation shows Streamlit's English « View N more » button.
page = st.navigation(state.navigation_pages(PAGES, actor, lang), expanded=True)
state.deep_link_notice(page, PAGES, actor, lang)  # why an address opened another page
page.run()
