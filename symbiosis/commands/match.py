"""``symbiosis match``: run the matching pipeline on a registry, print KPIs, write the results."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from symbiosis.commands._common import CatalogueHelp, add_db_argument, database_url, print_json
from symbiosis.commands._scheduler import (
    add_run_folder_arguments,
    add_scheduler_arguments,
    executor_from_args,
    kept_run_folders,
    run_folders,
    scheduler_error_text,
)

NAME = "match"
HELP = (
    "Apparier offres et demandes, afficher les indicateurs / match supplies to demands and "
    "report the indicators"
)

logger = logging.getLogger(__name__)

#: The bundled sample region (``symbiosis.services.importing.SAMPLE_DIR``, not imported here: that
#: module pulls the whole importer into every ``symbiosis match``).
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"

#: Solve statuses that still give a valid allocation (exit code 0).
OK_STATUSES = ("optimal", "feasible", "time_limit", "empty")
#: Extensions ``--out`` accepts.
OUT_FORMATS = (".xlsx", ".csv", ".json")
_EXCHANGE_FIELDS = (
    "candidate_id",
    "supply_id",
    "demand_id",
    "supply_firm_id",
    "demand_firm_id",
    "kind",
    "flow_per_yr",
    "quantity_unit",
    "delivered_per_yr",
    "net_value_cad_per_yr",
    "co2e_avoided_t_per_yr",
    "diverted_t_per_yr",
    "distance_km",
    "explanation_fr",
    "explanation_en",
)
_INTERNAL_FIELDS = (
    "candidate_id",
    "supply_id",
    "demand_id",
    "supply_firm_id",
    "kind",
    "max_flow_per_yr",
    "allocated_per_yr",
    "net_value_cad_per_yr",
    "co2e_avoided_t_per_yr",
)
_CANDIDATE_FIELDS = (
    "candidate_id",
    "supply_id",
    "demand_id",
    "supply_firm_id",
    "demand_firm_id",
    "kind",
    "distance_km",
    "max_flow_per_yr",
    "net_value_cad_per_unit",
    "co2e_avoided_t_per_unit",
    "gain_per_unit",
    "score",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``symbiosis match``."""
    add_db_argument(parser)
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        default=None,
        help="scenario file (.toml, .yaml, .json) / fichier de scénario",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        default=None,
        help="write results to .xlsx, .csv or .json / écrire les résultats",
    )
    parser.add_argument(
        "--json", action="store_true", help="print status, KPIs and exchanges as JSON / sortie JSON"
    )
    parser.add_argument(
        "--all-candidates",
        action="store_true",
        help="with --json, add every scored candidate / ajouter tous les candidats",
    )
    parser.add_argument(
        "--side-constraints",
        action="store_true",
        help="enforce minimum lots, partner limits, fixed costs / contraintes latérales",
    )
    parser.add_argument(
        "--prospects",
        action="store_true",
        help="also list leads for firms with no declared stream, inferred from their SCIAN "
        "sector (never counted in the KPIs) / pistes déduites du secteur SCIAN",
    )
    add_lever_arguments(parser)
    add_scheduler_arguments(parser)
    add_run_folder_arguments(parser)
    parser.add_argument(
        "--candidates-parquet",
        metavar="DIR",
        type=Path,
        default=None,
        help=CatalogueHelp("scaleout.help.candidates_parquet"),
    )


def add_lever_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--levers`` and its options (mutualisation: group purchasing, shared equipment, shared
    units, collection tours; issue #14)."""
    group = parser.add_argument_group("mutualisation / levers")
    group.add_argument(
        "--levers",
        action="store_true",
        help="also plan the mutualisation levers / planifier aussi les leviers de mutualisation",
    )
    group.add_argument(
        "--mutual-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help="folder of purchases.csv, capacity_offers.csv, capacity_needs.csv, "
        "treatment_needs.csv, pickups.csv, receivers.csv (default: the registry's tables; on a sample "
        f"registry, {SAMPLE_DIR}'s for the tables nothing is stored in)",
    )
    group.add_argument(
        "--route-search",
        choices=("greedy_descent", "guided_local_search"),
        default="greedy_descent",
        help="routing search / recherche des tournées",
    )
    group.add_argument(
        "--route-time-limit",
        type=float,
        default=1.0,
        metavar="S",
        help="time limit per collection day, s (guided local search)",
    )
    group.add_argument(
        "--lang",
        choices=("fr", "en"),
        default="fr",
        help="language of the levers' summary and explanations / langue du résumé des leviers",
    )
    group.add_argument(
        "--levers-out",
        metavar="FILE",
        type=Path,
        default=None,
        help="write the levers' tables to .xlsx / écrire les tableaux des leviers",
    )


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
    print(
        f"Pistes déduites (non comptées) / inferred leads (not counted): {len(leads)} pour / for "
        f"{firms} entreprise(s) sans flux déclaré / firm(s) with no declared stream"
    )
    for row in leads.head(20).itertuples(index=False):
        arrow = "→" if row.prospect_direction == "supply" else "←"
        print(
            f"  [inférée / inferred] {row.prospect_firm_id} {row.prospect_category_id} "
            f"({row.typical_share:.0%}) {arrow} {row.partner_firm_id} {row.partner_stream_id} "
            f"({row.partner_category_id}, {row.distance_km:.0f} km)"
        )


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
    internal = result.internal_opportunities
    chosen = int((internal["allocated_per_yr"] > 0).sum()) if "allocated_per_yr" in internal else 0
    print(
        f"  Réemplois internes listés à part (hors indicateurs) / internal reuse listed apart (not in the "
        f"KPIs): {len(internal)} (retenus par l'allocation / chosen by the allocation: {chosen})"
    )


def _scenario(args: argparse.Namespace) -> Any:
    """The scenario of ``--config`` and ``--side-constraints``; None (after a message) when the file is
    unreadable or ``--out`` has an unknown extension."""
    from symbiosis.engine.config import MatchConfig

    try:
        config = _read_config(args.config) if args.config else MatchConfig()
    except (OSError, ValueError, TypeError) as exc:
        print(f"Scénario illisible / unreadable scenario: {exc}", file=sys.stderr)
        return None
    if args.out is not None and args.out.suffix.lower() not in OUT_FORMATS:
        print(
            f"Format de sortie inconnu / unknown output format: {args.out.suffix!r} "
            f"({', '.join(OUT_FORMATS)})",
            file=sys.stderr,
        )
        return None
    return config.replace(**{"side.enabled": True}) if args.side_constraints else config


def _read_config(path: Path) -> Any:
    """The scenario file (the reader is imported only when a file is given)."""
    from symbiosis.services.config_files import read_config

    return read_config(path)


def _read(db: str | None, actor: Any) -> Any:
    """Load the registry; None (after a message) when it cannot be read.

    An SQLite file is read with the standard library (:mod:`symbiosis.db.sqlite_read`: the same frames,
    without importing SQLAlchemy); another database through the repository.
    """
    from symbiosis.db.sqlite_read import READ_ERRORS, load_registry, sqlite_file

    if _db_error(db):
        print(f"Registre introuvable / registry not found: {database_url(db)}", file=sys.stderr)
        return None
    path = sqlite_file(database_url(db))
    try:
        if path is not None:
            return load_registry(path, actor)
        with _open(db) as repo:
            return repo.load_registry(actor)
    except READ_ERRORS + _database_errors(path) as exc:  # driver, connection or schema: unreadable
        logger.debug("registry load failed", exc_info=True)
        print(f"Registre illisible / unreadable registry: {exc}", file=sys.stderr)
        return None


def _database_errors(path: Path | None) -> tuple[type[Exception], ...]:
    """SQLAlchemy's errors when the repository reads (imported only then)."""
    if path is not None:
        return ()
    from symbiosis.db.engine import DATABASE_ERRORS

    return DATABASE_ERRORS


def _log_export(db: str | None, actor: Any, out: Path, n_exchanges: int) -> None:
    """Write the export to the registry's audit trail (the repository: a write is audited and sealed)."""
    with _open(db) as repo:
        repo.log_event(
            actor,
            "export",
            details={"command": "match", "file": Path(out).name, "exchanges": n_exchanges},
        )


def _lever_inputs(
    args: argparse.Namespace, db: str | None, actor: Any, registry: Any, config: Any
) -> tuple[Any, Any] | None:
    """The mutualisation tables and their configuration; None when ``--mutual-dir`` is missing.

    Without ``--mutual-dir``, the registry's tables (``services.mutual_inputs.load_mutual_inputs``).
    From a folder, rows with errors are left out and counted on standard error (``symbiosis
    validate`` lists them).
    """
    from symbiosis.mutual import MutualConfig, RouteConfig
    from symbiosis.mutual.files import read_mutual_dir

    if args.mutual_dir is None:
        from symbiosis.services.mutual_inputs import load_mutual_inputs

        with _open(db) as repo:
            data = load_mutual_inputs(repo, actor).data
    elif not Path(args.mutual_dir).is_dir():
        print(f"Dossier introuvable / folder not found: {args.mutual_dir}", file=sys.stderr)
        return None
    else:
        data, results = read_mutual_dir(args.mutual_dir, known_firm_ids=set(registry.firms["firm_id"]))
        for table, result in results.items():
            if result.report.errors:
                summary = f"{result.report.summary('fr')} / {result.report.summary('en')}"
                print(f"{table}: {summary}", file=sys.stderr)
    routes = RouteConfig(metaheuristic=args.route_search, time_limit_s=args.route_time_limit)
    return data, MutualConfig(transport=config.transport, routes=routes)


def _print_levers(mutual: Any, lang: str = "fr") -> None:
    """Each lever's outcome in ``lang``: how its plan ended in words (never the planner's code), counts."""
    from symbiosis.i18n import t, tn
    from symbiosis.labels import lever_status_label
    from symbiosis.mutual import LEVER_LABELS
    from symbiosis.numbers import format_number

    locale = "en_CA" if lang == "en" else "fr_CA"  # « 15 350 $/an », « 4,4 t », never « 15 350,4258… »
    print(t("mutual.cli.title", lang))
    for row in mutual.summary().to_dict("records"):
        print(
            "  "
            + t(
                "mutual.cli.lever",
                lang,
                lever=LEVER_LABELS[row["lever"]].get(lang),
                status=lever_status_label(row["status"], lang),
                proposals=tn("mutual.cli.lever.proposals", row["n_items"], lang),
                firms=tn("mutual.cli.lever.firms", row["n_firms"], lang),
                saving=format_number(row["saving_cad_per_yr"], locale=locale, decimals=0),
                co2e=format_number(row["co2e_avoided_t_per_yr"], locale=locale, decimals=1),
            )
        )
    routes = mutual.info["routes"].details
    if routes.get("days_compared"):
        saving = format_number(routes["km_saving_vs_nearest_neighbour_pct"], locale=locale, decimals=1)
        print("  " + t("mutual.cli.routes", lang, pct=saving, days=routes["days_compared"]))


def _lever_payload(mutual: Any, registry: Any, data: Any, lang: str = "fr") -> dict[str, Any]:
    from symbiosis.mutual.explain import explanations

    names = dict(zip(registry.firms["firm_id"], registry.firms["name"], strict=True))
    receivers = dict(zip(data.receivers["receiver_id"], data.receivers["name"], strict=True))
    why = explanations(mutual, lang, names=names, receiver_names=receivers)
    out = mutual.as_dict()
    out["memberships"] = mutual.memberships().to_dict(orient="records")
    out["explanations"] = why.to_dict(orient="records")
    return out


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on an unreadable registry or scenario, 1 on a solver failure."""
    from symbiosis.db import Actor
    from symbiosis.pipeline import run as run_pipeline

    actor = Actor.system("cli")
    config = _scenario(args)
    loaded = _read(args.db, actor) if config is not None else None
    if loaded is None:
        return 2
    registry = loaded
    levers = _lever_inputs(args, args.db, actor, registry, config) if args.levers else (None, None)
    if levers is None:
        return 2
    from symbiosis.distributed.scheduler import SchedulerError

    try:
        with executor_from_args(args) as executor:
            before = run_folders(executor)
            result = run_pipeline(
                registry, config, mutual=levers[0], mutual_config=levers[1], executor=executor
            )
            if args.candidates_parquet is not None:
                _write_candidate_partitions(registry, config, executor, args.candidates_parquet)
            kept_run_folders(executor, before)
    except SchedulerError as exc:
        print(scheduler_error_text(exc), file=sys.stderr)
        return 2
    leads = _prospects(registry, config) if args.prospects else None
    if result.mutual is not None and args.levers_out:
        _write_levers(result.mutual, registry, levers[0], args.levers_out)
    if args.out:
        from symbiosis.io.export import write_results

        write_results(result, args.out)
        _log_export(args.db, actor, args.out, result.kpis.n_exchanges)
    if args.json:
        payload = _payload(result, all_candidates=args.all_candidates)
        if leads is not None:
            payload["prospects"] = leads.to_dict(orient="records")
        if result.mutual is not None:
            payload["levers"] = _lever_payload(result.mutual, registry, levers[0], args.lang)
        print_json(payload)
    else:
        _print_summary(result)
        if leads is not None:
            _print_prospects(leads)
        if result.mutual is not None:
            _print_levers(result.mutual, args.lang)
        if args.out:
            print(f"Résultats écrits / results written: {args.out}")
    levers_ok = result.mutual is None or result.mutual.ok
    return 0 if result.status in OK_STATUSES and levers_ok else 1


def _write_levers(mutual: Any, registry: Any, data: Any, path: Path) -> None:
    """The levers' report section as a workbook (summary and one sheet per lever, FR)."""
    from symbiosis.reports.levers import lever_section
    from symbiosis.reports.xlsx import frames_to_xlsx

    section = lever_section(mutual, registry.firms, receivers=data.receivers)
    Path(path).write_bytes(frames_to_xlsx(section.sheets("fr")))


def _write_candidate_partitions(registry: Any, config: Any, executor: Any, directory: Path) -> None:
    """The candidates computed by rule block × tile (on the cluster when there is one), as Parquet."""
    from symbiosis import kb
    from symbiosis.engine.candidate_tiles import partitioned_candidates, write_partitions
    from symbiosis.i18n import t

    map_function = map if executor is None else executor.map
    frame = partitioned_candidates(
        registry, kb.load_rules(), config, categories=kb.load_categories(), map_function=map_function
    )
    files = write_partitions(frame, directory)
    values = {"n": len(frame), "files": len(files), "path": directory}
    key = "scaleout.candidates_written"
    print(f"{t(key, 'fr', **values)} / {t(key, 'en', **values)}", file=sys.stderr)
