"""What every figure of the app shares: sized for a projector (large text, as wide as the app's main column),
tick labels in the room's language, PNG bytes with the version (matplotlib's object API, no pyplot: the app
draws figures in several threads)."""
from __future__ import annotations

import io
import threading

from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

import sim

FONT = 18           # points at 100 dpi: 25 px in the PNG; the smallest (FONT - 4) stays >= 16 px on a 1280 x 720 screen
FIG_WIDTH = 9.6     # inches at 100 dpi: 960 px, about the main column at 1280 px (tests/test_app.py)
_FIGURE_LOCK = threading.Lock()   # Agg and font caches are not guaranteed thread-safe


def projector_figure(height: float, width: float = FIG_WIDTH) -> Figure:
    """An empty figure as wide as the app's main column."""
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def style(ax):
    """Text large enough for a projector."""
    ax.tick_params(labelsize=FONT - 3)
    ax.xaxis.label.set_size(FONT - 2)
    ax.yaxis.label.set_size(FONT - 2)
    ax.title.set_size(FONT)


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG, with the version in its metadata."""
    buf = io.BytesIO()
    with _FIGURE_LOCK:
        fig.savefig(buf, format="png", dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
    return buf.getvalue()


class _Ticks(ScalarFormatter):
    """Matplotlib's own tick labels, with a decimal comma and a thousands point in Dutch."""
    def __init__(self, lang):
        super().__init__(useOffset=False)
        self.lang = lang

    def __call__(self, x, pos=None):
        s = super().__call__(x, pos).replace("\N{MINUS SIGN}", "-")
        return s.translate(str.maketrans(",.", ".,")) if self.lang == "nl" else s


def decimal_ticks(lang):
    """Tick labels in the room's language (a decimal comma in Dutch)."""
    return _Ticks(lang)
