"""Streamlit entry point: sets the page, the language, and routes to the pages. No logic here."""

import streamlit as st

from app_pages import state
from symbiosis.i18n import t

st.set_page_config(page_title="symbiosis", page_icon="♻️", layout="wide")
lang = state.language_selector()

pages = [
    st.Page("app_pages/registry.py", title=t("registry.title", lang), icon="📋", url_path="registre",
            default=True),
]
st.navigation(pages).run()
