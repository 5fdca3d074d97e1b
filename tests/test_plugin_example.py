"""examples/plugin builds, installs next to gxlib, and its profile is listed, detected and used."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "examples" / "plugin"
REPORT = ROOT / "examples" / "reports" / "liaocheng-2022.txt"
SIGNAL = "示例省政务公开办公室"

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    tmp = tmp_path_factory.mktemp("plugin")
    wheels = tmp / "wheels"
    for project in (ROOT, PLUGIN):
        _run(
            sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", wheels, project
        )
    env = tmp / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    py = env / "bin" / "python"
    pip = (py, "-m", "pip", "install", "-q", "--disable-pip-version-check")
    _run(*pip, next(wheels.glob("gxlib-*.whl")))
    _run(*pip, "--no-deps", next(wheels.glob("gxlib_example_province-*.whl")))
    return env


def test_profile_is_listed(plugin_venv: Path, tmp_path: Path) -> None:
    out = _run(plugin_venv / "bin" / "gxlib", "profiles", "list", cwd=tmp_path)
    rows = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()}
    assert rows["example-province-2021"][2].startswith("plugin")
    assert {"gov-2019", "gov-2021"} <= set(rows)


def test_profile_is_detected_and_used(plugin_venv: Path, tmp_path: Path) -> None:
    text = REPORT.read_text(encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text(text, encoding="utf-8")
    # the province signal, and a wording only the example profile lists as a variant
    local = tmp_path / "province.txt"
    local.write_text(
        f"{SIGNAL}\n"
        + text.replace("本年新收政府信息公开申请数量", "本年度新收政府信息公开申请数量"),
        encoding="utf-8",
    )
    out = _run(plugin_venv / "bin" / "gxlib", "detect", plain, local, cwd=tmp_path)
    detected = {Path(line.split("\t")[0]).name: line.split("\t")[1] for line in out.splitlines()}
    assert detected == {"plain.txt": "gov-2021", "province.txt": "example-province-2021"}
    code = (
        "import sys, gxlib; r = gxlib.parse(sys.argv[1]); "
        "print(r.profile, r.value('requests', 'new', 'total'), "
        "sorted({d.code for d in r.diagnostics}))"
    )
    out = _run(plugin_venv / "bin" / "python", "-c", code, local, cwd=tmp_path)
    assert out.strip() == "example-province-2021 4 []"
