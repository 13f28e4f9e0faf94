"""The synergy pipeline's states, the transitions an advisor may make, and the rejection reasons.

A synergy moves forward one stage at a time

``proposed → qualified → contacted → in_discussion → (trial →) implemented → verified``

(the trial is optional), may be ``rejected`` from any open stage with a reason, and a rejected
synergy may be reopened as ``qualified``. Two gates protect the firms and the figures:

* ``in_discussion`` and every later stage need both firms' acceptance (the counterparts are
  revealed to each other only then);
* ``verified`` needs at least one period whose actual quantity both firms have confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from symbiosis.i18n import t

__all__ = [
    "CLOSED",
    "CONSENT_OPEN",
    "DECISIONS",
    "FIRM_VISIBLE",
    "NEEDS_CONSENT",
    "PIPELINE",
    "REASONS",
    "SIDES",
    "STATUSES",
    "SYNERGY_TYPES",
    "TRANSITIONS",
    "TransitionError",
    "check_transition",
    "stage_index",
    "status_label",
]

#: The pipeline stages, in order (the funnel's columns).
PIPELINE: tuple[str, ...] = (
    "proposed",
    "qualified",
    "contacted",
    "in_discussion",
    "trial",
    "implemented",
    "verified",
)
#: Every status a synergy can hold.
STATUSES: tuple[str, ...] = (*PIPELINE, "rejected")
#: Why a synergy was rejected, or why a firm declined it.
REASONS: tuple[str, ...] = (
    "regulatory",
    "quality",
    "volume",
    "timing",
    "distance",
    "cost",
    "no_interest",
    "other",
)
#: The two sides of a synergy, and a firm's decision on it.
SIDES: tuple[str, ...] = ("supply", "demand")
DECISIONS: tuple[str, ...] = ("accept", "decline")
#: What kind of synergy it is, reported apart as funders ask: a residue replacing a virgin input
#: (``substitution``, the engine's exchanges), a pooled service or unit (``mutualisation``: shared
#: collection, shared treatment unit), a host's spare equipment or team used by another firm
#: (``shared_service``) and a buying group (``group_purchase``).
SYNERGY_TYPES: tuple[str, ...] = ("substitution", "mutualisation", "shared_service", "group_purchase")

#: Allowed moves: status → the statuses an advisor may move it to.
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "proposed": ("qualified", "rejected"),
    "qualified": ("contacted", "rejected"),
    "contacted": ("in_discussion", "rejected"),
    "in_discussion": ("trial", "implemented", "rejected"),
    "trial": ("implemented", "rejected"),
    "implemented": ("verified", "rejected"),
    "verified": (),
    "rejected": ("qualified",),
}
#: Statuses that need both firms' acceptance.
NEEDS_CONSENT: frozenset[str] = frozenset({"in_discussion", "trial", "implemented", "verified"})
#: Statuses in which a firm may still accept or decline.
CONSENT_OPEN: frozenset[str] = frozenset({"qualified", "contacted"})
#: Statuses in which nothing more happens (besides new verified periods on a verified synergy).
CLOSED: frozenset[str] = frozenset({"verified", "rejected"})
#: A firm sees a synergy once an advisor has qualified it (raw engine proposals stay internal).
FIRM_VISIBLE: str = "qualified"


class TransitionError(ValueError):
    """A status change the pipeline does not allow (wrong order, missing reason, missing consent).

    Parameters
    ----------
    message
        The English explanation (logs, command line, API).
    code
        Stable reason of the refusal; screens show the catalogue message ``synergy.refusal.<code>``
        formatted with ``params``, so a person reads it in the interface language.
    **params
        Values of the message (statuses are ids, translated by the screen).
    """

    def __init__(self, message: str, *, code: str = "other", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def status_label(status: object, lang: str = "fr") -> str:
    """Return the one name of a status every screen, report and file uses (``contacted`` → « Contactée »).

    An unknown status (an old or foreign value) is shown as it is rather than crashing the page.
    """
    try:
        return t(f"synergy.status.{status}", lang)
    except KeyError:
        return str(status)


def stage_index(status: str) -> int:
    """Return the position of a pipeline stage (0 for ``proposed``); ``rejected`` has none.

    Raises
    ------
    ValueError
        ``status`` is not a pipeline stage.
    """
    return PIPELINE.index(status)


def check_transition(
    current: str,
    to: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    both_accepted: bool = False,
    verified_periods: int = 0,
) -> None:
    """Raise :class:`TransitionError` unless moving from ``current`` to ``to`` is allowed.

    Parameters
    ----------
    current, to
        Statuses (:data:`STATUSES`).
    reason
        Required, from :data:`REASONS`, when ``to`` is ``rejected``; refused otherwise.
    note
        Required when the reason is ``other``.
    both_accepted
        Whether both firms have accepted the synergy.
    verified_periods
        Number of periods whose quantity both firms confirmed.
    """
    if to not in STATUSES:
        raise TransitionError(
            f"unknown status {to!r}; expected one of {STATUSES}", code="unknown_status", to=to
        )
    if to not in TRANSITIONS.get(current, ()):
        raise TransitionError(
            f"{current} → {to} is not allowed; from {current}: {TRANSITIONS[current]}",
            code="not_allowed",
            current=current,
            to=to,
            allowed=TRANSITIONS.get(current, ()),
        )
    if to == "rejected":
        if reason not in REASONS:
            raise TransitionError(
                f"a rejection needs a reason from {REASONS}, not {reason!r}", code="reason_needed"
            )
        if reason == "other" and not (note or "").strip():
            raise TransitionError("the reason 'other' needs a note", code="other_needs_note")
    elif reason is not None:
        raise TransitionError("a reason is given only when rejecting", code="reason_only_when_rejecting")
    if to in NEEDS_CONSENT and not both_accepted:
        raise TransitionError(f"{to} needs both firms' acceptance", code="needs_consent", to=to)
    if to == "verified" and verified_periods < 1:
        raise TransitionError(
            "verified needs a period whose quantity both firms confirmed", code="needs_verified_period"
        )
