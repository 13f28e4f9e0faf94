"""Accounts page (advisors): every account with its state; create, reset a password, disable, unlock."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.db import PermissionDenied
from symbiosis.i18n import t
from symbiosis.views.accounts import (
    account_label,
    account_problem,
    accounts_table,
    generate_password,
    suggest_user_id,
)

lang = state.current_lang()
actor = state.require_role("advisor")
accounts = state.accounts()
st.title(t("accounts.title", lang))
st.caption(t("accounts.intro", lang))
state.show_flash()

try:
    listing = accounts.accounts(actor)
    firms = state.repository().firms(actor)
except PermissionDenied:
    st.error(t("auth.forbidden", lang))
    st.stop()
names = dict(zip(firms["firm_id"], firms["name"], strict=True))
tables.show_table(accounts_table(listing, lang, firm_names=names))

secret = st.session_state.pop("accounts_new_password", None)
if secret:  # shown once, never stored: the advisor gives it to the user
    user_id, password = secret
    st.success(t("accounts.password_once", lang, user_id=user_id))
    st.code(password, language=None)

st.subheader(t("accounts.create_title", lang))
# A created account starts a fresh form (a new form key); a refused one keeps what was typed.
form = f"account_create_{st.session_state.get('accounts_created', 0)}"
with st.form(form):  # keyed fields: a refused form keeps what was typed across the language switch
    role = st.selectbox(
        t("accounts.col.role", lang),
        ["firm", "program_manager", "advisor"],
        format_func=lambda r: t(f"auth.role.{r}", lang),
        key=f"{form}.role",
    )
    firm_id = st.selectbox(
        t("accounts.col.firm", lang),
        ["", *names],
        format_func=lambda f: f"{f} — {names[f]}" if f else t("accounts.no_firm", lang),
        key=f"{form}.firm",
    )
    user_id = st.text_input(
        t("accounts.col.user_id", lang),
        max_chars=64,
        help=t("accounts.user_id_help", lang),
        key=f"{form}.user_id",
    )
    display = st.text_input(t("accounts.col.name", lang), max_chars=120, key=f"{form}.name")
    created = st.form_submit_button(t("accounts.create", lang), type="primary")
if created:
    chosen_id = user_id.strip() or (
        suggest_user_id(names.get(firm_id, ""), set(listing["user_id"])) if firm_id else ""
    )
    problem = account_problem(chosen_id, role, firm_id, set(listing["user_id"]), lang)
    if problem:  # said in the page's language; the form keeps what was typed
        st.error(t("accounts.refused", lang, reason=problem))
    else:
        password = generate_password()
        try:
            accounts.create_account(
                actor,
                chosen_id,
                password,
                role,
                firm_id or None,
                display_name=display.strip() or names.get(firm_id, chosen_id),
            )
        except ValueError as exc:  # a race with another advisor: the repository's own refusal
            st.error(t("accounts.refused", lang, reason=exc))
        else:
            st.session_state["accounts_new_password"] = (chosen_id, password)
            st.session_state["accounts_created"] = st.session_state.get("accounts_created", 0) + 1
            state.flash(t("accounts.created", lang, user_id=chosen_id))
            st.rerun()

if not listing.empty:
    st.subheader(t("accounts.manage_title", lang))
    rows = {row["user_id"]: row for _, row in listing.iterrows()}
    picked = st.selectbox(
        t("accounts.pick", lang),
        list(rows),
        key="account_pick",
        format_func=lambda u: account_label(rows[u], lang),
    )
    row = rows[picked]
    reset_col, toggle_col, unlock_col = st.columns(3)
    if reset_col.button(t("accounts.reset", lang), key="account_reset"):
        password = generate_password()
        accounts.reset_password(actor, picked, password)
        st.session_state["accounts_new_password"] = (picked, password)
        state.flash(t("accounts.reset_done", lang, user_id=picked))
        st.rerun()
    disabled = bool(row["disabled"])
    if toggle_col.button(
        t("accounts.enable" if disabled else "accounts.disable", lang),
        key="account_toggle",
        disabled=picked == actor.user_id,
    ):
        accounts.set_disabled(actor, picked, not disabled)
        state.flash(t("accounts.enabled" if disabled else "accounts.disabled", lang, user_id=picked))
        st.rerun()
    if unlock_col.button(t("accounts.unlock", lang), key="account_unlock", disabled=not bool(row["locked"])):
        accounts.unlock(actor, picked)
        state.flash(t("accounts.unlocked", lang, user_id=picked))
        st.rerun()
