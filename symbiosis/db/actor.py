"""Who is asking: the ``Actor`` every repository call takes, and what each role may do.

Roles
-----
``firm``
    A user of one firm: reads and writes only that firm and its streams.
``advisor``
    A symbiosis advisor (facilitator): reads and writes everything.
``program_manager``
    Funds or steers the programme: reads everything, writes nothing, never sees personal
    information (contact name, e-mail, phone).
``system``
    The command line and batch imports: reads and writes everything. Never a signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ROLES", "USER_ROLES", "Actor", "PermissionDenied", "require"]

ROLES: tuple[str, ...] = ("advisor", "firm", "program_manager", "system")
#: Roles a user account may hold (``system`` is for the CLI and imports only).
USER_ROLES: tuple[str, ...] = ("advisor", "firm", "program_manager")


class PermissionDenied(PermissionError):  # noqa: N818 (the name the app and CLI catch)
    """The actor may not do this; the attempt has been written to the audit log.

    Parameters
    ----------
    message
        What was refused, in one sentence.
    table
        Table the attempt was about.
    keys
        Ids of the rows the attempt was about.
    """

    def __init__(self, message: str, *, table: str = "", keys: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.table = table
        self.keys = keys


@dataclass(frozen=True)
class Actor:
    """The user (or process) on whose behalf a repository call runs.

    Parameters
    ----------
    user_id
        Account id of the user, or a process name for ``system`` (``"cli"``, ``"import"``).
    role
        One of :data:`ROLES`.
    firm_id
        The firm of a ``firm`` actor; must be None for the other roles.
    """

    user_id: str
    role: str
    firm_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if not self.user_id:
            raise ValueError("an actor needs a user_id")
        if (self.role == "firm") != bool(self.firm_id):
            raise ValueError("firm_id is required for the firm role and only for it")

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """Return the actor of a command-line or batch process called ``name``."""
        return cls(name, "system")

    @property
    def can_write(self) -> bool:
        """Whether the role may write anything at all."""
        return self.role != "program_manager"

    @property
    def reads_all(self) -> bool:
        """Whether the role may read every firm (else only its own)."""
        return self.role != "firm"

    @property
    def administers(self) -> bool:
        """Whether the role may administer the registry (delete firms, create accounts)."""
        return self.role in ("advisor", "system")

    @property
    def sees_personal_info(self) -> bool:
        """Whether contact names, e-mails and phones are shown to this role."""
        return self.role != "program_manager"

    def may_read(self, firm_id: str | None) -> bool:
        """Whether this actor may read rows of ``firm_id``."""
        return self.reads_all or firm_id == self.firm_id

    def may_write(self, firm_id: str | None) -> bool:
        """Whether this actor may create, change or delete rows of ``firm_id``."""
        return self.can_write and self.may_read(firm_id)


def require(actor: Actor, allowed: bool, what: str, *, table: str, keys: Iterable[object] = ()) -> None:
    """Raise :class:`PermissionDenied` naming ``what`` when ``allowed`` is false.

    Parameters
    ----------
    actor
        Who asked.
    allowed
        The outcome of the access rule.
    what
        The refused act, completing "<role> <user> may not ...".
    table, keys
        The table and row ids concerned (the first 20 distinct ids are kept).
    """
    if not allowed:
        distinct = tuple(dict.fromkeys(str(k) for k in keys))
        message = f"{actor.role} {actor.user_id} may not {what}"
        raise PermissionDenied(message, table=table, keys=distinct[:20])
