"""Every figure of the workshop, in one place: ``maps`` (the one map renderer), ``room`` (the app's figures
for a projector, as PNG bytes), ``comparison`` (the figures of `langerthuis compare`, which the report draws
again in its own language) and ``run`` (the standard figures of `langerthuis run`). Texts come from
``sim.workshop.labels``."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")     # figures are written to files and PNG bytes, never to a window


def pyplot():
    """matplotlib's pyplot on the Agg backend (no window: figures are written to files)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, path, title):
    """Title, layout, the PNG at ``path`` (the version in its metadata) and the figure closed."""
    import sim
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": f"langerthuis {sim.__version__}"})
    pyplot().close(fig)
