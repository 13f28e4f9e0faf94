"""``symbiosis digest``: e-mail each subscribed user the digest of their unread notifications."""

from __future__ import annotations

import argparse
import sys

from symbiosis.settings import database_url

NAME = "digest"
HELP = "send the e-mail digest of unread notifications / envoyer le résumé des notifications par courriel"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--db`` and ``--app-url`` (the address given in the e-mails)."""
    parser.add_argument("--db", help="registry (SQLite path) / registre")
    parser.add_argument("--app-url", default="", help="address of the app, written in the e-mails")


def run(args: argparse.Namespace) -> int:
    """Send the digests; 0 on success, 2 when e-mail is not configured or the server is unreachable."""
    from symbiosis.db import Repository
    from symbiosis.io.mail import SmtpSettings
    from symbiosis.services.digest import send_digests

    try:
        settings = SmtpSettings.from_env()
    except ValueError as exc:
        print(f"Réglages SMTP invalides / invalid SMTP settings: {exc}", file=sys.stderr)
        return 2
    if settings is None:
        print(
            "Courriel non configuré : définissez SYMBIOSIS_SMTP_HOST / e-mail is not configured: set "
            "SYMBIOSIS_SMTP_HOST",
            file=sys.stderr,
        )
        return 2
    with Repository.from_url(database_url(args.db)) as repo:
        try:
            sent = send_digests(repo, settings, app_url=args.app_url)
        except OSError as exc:  # server down, refused, timed out: nothing is marked sent
            print(f"Serveur de courriel injoignable / mail server unreachable: {exc}", file=sys.stderr)
            return 2
    print(f"Résumés envoyés / digests sent: {sent}")
    return 0
