"""The package's layers (docs/ARCHITECTURE.md): imports go workshop -> analysis -> model, never back, and
no package has an import cycle. The contracts live in pyproject.toml; import-linter checks them."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1]))"
    return subprocess.run([sys.executable, "-c", code, str(config)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_import_contracts_are_kept():
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_layer_contract_sees_real_imports(tmp_path):
    """The same contract with the layers upside down must break: the checker reads the code."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.importlinter]")
    upside_down = text[start:].replace('"sim.workshop",\n    "sim.analysis",', '"sim.analysis",\n    "sim.workshop",')
    assert upside_down != text[start:]
    config = tmp_path / "upside_down.toml"
    config.write_text(upside_down, encoding="utf-8")
    result = lint_imports(config)
    assert result.returncode != 0
    assert "sim.workshop is not allowed to import sim.analysis" in result.stdout
