"""What the inbox and the e-mail digest say: one sentence per notification, in the reader's language.

Pure (no streamlit, no network): inbox frames of :class:`~symbiosis.db.notifications.NotificationRepository`
in, sentences, display tables and :class:`email.message.EmailMessage` digests out. A firm's
notification names its own stream's category and never the counterpart (who stays anonymous until
both firms accept); an advisor's names the firm that decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

import pandas as pd

from symbiosis.i18n import t, tn
from symbiosis.labels import category_label, status_label
from symbiosis.views.local_time import local_times

__all__ = ["digest_message", "inbox_table", "notification_text"]


def notification_text(
    kind: str,
    params: Mapping[str, Any] | None,
    lang: str = "fr",
    *,
    firm_names: Mapping[str, str] | None = None,
    categories: pd.DataFrame | None = None,
) -> str:
    """One notification as a sentence (``kind`` and ``params`` as stored)."""
    params = dict(params or {})
    category = category_label(params.get("category_id"), categories, lang) or t("inbox.your_stream", lang)
    if kind == "new_proposal":
        return t("inbox.text.new_proposal", lang, category=category)
    if kind == "stage_changed":
        status = status_label(params.get("status"), lang)
        return t("inbox.text.stage_changed", lang, category=category, status=status)
    if kind == "counterpart_decision":
        return t(f"inbox.text.counterpart_{params.get('decision', 'accept')}", lang, category=category)
    if kind == "firm_decision":
        firm = (firm_names or {}).get(params.get("firm_id", ""), params.get("firm_id", ""))
        return t(f"inbox.text.firm_{params.get('decision', 'accept')}", lang, firm=firm)
    if kind == "place_to_confirm":
        place = params.get("place", "")
        if firm_names is None:  # the firm's own inbox
            return t("inbox.text.place_to_confirm", lang, place=place)
        firm = firm_names.get(params.get("firm_id", ""), params.get("firm_id", ""))
        return t("inbox.text.place_to_confirm_advisor", lang, firm=firm, place=place)
    return t("inbox.text.other", lang)


def inbox_table(
    inbox: pd.DataFrame,
    lang: str = "fr",
    *,
    firm_names: Mapping[str, str] | None = None,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The inbox as shown: when, what, and whether it is new (index: ``notification_id``)."""
    when = local_times(inbox["created_at"])
    texts = [
        notification_text(k, p, lang, firm_names=firm_names, categories=categories)
        for k, p in zip(inbox["kind"], inbox["params"], strict=True)
    ]
    return pd.DataFrame(
        {
            t("inbox.col.when", lang): when.to_numpy(),
            t("inbox.col.what", lang): texts,
            t("inbox.col.new", lang): [t("synergy.no" if r else "synergy.yes", lang) for r in inbox["read"]],
        },
        index=pd.Index(inbox["notification_id"], name="notification_id"),
    )


def digest_message(
    inbox: pd.DataFrame,
    *,
    to: str,
    lang: str = "fr",
    app_url: str = "",
    firm_names: Mapping[str, str] | None = None,
    categories: pd.DataFrame | None = None,
) -> EmailMessage | None:
    """An e-mail listing the unread notifications of ``inbox`` (None when there are none).

    Plain text only (no HTML: nothing a firm typed can become markup), in ``lang``.
    """
    unread = inbox[~inbox["read"].astype(bool)]
    if unread.empty:
        return None
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = tn("inbox.digest.subject", len(unread), lang)
    lines = [tn("inbox.digest.intro", len(unread), lang), ""]
    for row in unread.itertuples():
        when = pd.Timestamp(row.created_at).strftime("%Y-%m-%d %H:%M")
        text = notification_text(row.kind, row.params, lang, firm_names=firm_names, categories=categories)
        lines.append(f"• {when} — {text}")
    lines += [
        "",
        t("inbox.digest.link", lang, url=app_url) if app_url else t("inbox.digest.open", lang),
        "",
        t("inbox.digest.footer", lang),
    ]
    message.set_content("\n".join(lines))
    return message
