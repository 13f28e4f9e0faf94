"""Notifications: written with the change they announce, read per user, and the e-mail digest.

The e-mail path runs against a real SMTP server started by the test (aiosmtpd on a free loopback
port): nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes
from pathlib import Path

import pandas as pd
import pytest

from symbiosis.db import Actor, Repository
from symbiosis.db.notifications import NotificationRepository
from symbiosis.io.mail import SmtpSettings
from symbiosis.schemas import FIRMS, STREAMS, with_optional_columns
from symbiosis.services.digest import send_digests
from symbiosis.services.synergy_store import SynergyRepository
from tests._app_helpers import run_via_navigation
from tests._synergy_helpers import FakeResult, exchange, exchanges, seed_pair
from tests.conftest import _firm_row, _stream_row

ADVISOR = Actor("adele", "advisor")
A, A2, B, C = (
    Actor("alice", "firm", "A"),
    Actor("albert", "firm", "A"),
    Actor("bruno", "firm", "B"),
    Actor("chloe", "firm", "C"),
)


@pytest.fixture
def repo(tmp_path) -> Repository:
    path = tmp_path / "registry.db"
    with Repository.from_url(f"sqlite:///{path}") as repository:
        seed_pair(
            repository,
            lambda *r: with_optional_columns(pd.DataFrame(list(r)), FIRMS)[FIRMS.names],
            lambda *r: with_optional_columns(pd.DataFrame(list(r)), STREAMS)[STREAMS.names],
            _firm_row,
            _stream_row,
        )
        yield repository


def _synergy(repo: Repository) -> tuple[SynergyRepository, str]:
    store = SynergyRepository(repo)
    store.record_proposals(ADVISOR, FakeResult(exchanges(exchange("A-1", "B-1", "A", "B"))))
    return store, store.synergies(ADVISOR).synergy_id.iat[0]


def test_a_proposal_is_announced_to_both_firms_only_once_qualified(repo):
    store, sid = _synergy(repo)
    inbox = NotificationRepository(repo)
    assert inbox.inbox(A).empty  # a raw engine proposal stays with the advisors
    store.transition(ADVISOR, sid, "qualified")
    for firm in (A, B):
        got = inbox.inbox(firm)
        assert got["kind"].tolist() == ["new_proposal"] and got["synergy_id"].tolist() == [sid]
    assert inbox.inbox(A).params.iat[0]["category_id"] == "wood_sawdust"  # A's own stream
    assert inbox.inbox(B).params.iat[0]["category_id"] == "pellet_feedstock"
    assert inbox.inbox(C).empty  # another firm hears nothing
    store.transition(ADVISOR, sid, "contacted")
    assert inbox.inbox(A)["kind"].tolist() == ["stage_changed", "new_proposal"]
    assert inbox.inbox(A).params.iat[0]["status"] == "contacted"


def test_a_decision_reaches_the_other_firm_and_the_advisors_never_the_deciding_firm(repo):
    store, sid = _synergy(repo)
    store.transition(ADVISOR, sid, "qualified")
    store.transition(ADVISOR, sid, "contacted")
    store.consent(B, sid, "decline", reason="volume")
    inbox = NotificationRepository(repo)
    a = inbox.inbox(A)
    assert a["kind"].iat[0] == "counterpart_decision" and a.params.iat[0]["decision"] == "decline"
    assert "firm_id" not in a.params.iat[0]  # the counterpart stays anonymous
    assert "counterpart_decision" not in set(inbox.inbox(B)["kind"])
    advisors = inbox.inbox(ADVISOR)
    assert advisors["kind"].tolist() == ["firm_decision"] and advisors.params.iat[0]["firm_id"] == "B"


def test_read_state_is_per_user(repo):
    store, sid = _synergy(repo)
    store.transition(ADVISOR, sid, "qualified")
    inbox = NotificationRepository(repo)
    assert inbox.unread_count(A) == inbox.unread_count(A2) == 1
    assert inbox.mark_read(A) == 1
    assert inbox.unread_count(A) == 0 and inbox.unread_count(A2) == 1  # a colleague has not read it
    assert inbox.mark_read(C, [int(inbox.inbox(A2).notification_id.iat[0])]) == 0  # not C's: ignored
    assert inbox.unread_count(A2) == 1


def test_inbox_page_shows_sentences_and_marks_read(repo, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(Path(repo.engine.url.database)))
    store, sid = _synergy(repo)
    store.transition(ADVISOR, sid, "qualified")
    store.transition(ADVISOR, sid, "contacted")
    at = run_via_navigation("inbox.py", A)
    assert not at.exception
    assert "2 notifications non lues" in at.sidebar.info[0].value  # told in the sidebar on every page
    what = at.dataframe[0].value["Quoi"].tolist()
    assert what[1].startswith("Nouvelle proposition de synergie pour") and "Entreprises contactées" in what[0]
    assert "Granules" not in " ".join(what)  # never the counterpart's name
    next(b for b in at.button if b.key == "inbox.mark_read").click().run()
    assert not at.exception and NotificationRepository(repo).unread_count(A) == 0
    next(c for c in at.checkbox if c.label == "M'envoyer le résumé").check()
    next(w for w in at.text_input if w.label == "Adresse courriel").input("pas-une-adresse")
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert "n'est pas une adresse courriel" in at.error[0].value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd) that keeps the messages it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(message_class=None), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def test_digest_is_sent_through_smtp_in_the_readers_language_then_not_again(repo, smtp_server):
    port, received = smtp_server
    store, sid = _synergy(repo)
    store.transition(ADVISOR, sid, "qualified")
    inbox = NotificationRepository(repo)
    _users(repo)
    inbox.subscribe(A, email="alice@example.org", lang="fr")
    inbox.subscribe(B, email="bruno@example.org", lang="en")
    settings = SmtpSettings.from_env(
        {
            "SYMBIOSIS_SMTP_HOST": "127.0.0.1",
            "SYMBIOSIS_SMTP_PORT": str(port),
            "SYMBIOSIS_SMTP_FROM": "symbiose@example.org",
        }
    )
    assert send_digests(repo, settings, app_url="https://symbiose.example") == 2
    mails = {m["To"]: m for m in received}
    fr = mails["alice@example.org"]
    assert fr["Subject"] == "symbiosis : 1 nouvelle notification" and fr["From"] == "symbiose@example.org"
    body = fr.get_payload(decode=True).decode("utf-8") if not fr.is_multipart() else str(fr)
    assert "Nouvelle proposition de synergie pour" in body and "https://symbiose.example" in body
    assert "Granules" not in body  # the counterpart stays anonymous by e-mail too
    assert mails["bruno@example.org"]["Subject"] == "symbiosis: 1 new notification"
    assert send_digests(repo, settings) == 0  # nothing new: nothing sent
    store.transition(ADVISOR, sid, "contacted")
    assert send_digests(repo, settings) == 2 and len(received) == 4


def test_digest_settings_come_from_the_environment():
    assert SmtpSettings.from_env({}) is None  # no host: e-mail is off
    settings = SmtpSettings.from_env(
        {
            "SYMBIOSIS_SMTP_HOST": "mail",
            "SYMBIOSIS_SMTP_PORT": "587",
            "SYMBIOSIS_SMTP_STARTTLS": "1",
            "SYMBIOSIS_SMTP_USER": "u",
        }
    )
    assert (settings.host, settings.port, settings.starttls, settings.user) == ("mail", 587, True, "u")
    with pytest.raises(ValueError):
        SmtpSettings.from_env({"SYMBIOSIS_SMTP_HOST": "mail", "SYMBIOSIS_SMTP_PORT": "vingt-cinq"})


def _users(repo: Repository) -> None:
    """Accounts for alice (firm A) and bruno (firm B), the digest's readers."""
    from sqlalchemy import insert

    from symbiosis.db.models import User

    now = dt.datetime.now(dt.UTC)
    with repo.engine.begin() as conn:
        conn.execute(
            insert(User),
            [
                {
                    "user_id": user,
                    "display_name": user.title(),
                    "role": "firm",
                    "firm_id": firm,
                    "password_hash": "x",
                    "created_at": now,
                }
                for user, firm in (("alice", "A"), ("bruno", "B"))
            ],
        )


def test_email_message_parses(repo):
    """The digest is plain text with the reader's address."""
    from symbiosis.views.notifications import digest_message

    inbox = pd.DataFrame(
        {
            "notification_id": [1],
            "created_at": [pd.Timestamp("2026-12-01", tz="UTC")],
            "kind": ["new_proposal"],
            "synergy_id": ["s"],
            "params": [{"category_id": "wood_bark"}],
            "read": [False],
        }
    )
    message = digest_message(inbox, to="x@example.org", lang="fr")
    parsed = message_from_bytes(message.as_bytes())
    assert parsed.get_content_type() == "text/plain" and "Écorces" in message.get_content()
    assert digest_message(inbox.assign(read=True), to="x@example.org") is None
