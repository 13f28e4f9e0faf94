"""``symbiosis match``: run the matching pipeline on a registry, print KPIs, write the results."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from symbiosis.commands._common import add_db_argument, database_url, print_json

NAME = "match"
HELP = ("Apparier offres et demandes, afficher les indicateurs / match supplies to demands and "
        "report the indicators")

logger = logging.getLogger(__name__)

#: Solve statuses that still give a valid allocation (exit code 0).
OK_STATUSES = ("optimal", "feasible", "time_limit", "empty")
#: Extensions ``--out`` accepts.
OUT_FORMATS = (".xlsx", ".csv", ".json")
_EXCHANGE_FIELDS = ("candidate_id", "supply_id", "demand_id", "supply_firm_id", "demand_firm_id",
                    "kind", "flow_per_yr", "quantity_unit", "delivered_per_yr", "net_value_cad_per_yr",
                    "co2e_avoided_t_per_yr", "diverted_t_per_yr", "distance_km", "explanation_fr",
                    "explanation_en")
_INTERNAL_FIELDS = ("candidate_id", "supply_id", "demand_id", "supply_firm_id", "kind", "max_flow_per_yr",
                    "net_value_cad_per_yr", "co2e_avoided_t_per_yr")
_CANDIDATE_FIELDS = ("candidate_id", "supply_id", "demand_id", "supply_firm_id", "demand_firm_id",
                     "kind", "distance_km", "max_flow_per_yr", "net_value_cad_per_unit",
                     "co2e_avoided_t_per_unit", "gain_per_unit", "score")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``symbiosis match``."""
    add_db_argument(parser)
    parser.add_argument("--config", metavar="FILE", type=Path, default=None,
                        help="scenario file (.toml, .yaml, .json) / fichier de scénario")
    parser.add_argument("--out", metavar="FILE", type=Path, default=None,
                        help="write results to .xlsx, .csv or .json / écrire les résultats")
    parser.add_argument("--json", action="store_true",
                        help="print status, KPIs and exchanges as JSON / sortie JSON")
    parser.add_argument("--all-candidates", action="store_true",
                        help="with --json, add every scored candidate / ajouter tous les candidats")
    parser.add_argument("--side-constraints", action="store_true",
                        help="enforce minimum lots, partner limits, fixed costs / contraintes latérales")
    parser.add_argument("--prospects", action="store_true",
                        help="also list leads for firms with no declared stream, inferred from their SCIAN "
                             "sector (never counted in the KPIs) / pistes déduites du secteur SCIAN")


def _open(db: str | None) -> Any:
    """Open the repository without migrating: ``match`` only reads the registry."""
    from symbiosis.db import Repository

    return Repository.from_url(database_url(db), migrate=False)


def _db_error(db: str | None) -> bool:
    """Whether ``--db`` names an SQLite file that does not exist (SQLAlchemy would create it)."""
    url = database_url(db)
    if not url.startswith("sqlite:///"):
        return False
    path = url.removeprefix("sqlite:///")
    return path not in ("", ":memory:") and not Path(path).is_file()


def _records(frame: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    cols = [c for c in fields if c in frame.columns]
    return frame[cols].to_dict(orient="records")


def _prospects(registry: Any, config: Any) -> Any:
    """Leads for the firms without a declared stream (labelled inferred, outside the KPIs)."""
    from symbiosis import kb
    from symbiosis.engine.prospects import prospect_leads

    return prospect_leads(registry, rules=kb.load_rules(), categories=kb.load_categories(), config=config)


def _print_prospects(leads: Any) -> None:
    firms = leads["prospect_firm_id"].nunique() if len(leads) else 0
    print(f"Pistes déduites (non comptées) / inferred leads (not counted): {len(leads)} pour / for "
          f"{firms} entreprise(s) sans flux déclaré / firm(s) with no declared stream")
    for row in leads.head(20).itertuples(index=False):
        arrow = "→" if row.prospect_direction == "supply" else "←"
        print(f"  [inférée / inferred] {row.prospect_firm_id} {row.prospect_category_id} "
              f"({row.typical_share:.0%}) {arrow} {row.partner_firm_id} {row.partner_stream_id} "
              f"({row.partner_category_id}, {row.distance_km:.0f} km)")


def _payload(result: Any, *, all_candidates: bool) -> dict[str, Any]:
    from symbiosis.io.export import exchanges_with_texts

    out: dict[str, Any] = {
        "status": result.status,
        "allocation": result.allocation.as_dict(),
        "kpis": result.kpis.as_dict(),
        "exchanges": _records(exchanges_with_texts(result.exchanges), _EXCHANGE_FIELDS),
        "internal_opportunities": _records(result.internal_opportunities, _INTERNAL_FIELDS),
    }
    if all_candidates:
        candidates = result.candidates
        if "score" not in candidates and "gain_per_unit" in candidates:
            candidates = candidates.assign(score=candidates["gain_per_unit"])
        out["candidates"] = _records(candidates, _CANDIDATE_FIELDS)
    return out


def _print_summary(result: Any) -> None:
    from symbiosis.results import KPI_LABELS

    info = result.allocation
    print(f"Statut / status: {info.status}  ({info.method}, {sum(info.timings_s.values()):.2f} s)")
    for key, value in result.kpis.scalars().items():
        shown = f"{value:,.1f}".replace(",", " ") if isinstance(value, float) else str(value)
        print(f"  {KPI_LABELS[key].fr} / {KPI_LABELS[key].en}: {shown}")
    print(f"  Réemplois internes listés à part (hors indicateurs) / internal reuse listed apart (not in the "
          f"KPIs): {len(result.internal_opportunities)}")


def _scenario(args: argparse.Namespace) -> Any:
    """The scenario of ``--config`` and ``--side-constraints``; None (after a message) when the file is
    unreadable or ``--out`` has an unknown extension."""
    from symbiosis.engine.config import MatchConfig

    try:
        config = MatchConfig.from_file(args.config) if args.config else MatchConfig()
    except (OSError, ValueError, TypeError) as exc:
        print(f"Scénario illisible / unreadable scenario: {exc}", file=sys.stderr)
        return None
    if args.out is not None and args.out.suffix.lower() not in OUT_FORMATS:
        print(f"Format de sortie inconnu / unknown output format: {args.out.suffix!r} "
              f"({', '.join(OUT_FORMATS)})", file=sys.stderr)
        return None
    return config.replace(**{"side.enabled": True}) if args.side_constraints else config


def _read(db: str | None, actor: Any) -> tuple[Any, Any] | None:
    """Open the repository and load the registry; None (after a message) when it cannot be read."""
    if _db_error(db):
        print(f"Registre introuvable / registry not found: {database_url(db)}", file=sys.stderr)
        return None
    repo = None
    try:
        repo = _open(db)
        return repo, repo.load_registry(actor)
    except Exception as exc:  # any driver or schema error means the registry cannot be read
        logger.debug("registry load failed", exc_info=True)
        if repo is not None:
            repo.close()
        print(f"Registre illisible / unreadable registry: {exc}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on an unreadable registry or scenario, 1 on a solver failure."""
    from symbiosis.db import Actor
    from symbiosis.io.export import write_results
    from symbiosis.pipeline import run as run_pipeline

    actor = Actor.system("cli")
    config = _scenario(args)
    loaded = _read(args.db, actor) if config is not None else None
    if loaded is None:
        return 2
    repo, registry = loaded
    with repo:
        result = run_pipeline(registry, config)
        leads = _prospects(registry, config) if args.prospects else None
        if args.out:
            write_results(result, args.out)
            repo.log_event(actor, "export", details={"command": "match", "file": Path(args.out).name,
                                                     "exchanges": result.kpis.n_exchanges})
    if args.json:
        payload = _payload(result, all_candidates=args.all_candidates)
        if leads is not None:
            payload["prospects"] = leads.to_dict(orient="records")
        print_json(payload)
    else:
        _print_summary(result)
        if leads is not None:
            _print_prospects(leads)
        if args.out:
            print(f"Résultats écrits / results written: {args.out}")
    return 0 if result.status in OK_STATUSES else 1
