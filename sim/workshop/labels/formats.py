"""Numbers for the room: English 1,234.5 and 24%, Dutch 1.234,5 and 24 %; shares as percentages, euros in
millions."""
from __future__ import annotations

import numpy as np

from sim.workshop.labels.languages import pick


def fmt_number(x, lang: str = "en", digits: int | None = None) -> str:
    """A number for the room: 1,234.5 in English, 1.234,5 in Dutch; ``digits`` decimals, or about three
    significant figures; never scientific notation; '–' for none."""
    if x is None or not np.isfinite(x):
        return "–"
    if digits is None:
        a = abs(x)
        digits = (0 if a >= 100 or a == 0 else 1 if a >= 10 else 2 if a >= 0.995
                  else min(8, max(2, 1 - int(np.floor(np.log10(a))))))
    s = f"{x:,.{digits}f}"
    if float(s.replace(",", "")) == 0:
        s = s.lstrip("-")                 # no "-0.0" for a difference that rounds to nothing
    pick(("", ""), lang)
    return s.translate(str.maketrans(",.", ".,")) if lang == "nl" else s


def fmt_percent(share, lang: str = "en", digits: int = 0, signed: bool = False) -> str:
    """A share 0..1 as a percentage: '24%' in English, '24 %' in Dutch (Dutch writes a space)."""
    if share is None or not np.isfinite(share):
        return "–"
    value = fmt_number(100 * share, lang, digits)
    if signed and round(100 * share, digits) > 0:
        value = "+" + value
    return f"{value} %" if lang == "nl" else f"{value}%"


def is_share(name: str) -> bool:
    """Whether an indicator is a share 0..1: 'share' is one of its words (``unmet_need_share``,
    ``share_75plus_independent``, ``wmo_household_help_share_85plus``), or it is a prevalence or a share
    of decedents."""
    return "share" in name.split("_") or name.startswith(("limitation_prevalence_", "decedents_"))


def fmt_value(name: str, x, lang: str = "en", signed: bool = False) -> str:
    """An indicator value: shares (``is_share``) as percentages, other values as numbers."""
    if is_share(name):
        return fmt_percent(x, lang, 1 if x is not None and np.isfinite(x) and abs(x) < 0.1 else 0, signed)
    s = fmt_number(x, lang)
    return "+" + s if signed and x > 0 and s.strip("0.,") else s


def fmt_eur_million(x, lang: str = "en") -> str:
    """Euros as '€ 1.2 million' / '€ 1,2 mln'."""
    if x is None or not np.isfinite(x):
        return "–"
    m = x / 1e6
    s = fmt_number(abs(m), lang, 2 if abs(m) < 10 else 1)
    sign = "-" if m < 0 and s.strip("0.,") else ""
    return f"{sign}€ {s} mln" if lang == "nl" else f"{sign}€{s} million"

