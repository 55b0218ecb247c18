"""`langerthuis report`: a compare folder becomes one self-contained HTML file, checked in Chromium."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SMALL_WSG, langerthuis_in_process
from sim.analysis.compare import Comparison
from sim.workshop import comparison


def langerthuis(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """A compare output folder of small.yaml and a variant with investments, 2 replicates."""
    tmp = tmp_path_factory.mktemp("report")
    variant = tmp / "small_wsg.yaml"
    variant.write_text(SMALL_WSG.format(small=ROOT / "scenarios" / "small.yaml"), encoding="utf-8")
    out = tmp / "compare"
    c = Comparison([str(ROOT / "scenarios" / "small.yaml"), str(variant)], replicates=2, progress=False).run()
    return comparison.save(c, out)


def test_report_is_one_self_contained_file(results, browser, tmp_path):
    out = tmp_path / "handout" / "report.html"
    done = langerthuis("report", results, "--out", out, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert out.is_file() and [p.name for p in out.parent.iterdir()] == ["report.html"]  # no temp file left
    html = out.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html   # opens offline: nothing fetched

    page = browser.new_page()
    page.goto(out.as_uri(), timeout=30_000)
    images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
    expected = json.loads((results / "manifest.json").read_text())["figures"]
    assert len(images) == len(list(results.glob("*.png"))) >= len(expected) >= 1
    assert all(complete and width > 0 for _, complete, width in images), images
    for section in ("question", "scenarios", "outcomes", "costs", "figures", "caveats", "manifest"):
        assert page.locator(f"section#{section} h2").count() == 1, section
    body = page.inner_text("body")
    from sim.workshop.labels import map_label
    assert "small_wsg" in body and map_label("care_team_hours", "en") in body   # scenarios and their investments
    assert "housing market" in body and "assumptions" in body       # honest caveats
    assert "[" in page.inner_text("section#outcomes")               # intervals
    page.close()


def test_report_in_dutch(results, tmp_path):
    from sim.workshop.report import build_html

    html = build_html(results, lang="nl")
    assert "Wat het model niet bevat" in html and "Kosten per betaler" in html
    # payers by their Dutch names from the one payer table (sim.workshop.labels.PAYERS)
    assert "<td>zorgverzekeraar (Zvw)</td>" in html and "<th>woningcorporatie</th>" in html
    assert "care_insurer" not in html.split("<section id='manifest'>")[0]


@pytest.mark.parametrize("make", ["missing", "file", "no_comparison", "bad_manifest"])
def test_bad_results_dir_is_one_line_and_writes_nothing(make, results, tmp_path, capsys):
    bad = tmp_path / "bad"
    if make == "file":
        bad.write_text("not a folder")
    elif make == "no_comparison":
        bad.mkdir()
        (bad / "manifest.json").write_text((results / "manifest.json").read_text())
    elif make == "bad_manifest":
        bad.mkdir()
        (bad / "manifest.json").write_text("{not json")
        (bad / "comparison.csv").write_text((results / "comparison.csv").read_text())
    out = tmp_path / "out" / "report.html"
    status, _, err = langerthuis_in_process(capsys, "report", bad, "--out", out)
    assert status == 2, err
    assert err.startswith("langerthuis: error: ") and len(err.strip().splitlines()) == 1
    assert not out.exists() and not out.parent.exists()


# ---- the one-page summary for a wethouder, formats and figures in the report's language (issue 15) ------

def test_report_opens_with_a_summary_per_party_in_eur_million(results):
    from sim.workshop.report import build_html
    html = build_html(results, lang="en")
    summary = html.split("<section id='summary'>")[1].split("</section>")[0]
    assert html.index("<section id='summary'>") < html.index("<section id='question'>")   # at the top
    assert "Net effect per party, EUR million a year" in summary and "million" in summary
    for party in ("care office (Wlz)", "municipality (Wmo)", "health insurer (Zvw)", "housing association"):
        assert party in summary
    assert summary.count("<li>") >= 2 + 3            # conclusions and what the model leaves out
    assert "small_wsg:" in summary and "housing market" in summary


def test_summary_reads_the_ledger_when_the_folder_has_one(results, tmp_path):
    """The ledger of issue 13 (ledger.csv: euros a year per party, positive net = better off) is shown as it is,
    averaged over the window; a hand-made table of that shape, so the presentation is tested without it."""
    import shutil
    from sim.workshop.report import build_html
    folder = tmp_path / "with_ledger"
    shutil.copytree(results, folder)
    rows = []
    for party, net in (("municipality", -250_000), ("care_office", 1_500_000), ("care_insurer", -40_000),
                       ("housing_association", -1_000_000), ("clients", 0), ("carers", 120_000)):
        for year in range(2010, 2021):
            rows.append({"scenario": "small_wsg", "party": party, "year": year, "paid_mean": max(-net, 0),
                         "saved_mean": max(net, 0), "net_mean": net, "net_p5": net - 10_000, "net_p95": net + 10_000,
                         "replicates": 2})
    pd.DataFrame(rows).to_csv(folder / "ledger.csv", index=False)
    nl = build_html(folder, lang="nl").split("<section id='summary'>")[1].split("</section>")[0]
    assert "Samenvatting voor de wethouder" in nl and "grootboek" in nl
    assert "€ 1,50 mln" in nl and "-€ 0,25 mln" in nl              # Dutch euros million
    assert "woningcorporatie" in nl and "zorgkantoor (Wlz)" in nl
    who = [c for c in nl.split("<li>") if c.startswith("small_wsg: ") and "betalen meer" in c][0]
    assert "gemeente (Wmo)" in who.split("betalen meer")[0]         # the municipality pays more


def test_report_figures_follow_the_report_language(results):
    """compare wrote English figures; a Dutch report draws them again in Dutch from the same tables."""
    import base64
    import re
    from sim.workshop.report import build_html
    def images(html):
        return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]
    en, nl = images(build_html(results, lang="en")), images(build_html(results, lang="nl"))
    on_disk = {p.read_bytes() for p in results.glob("*.png")}
    assert set(en) <= on_disk and len(nl) == len(en)
    assert not set(nl) & on_disk                                      # every figure redrawn
    html = build_html(results, lang="nl")
    assert re.search(r"\d,\d", html.split("<section id='outcomes'>")[1].split("</section>")[0])


def test_what_the_model_leaves_out_matches_the_model():
    """The caveats come in both languages, one for one, and do not name as missing what the model has (they said
    'no widowhood' after widowhood became a mechanism)."""
    from sim.model.indicators import INDICATORS
    from sim.workshop.report.summary import caveats
    en, nl = caveats("en"), caveats("nl")
    assert len(en) == len(nl) == 8 and all(en) and all(nl)
    assert "widowed_per_1000" in INDICATORS
    assert not any("no widowhood" in c for c in en) and not any("geen verweduwing" in c for c in nl)
    assert any("sim/model/parameters.yaml" in c and "{" not in c for c in en)    # the counts filled in
