"""No cold wait (issue 29): a command that will compile the kernel says so first, and ``langerthuis warmup``
compiles it in advance."""
import subprocess
import sys

from sim.analysis import runner
from sim.model.engines import kernel


def test_a_run_that_must_compile_says_so_in_one_line_and_a_compiled_one_says_nothing(monkeypatch, capsys):
    monkeypatch.setattr(kernel, "is_compiled", lambda: False)
    runner.announce_compiling()
    assert capsys.readouterr().err.count("compiling the simulation kernel") == 1
    monkeypatch.setattr(kernel, "is_compiled", lambda: True)
    runner.announce_compiling()
    assert capsys.readouterr().err == ""


def test_warmup_leaves_the_kernel_compiled_in_numbas_cache():
    done = subprocess.run([sys.executable, "-m", "sim", "warmup"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("kernel ready in ")
    assert kernel.is_compiled()
