"""Québec authorisation pathways: which exchange needs which authorisation, and who holds one.

In Québec a regulated residue may only go to a receiver authorised for it, and the pathway differs:

* **hazardous materials** (``hazmat_permit``): the *Règlement sur les matières dangereuses* (RMD) and
  the *Loi sur la qualité de l'environnement* (LQE, art. 70.9 ff.): the receiver holds a permit for
  the hazardous materials it stores, treats or recovers;
* **fertilising residual materials** (``mrf_authorisation``): land application of ash, lime mud,
  sludge or digestate follows the *Guide sur le recyclage des matières résiduelles fertilisantes*
  (MRF guide), under a REAFIE ministerial authorisation or declaration of compliance, or the
  guide's certification;
* **ministerial authorisation** (``ministerial_authorisation``): the REAFIE (*Règlement sur
  l'encadrement d'activités en fonction de leur impact sur l'environnement*) authorisation under
  LQE art. 22 for a recovery or treatment activity;
* **CFIA feed or food** (``cfia_feed``, ``cfia_food``): federal *Feeds Act* registration, *Safe Food
  for Canadians* licence.

A rule names the pathway it requires (``rules.csv``, ``requires_authorisation``); a hazardous supply
always requires ``hazmat_permit``. The hazardous pathway is always enforced; the other pathways are
enforced once the registry has an authorisation table (``Registry.permits``, even empty): a registry
with no permit on file at all names the pathway on the candidate without refusing it, since nobody
recorded who holds what. A receiver's authorisations (``schemas.PERMITS``) list the
categories (``*`` for all) and List of Waste codes or prefixes they cover. A firm that declares
``accepts_hazardous`` without a hazardous-materials permit on file is taken at its word for every
hazardous category, with no reference (the explanation says "undeclared reference").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from symbiosis.i18n import Text, TextTable
from symbiosis.timezone import local_today

__all__ = [
    "PATHWAYS",
    "PERMIT_TYPE_LABELS",
    "Pathway",
    "PermitIndex",
    "PermitTokens",
    "pathway_label",
    "required_pathways",
]

HAZMAT = "hazmat_permit"


@dataclass(frozen=True)
class Pathway:
    """A regulatory pathway: the regulation and the permit types that satisfy it.

    Its label, in French and English, is :data:`PATHWAY_LABELS` of its code.
    """

    regulation: str
    permit_types: tuple[str, ...]


#: The label of each pathway, from the message catalogue (``permits.pathway.<code>``).
PATHWAY_LABELS: Mapping[str, Text] = TextTable("permits.pathway")

PATHWAYS: Mapping[str, Pathway] = {
    HAZMAT: Pathway(
        "LQE art. 70.9; Règlement sur les matières dangereuses (RLRQ c. Q-2, r. 32)",
        ("hazardous_materials",),
    ),
    "mrf_authorisation": Pathway(
        "Guide sur le recyclage des matières résiduelles fertilisantes; REAFIE (RLRQ c. Q-2, r. 17.1)",
        ("mrf_guide", "reafie_ministerial_authorisation", "reafie_declaration_of_compliance"),
    ),
    "ministerial_authorisation": Pathway(
        "LQE art. 22; REAFIE (RLRQ c. Q-2, r. 17.1)",
        ("reafie_ministerial_authorisation",),
    ),
    "cfia_feed": Pathway(
        "Loi relative aux aliments du bétail (L.R.C. 1985, ch. F-9)",
        ("cfia_feed",),
    ),
    "cfia_food": Pathway(
        "Loi sur la salubrité des aliments au Canada (L.C. 2012, ch. 24)",
        ("cfia_food",),
    ),
}
PERMIT_TYPE_LABELS: Mapping[str, Text] = TextTable("permits.type")
_CODE_LENGTHS = (2, 4, 6)


def pathway_label(code: str, lang: str = "fr") -> str:
    """Label of a pathway code (the code itself when unknown)."""
    pathway = PATHWAYS.get(code)
    return code if pathway is None else PATHWAY_LABELS[code].get(lang)


def required_pathways(rule_codes: np.ndarray, hazardous: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (up to two) pathways each pair needs: the rule's code, and ``hazmat_permit`` when hazardous.

    Returns
    -------
    first, second : numpy.ndarray
        Object arrays of pathway codes (``""`` when none): the rule's pathway, then the hazardous one
        when it differs.
    """
    rule_codes = np.asarray(rule_codes, dtype=object)
    second = np.where(hazardous & (rule_codes != HAZMAT), HAZMAT, "").astype(object)
    first = np.where(rule_codes != "", rule_codes, second).astype(object)
    second = np.where(first == second, "", second).astype(object)
    return first, second


def _split(value: object) -> list[str]:
    return [t.strip() for t in str(value or "").replace(",", "|").split("|") if t.strip()]


def _hash(values: np.ndarray) -> np.ndarray:
    return pd.util.hash_array(np.asarray(values, dtype=object)).astype(np.uint64)


@dataclass(frozen=True)
class PermitIndex:
    """Hashed ``(firm, pathway, covered token)`` keys of the receivers' authorisations.

    A token is a category id, ``*`` (every category) or ``code:<prefix>`` (a List of Waste code
    prefix). ``references`` is aligned with the sorted ``keys``.
    """

    keys: np.ndarray
    references: np.ndarray
    declared: bool = False

    @classmethod
    def empty(cls, *, declared: bool = False) -> PermitIndex:
        """No authorisation at all (``declared``: an authorisation table exists, and is empty)."""
        return cls(np.zeros(0, np.uint64), np.zeros(0, object), declared)

    def enforces(self, pathway: np.ndarray) -> np.ndarray:
        """Which required pathways are checked: the hazardous one always, the others with a table."""
        return (pathway == HAZMAT) | ((pathway != "") & self.declared)

    @classmethod
    def build(
        cls,
        permits: pd.DataFrame | None,
        firms: pd.DataFrame | None = None,
        *,
        categories: pd.DataFrame | None = None,
        on: pd.Timestamp | None = None,
    ) -> PermitIndex:
        """Index the authorisations of ``permits`` (``schemas.PERMITS``) and the firms' legacy flag.

        Parameters
        ----------
        permits
            Authorisations; expired ones (``valid_until`` before ``on``) are left out.
        firms
            Firms; one declaring ``accepts_hazardous`` with no hazardous-materials permit on file
            covers every hazardous category, without a reference.
        categories
            Knowledge-base categories: a waste-code prefix also covers every category carrying a code
            with that prefix.
        on
            Date the authorisations must be valid on (default: today in the region,
            :func:`symbiosis.timezone.local_today`: at 23:30 in Saguenay a permit valid until today is
            still valid, even on a server whose clock already reads tomorrow in UTC).
        """
        rows: list[tuple[str, str, str, str]] = []
        holders: set[str] = set()
        code_index = _category_codes(categories)
        covered: dict[str, list[str]] = {}  # waste-code prefix -> categories carrying such a code
        if permits is not None and len(permits):
            today = pd.Timestamp(local_today()) if on is None else on
            valid = permits
            if "valid_until" in permits:
                until = pd.to_datetime(permits["valid_until"], errors="coerce")
                valid = permits[until.isna() | (until >= today)]
            for p in valid.to_dict("records"):
                firm, kind = str(p["firm_id"]), str(p["permit_type"])
                reference = str(p.get("reference") or "") or str(p.get("permit_id") or "")
                tokens = _split(p.get("categories"))
                for prefix in (c.replace(" ", "") for c in _split(p.get("waste_codes"))):
                    tokens.append("code:" + prefix)
                    if prefix not in covered:
                        covered[prefix] = [
                            cat
                            for cat, codes in code_index.items()
                            if any(code.startswith(prefix) for code in codes)
                        ]
                    tokens.extend(covered[prefix])
                for code, pathway in PATHWAYS.items():
                    if kind in pathway.permit_types:
                        rows.extend((firm, code, token, reference) for token in tokens)
                        holders.update({firm} if code == HAZMAT else set())
        if firms is not None and "accepts_hazardous" in firms:
            flag = firms["accepts_hazardous"].astype("string").fillna("").str.lower().isin(["true", "1"])
            for firm in firms.loc[flag.to_numpy(bool), "firm_id"].astype(str):
                if firm not in holders:
                    rows.append((firm, HAZMAT, "*", ""))
        declared = permits is not None
        if not rows:
            return cls.empty(declared=declared)
        frame = pd.DataFrame(rows, columns=["firm", "pathway", "token", "reference"])
        keys = _keys(
            _hash(frame["firm"].to_numpy(object)),
            frame["pathway"].to_numpy(object),
            frame["token"].to_numpy(object),
        )
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], frame["reference"].to_numpy(object)[order], declared)

    def covered(
        self, firm_hash: np.ndarray, pathway: np.ndarray, category: np.ndarray, waste_code: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Whether each receiver holds ``pathway`` for the supply's category or waste code.

        Returns
        -------
        covered : numpy.ndarray of bool
            ``True`` also where ``pathway`` is empty (nothing required).
        reference : numpy.ndarray of str
            The covering authorisation's reference (``""`` when none or undeclared).
        """
        n = len(pathway)
        needed = pathway != ""
        covered = ~needed
        reference = np.full(n, "", dtype=object)
        if not needed.any() or len(self.keys) == 0:
            return covered, reference
        idx = np.flatnonzero(needed)
        codes = np.asarray(waste_code, dtype=object)[idx].astype(str)
        tokens = [np.full(len(idx), "*", dtype=object), np.asarray(category, dtype=object)[idx]]
        tokens += [
            np.array(["code:" + c[:k] if len(c) >= k else "" for c in codes], dtype=object)
            for k in _CODE_LENGTHS
        ]
        for token in tokens:
            keys = _keys(firm_hash[idx], pathway[idx], token)
            pos = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
            hit = (self.keys[pos] == keys) & (token != "") & ~covered[idx]
            covered[idx[hit]] = True
            reference[idx[hit]] = self.references[pos[hit]]
        return covered, reference


def _keys(firm_hash: np.ndarray, pathway: np.ndarray, token: np.ndarray) -> np.ndarray:
    mixed = _hash(np.asarray(pathway, dtype=object) + "\x1f" + np.asarray(token, dtype=object).astype(str))
    with np.errstate(over="ignore"):
        return (np.asarray(firm_hash, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ mixed


def _category_codes(categories: pd.DataFrame | None) -> dict[str, list[str]]:
    if categories is None or "waste_codes" not in categories:
        return {}
    return {
        str(c): _split(codes)
        for c, codes in zip(categories["category_id"], categories["waste_codes"], strict=True)
    }


@dataclass(frozen=True)
class PermitTokens:
    """:meth:`PermitIndex.covered` prepared for one side of supplies: integer pathway codes and hashes.

    The keys a pair is looked up by depend on the receiver's firm, the pathway and the supply's
    category and waste code; here the pathway + token part is hashed once per distinct (category, waste
    code) of the supplies and per pathway, so a pair costs integer operations only. Gives exactly the
    ``covered`` of :meth:`PermitIndex.covered`.
    """

    index: PermitIndex
    names: np.ndarray
    combo: np.ndarray
    mixed: np.ndarray
    valid: np.ndarray
    rule_code: np.ndarray

    @classmethod
    def build(
        cls, index: PermitIndex, category: np.ndarray, waste_code: np.ndarray, pathways: np.ndarray
    ) -> PermitTokens:
        """Tokens of supplies with ``category`` and ``waste_code``; ``pathways``: each rule's code."""
        names = np.array(["", *sorted({str(p) for p in pathways if str(p)} | {HAZMAT})], dtype=object)
        key = (
            pd.Series(np.asarray(category, dtype=object)).astype(str)
            + "\x1f"
            + pd.Series(np.asarray(waste_code, dtype=object)).astype(str)
        )
        combo, first = pd.factorize(key)
        rep = np.asarray([str(k).split("\x1f", 1) for k in first], dtype=object).reshape(len(first), 2)
        cats, codes = rep[:, 0], rep[:, 1].astype(str)
        tokens = [np.full(len(cats), "*", dtype=object), cats]
        tokens += [
            np.array(["code:" + c[:k] if len(c) >= k else "" for c in codes], dtype=object)
            for k in _CODE_LENGTHS
        ]
        valid = np.column_stack([t != "" for t in tokens]) if len(cats) else np.zeros((0, len(tokens)), bool)
        # Every (pathway, combination, token) text hashed in one call (a hash is per element, so this
        # equals one call per pathway and token; 30 calls cost more than the hashing at 1,000 streams).
        mixed = np.zeros((len(names), len(cats), len(tokens)), np.uint64)
        if len(cats):
            token_text = np.column_stack([t.astype(str) for t in tokens]).astype(object)
            text = names.astype(object).reshape(-1, 1, 1) + "\x1f" + token_text[None, :, :]
            mixed[:] = _hash(text.ravel()).reshape(mixed.shape)
        table = {str(n): i for i, n in enumerate(names)}
        rule_code = np.array([table[str(p)] for p in pathways], dtype=np.int64)
        return cls(index, names, np.asarray(combo, np.int64), mixed, valid, rule_code)

    def take(self, supplies: np.ndarray, rules: np.ndarray) -> PermitTokens:
        """The tokens of the supply rows ``supplies`` under the rules at positions ``rules`` (what
        :meth:`build` gives for them: the same codes, hashed once for every row)."""
        return replace(self, combo=self.combo[supplies], rule_code=self.rule_code[rules])

    def required(self, rule: np.ndarray, hazardous: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:func:`required_pathways` as codes: the rule's (``rule`` -1: none), then the hazardous one."""
        hazmat = int(np.flatnonzero(self.names == HAZMAT)[0])
        rc = (
            np.where(rule >= 0, self.rule_code[np.maximum(rule, 0)], 0)
            if len(self.rule_code)
            else np.zeros(len(rule), np.int64)
        )
        second = np.where(hazardous & (rc != hazmat), hazmat, 0)
        first = np.where(rc != 0, rc, second)
        return first, np.where(first == second, 0, second)

    def missing(self, firm_hash: np.ndarray, pathway: np.ndarray, supply: np.ndarray) -> np.ndarray:
        """Pairs whose enforced ``pathway`` (codes) the receiver (``firm_hash``) holds for none of the
        supply rows' (``supply``) category or codes."""
        enforced = (pathway != 0) & ((self.names[pathway] == HAZMAT) | self.index.declared)
        missing = enforced.copy()
        idx = np.flatnonzero(enforced)
        if not len(idx) or len(self.index.keys) == 0:
            return missing
        combo, p = self.combo[supply[idx]], pathway[idx]
        with np.errstate(over="ignore"):
            firm = np.asarray(firm_hash[idx], dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        found = np.zeros(len(idx), bool)
        for t in range(self.mixed.shape[2]):
            keys = firm ^ self.mixed[p, combo, t]
            pos = np.clip(np.searchsorted(self.index.keys, keys), 0, len(self.index.keys) - 1)
            found |= (self.index.keys[pos] == keys) & self.valid[combo, t]
        missing[idx] = ~found
        return missing
