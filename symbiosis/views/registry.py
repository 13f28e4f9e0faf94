"""What the registry screen shows: counts, filters and a readable stream table."""

from __future__ import annotations

import pandas as pd

from symbiosis.i18n import t
from symbiosis.labels import unit_label
from symbiosis.registry import Registry

__all__ = ["MONTHS", "filter_streams", "months_label", "place_table", "registry_summary", "stream_table"]

MONTHS: dict[str, tuple[str, ...]] = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def registry_summary(registry: Registry) -> dict[str, int]:
    """Return the headline counts of a registry."""
    streams = registry.streams
    return {
        "firms": len(registry.firms),
        "supplies": int((streams["direction"] == "supply").sum()),
        "demands": int((streams["direction"] == "demand").sum()),
        "municipalities": int(registry.firms["municipality"].nunique()),
    }


def months_label(mask: int, lang: str = "fr") -> str:
    """Return the months of a 12-bit mask as text ("juin, juil., août"; "toute l'année")."""
    mask = int(mask)
    if mask & 0xFFF == 0xFFF:
        return t("months.all_year", lang)
    names = MONTHS.get(lang, MONTHS["fr"])
    return ", ".join(name for m, name in enumerate(names) if mask >> m & 1)


def filter_streams(
    registry: Registry,
    *,
    municipality: str | None = None,
    direction: str | None = None,
    kind: str | None = None,
    text: str = "",
) -> pd.DataFrame:
    """Return the streams (joined with firm name and municipality) that pass every given filter."""
    frame = registry.streams.merge(
        registry.firms[["firm_id", "name", "municipality"]], on="firm_id", how="left"
    )
    keep = pd.Series(True, index=frame.index)
    if municipality:
        keep &= frame["municipality"] == municipality
    if direction:
        keep &= frame["direction"] == direction
    if kind:
        keep &= frame["kind"] == kind
    if text.strip():
        needle = text.strip().casefold()
        haystack = (frame["name"].fillna("") + " " + frame["description"].fillna("")).str.casefold()
        keep &= haystack.str.contains(needle, regex=False)
    return frame[keep].reset_index(drop=True)


def stream_table(
    streams: pd.DataFrame, lang: str = "fr", *, categories: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the columns a person reads, with headers and values in ``lang``.

    Parameters
    ----------
    streams
        Streams joined with the firm name and municipality (:func:`filter_streams`).
    lang
        ``"fr"`` or ``"en"``.
    categories
        The knowledge base's categories, to show category labels instead of ids.
    """
    category = streams["category_id"]
    if categories is not None:
        labels = categories.set_index("category_id")["label_en" if lang == "en" else "label_fr"]
        category = category.map(labels).fillna(category)
    columns = {
        "col.firm": streams["name"],
        "col.municipality": streams["municipality"],
        "col.direction": streams["direction"].map(lambda d: t(f"direction.{d}", lang)),
        "col.kind": streams["kind"].map(lambda k: t(f"kind.{k}", lang)),
        "col.category": category,
        "col.description": streams["description"],
        "col.quantity_per_yr": streams["quantity_per_yr"].round(1),
        "col.unit": streams["quantity_unit"].map(lambda u: unit_label(u, lang)),
        "col.months": streams["months_mask"].map(lambda m: months_label(m, lang)),
    }
    return pd.DataFrame({t(key, lang): values for key, values in columns.items()})


def place_table(places: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The firms whose place waits for confirmation, as the advisor reads them."""
    return pd.DataFrame(
        {
            t("places.col.firm", lang): places["name"].astype(str).to_numpy(),
            t("places.col.place", lang): places["place"].astype(str).to_numpy(),
            t("places.col.municipality", lang): places["municipality"].astype(str).to_numpy(),
        }
    )
