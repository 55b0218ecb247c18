"""Numbers for the room, formatted by Babel (CLDR): English 1,234.5 and 24%, Dutch 1.234,5 and 24 %; shares
as percentages, differences of shares in percentage points ('%-punt'), euros as € 1,2 mln / € 850.000, an
interval named for what it is (a 90 % interval, or the spread of a handful of runs), counted nouns in the
singular or plural; and the axis formatters of the figures, so that axes read as the tables do."""
from __future__ import annotations

import numpy as np
from babel.numbers import format_decimal

from sim.analysis.compare import MIN_REPLICATES_90 as MIN_RUNS_90   # from this many runs: a 90 % interval
from sim.workshop.labels.languages import pick

LOCALE = {"en": "en_GB", "nl": "nl_NL"}   # Babel's locales of the room's languages

# counted nouns (en singular, en plural), (nl singular, nl plural): ``count(3, "replicate", "nl")``
NOUNS = {
    "replicate": (("replicate", "replicates"), ("herhaling", "herhalingen")),
    "run": (("run", "runs"), ("run", "runs")),
    "neighbourhood": (("neighbourhood", "neighbourhoods"), ("buurt", "buurten")),
    "cell": (("cell", "cells"), ("cel", "cellen")),
    "dwelling": (("dwelling", "dwellings"), ("woning", "woningen")),
    "year": (("year", "years"), ("jaar", "jaar")),
    "scenario": (("scenario", "scenarios"), ("scenario", "scenario's")),
    "place": (("place", "places"), ("plaats", "plaatsen")),
    "unit": (("unit", "units"), ("eenheid", "eenheden")),
}


def fmt_number(x, lang: str = "en", digits: int | None = None) -> str:
    """A number for the room: 1,234.5 in English, 1.234,5 in Dutch; ``digits`` decimals, or about three
    significant figures; never scientific notation; never '-0'; '–' for none."""
    pick(("", ""), lang)                  # refuse an unknown language
    if x is None or not np.isfinite(x):
        return "–"
    if digits is None:
        a = abs(x)
        digits = (0 if a >= 100 or a == 0 else 1 if a >= 10 else 2 if a >= 0.995
                  else min(8, max(2, 1 - int(np.floor(np.log10(a))))))
    s = format_decimal(float(x), format="#,##0" + ("." + "0" * digits if digits else ""), locale=LOCALE[lang])
    if not s.strip("-0.,"):
        s = s.lstrip("-")                 # no "-0,0" for a difference that rounds to nothing
    return s


def _signed(s: str, x, signed: bool) -> str:
    return "+" + s if signed and x is not None and np.isfinite(x) and x > 0 and s.strip("0.,% –") else s


def fmt_percent(share, lang: str = "en", digits: int = 0, signed: bool = False) -> str:
    """A share 0..1 as a percentage: '24%' in English, '24 %' in Dutch (Dutch writes a space)."""
    if share is None or not np.isfinite(share):
        return "–"
    value = _signed(fmt_number(100 * share, lang, digits), share, signed)
    return f"{value} %" if lang == "nl" else f"{value}%"


def fmt_points(diff, lang: str = "en", signed: bool = True) -> str:
    """A difference of two shares in percentage points: '+3,1 %-punt' / '+3.1 pp'; about two significant
    figures (at least one decimal), so a small difference reads '-0,0053 %-punt', not '-5.3e-05'."""
    if diff is None or not np.isfinite(diff):
        return "–"
    p = 100 * diff
    a = abs(p)
    digits = 1 if a >= 1 or a == 0 else min(6, max(1, 1 - int(np.floor(np.log10(a)))))
    value = _signed(fmt_number(p, lang, digits), p, signed)
    return f"{value} %-punt" if lang == "nl" else f"{value} pp"


def is_share(name: str) -> bool:
    """Whether an indicator is a share 0..1: 'share' is one of its words (``unmet_need_share``,
    ``share_75plus_independent``, ``wmo_household_help_share_85plus``), or it is a prevalence or a share
    of decedents."""
    return "share" in name.split("_") or name.startswith(("limitation_prevalence_", "decedents_"))


def is_money(name: str) -> bool:
    """Whether an outcome is an amount of euros for the whole municipality (not per inhabitant)."""
    return name.endswith("_eur") or name in ("cost_per_month_at_home_gained", "cost_per_month_gained")


def fmt_value(name: str, x, lang: str = "en", signed: bool = False, difference: bool = False) -> str:
    """An indicator value: shares (``is_share``) as percentages, or, for a ``difference`` of shares, in
    percentage points; amounts of euros (``is_money``) as money; other values as numbers."""
    if is_share(name):
        if difference:
            return fmt_points(x, lang, signed)
        return fmt_percent(x, lang, 1 if x is not None and np.isfinite(x) and abs(x) < 0.1 else 0, signed)
    if is_money(name):
        return fmt_eur(x, lang, signed)
    return _signed(fmt_number(x, lang), x, signed)


def fmt_eur_million(x, lang: str = "en") -> str:
    """Euros as '€ 1.2 million' / '€ 1,2 mln'."""
    if x is None or not np.isfinite(x):
        return "–"
    m = x / 1e6
    s = fmt_number(abs(m), lang, 2 if abs(m) < 10 else 1)
    sign = "-" if m < 0 and s.strip("0.,") else ""
    return f"{sign}€ {s} mln" if lang == "nl" else f"{sign}€{s} million"


def fmt_eur(x, lang: str = "en", signed: bool = False) -> str:
    """An amount of euros as the room reads it: '€ 1,2 mln' from a million, else '€ 850.000' (three
    significant figures, whole euros), '€ 12,50' below ten euros; '-€ 596.000' when negative."""
    if x is None or not np.isfinite(x):
        return "–"
    if abs(x) >= 1e6 - 0.5e3:
        s = fmt_eur_million(x, lang)
    else:
        a = abs(float(x))
        rounded = float(f"{a:.3g}") if a >= 1000 else a
        body = fmt_number(rounded, lang, 0 if a >= 10 or a == 0 else 2)
        sign = "-" if x < 0 and body.strip("0.,") else ""
        s = f"{sign}€ {body}" if lang == "nl" else f"{sign}€{body}"
    return "+" + s if signed and x > 0 and s.strip("-€ 0.,") else s


def interval_name(n: int, lang: str = "en") -> str:
    """What p5-p95 over ``n`` runs is: a 90 % interval from MIN_RUNS_90 runs on, else the spread of the runs
    (the 5th and 95th percentiles of 3 runs are nearly their minimum and maximum)."""
    if n >= MIN_RUNS_90:
        return pick(("90 % interval", "90 %-interval"), lang)
    return pick(("range over {runs}", "spreiding over {runs}"), lang).format(runs=count(n, "run", lang))


def count(n, noun: str, lang: str = "en") -> str:
    """'1 herhaling', '3 herhalingen': a number and its noun in the singular or the plural (``NOUNS``)."""
    one, many = pick(NOUNS[noun], lang)
    return f"{fmt_number(n, lang, 0)} {one if n == 1 else many}"


# ---- the figures' axes: the same formats as the tables

def money_scale(values, lang: str = "en") -> tuple[float, str]:
    """(divisor, unit) for an axis of euros: '€ mln' from a million, else '€ duizend' / '€ thousand'."""
    finite = [abs(float(v)) for v in np.ravel(values) if v is not None and np.isfinite(v)]
    top = max(finite, default=0.0)
    if top >= 1e6:
        return 1e6, pick(("€ million", "€ mln"), lang)
    return 1e3, pick(("€ thousand", "€ duizend"), lang)


def axis_formatter(kind: str, lang: str = "en", scale: float = 1.0):
    """A matplotlib tick formatter: ``share`` (93 %), ``points`` (+3 in percentage points, the unit in the axis
    label), ``money`` (values divided by ``scale``, the unit in the axis label) or ``number`` (1.234,5); as
    many decimals as the tick spacing needs, the same for every tick of an axis."""
    from matplotlib.ticker import Formatter

    factor = {"share": 100.0, "points": 100.0, "money": 1.0 / scale}.get(kind, 1.0)

    class Ticks(Formatter):
        ticks: list = []

        def set_locs(self, locs):      # the axis's tick positions, before it asks for the labels
            self.ticks = list(locs)

        def __call__(self, x, pos=None):
            locs = [v * factor for v in self.ticks] if len(self.ticks) > 1 else []
            step = min((abs(b - a) for a, b in zip(locs, locs[1:]) if b != a), default=1.0)
            digits = max(0, min(6, -int(np.floor(np.log10(step) + 1e-9)))) if step > 0 else 0
            value = fmt_number(x * factor, lang, digits)
            return (f"{value} %" if lang == "nl" else f"{value}%") if kind == "share" else value
    return Ticks()


def parse_number(s: str, lang: str = "en") -> float:
    """A number as the room reads it back: '-1.234,5' / '+3,1 %-punt' / '€ 2,35 mln' (for tests and
    checks of a handout against its tables)."""
    s = s.strip().replace("\u2212", "-")
    factor = 1e6 if ("mln" in s or "million" in s) else 1.0
    factor *= 0.01 if ("%" in s or s.endswith(" pp")) else 1.0
    for unit in ("%-punt", "%", "mln", "million", "pp", "€", "+", " "):
        s = s.replace(unit, "")
    s = s.replace(".", "").replace(",", ".") if lang == "nl" else s.replace(",", "")
    return float(s) * factor
