"""README's Python example runs as written (with fewer replicates and a temporary output folder)."""
import re
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("## Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    code = code.replace("replicates=5", "replicates=1").replace('"results/cmp"', repr(str(tmp_path / "cmp")))
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation
    assert isinstance(namespace["table"], pd.DataFrame) and set(namespace["table"].year) == set(range(2010, 2041))
    assert len(namespace["cells"]) == 100
    assert (tmp_path / "cmp" / "comparison.csv").is_file()
