"""``langerthuis report RESULTS_DIR --out report.html``: one self-contained HTML handout of a
``langerthuis compare`` folder, for participants after a workshop.

Sections: the question; the scenarios and their investments (manifest.json); key outcomes with their
intervals and the differences from the first scenario (comparison.csv); costs by payer; the figures
(PNG files of the folder, embedded as base64); what the model does not include; the manifest.
Nothing is fetched from elsewhere: the file opens offline and can be mailed as it is.
"""
from __future__ import annotations

# the rooms: ``folder`` reads and checks a compare folder, ``sections`` builds the page's sections and
# ``summary`` its one page for the council (with the one money table), ``markup`` holds the HTML pieces, the
# page's Jinja2 template and the CSS, ``command`` writes the file (``langerthuis report``), ``handout`` the
# handout of the app's button (HTML and PDF); every text is in sim.workshop.labels
from sim.workshop.report.command import main, register, write_report
from sim.workshop.report.folder import read_results
from sim.workshop.report.handout import write_handout
from sim.workshop.report.sections import build_html

__all__ = ["build_html", "main", "read_results", "register", "write_handout", "write_report"]
