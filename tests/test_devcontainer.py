"""The two dev container configurations (.devcontainer/cpu, .devcontainer/cuda), without Docker.

Both are read as JSONC (comments and trailing commas, as the Dev Container spec
allows), checked for the keys the workshop relies on, and validated against the
Dev Container schema when ``../shared/schemas/validate_devcontainer.py`` sits
beside the repository.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {name: ROOT / ".devcontainer" / name / "devcontainer.json" for name in ("cpu", "cuda")}
VALIDATOR = ROOT.parent / "shared" / "schemas" / "validate_devcontainer.py"
INSTALL = ROOT / "scripts" / "install.sh"
LIFECYCLE = ("onCreateCommand", "updateContentCommand", "postCreateCommand", "postAttachCommand")
IMAGE = re.compile(
    r"^mcr\.microsoft\.com/devcontainers/python:(?P<major>\d+)-3\.(?P<minor>\d+)(-\w+)?$"
)


# -- JSONC ---------------------------------------------------------------------------


def strip_jsonc(text: str) -> str:
    """``text`` without // and /* */ comments and trailing commas (outside strings)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise ValueError("unterminated /* comment")
            i = end + 2
        elif c == ",":
            if _next_significant(text, i + 1) not in ("}", "]"):
                out.append(c)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _next_significant(text: str, i: int) -> str:
    """The first character at or after ``i`` that is neither blank nor in a comment."""
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end == -1 else end + 2
        else:
            return text[i]
    return ""


def load_jsonc(path: Path) -> dict:
    return json.loads(strip_jsonc(path.read_text(encoding="utf-8")))


def test_jsonc_reader_keeps_strings_and_drops_comments_and_trailing_commas():
    text = """// a comment
    {
      "url": "https://example.org/a//b", /* block
      comment */ "list": [1, 2, // two
      ],
      "quote": "say \\"hi\\" // not a comment",
    }"""
    assert json.loads(strip_jsonc(text)) == {
        "url": "https://example.org/a//b",
        "list": [1, 2],
        "quote": 'say "hi" // not a comment',
    }


# -- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def configs() -> dict[str, dict]:
    return {name: load_jsonc(path) for name, path in CONFIGS.items()}


@pytest.fixture(params=sorted(CONFIGS))
def config(request, configs) -> tuple[str, dict]:
    return request.param, configs[request.param]


def install_calls(cfg: dict) -> dict[str, list[str]]:
    """The arguments each lifecycle command passes to scripts/install.sh."""
    calls = {}
    for key in LIFECYCLE:
        command = cfg.get(key)
        assert isinstance(command, str), f"{key} should be one shell command line"
        words = shlex.split(command.split(";")[0])
        if "scripts/install.sh" in words:
            calls[key] = words[words.index("scripts/install.sh") + 1 :]
    return calls


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


# -- layout --------------------------------------------------------------------------


def test_exactly_two_configurations_and_no_root_level_one():
    found = sorted(p.parent.name for p in (ROOT / ".devcontainer").glob("*/devcontainer.json"))
    assert found == ["cpu", "cuda"]
    assert not (ROOT / ".devcontainer" / "devcontainer.json").exists()
    assert not (ROOT / ".devcontainer.json").exists()


def test_names_are_clear_and_distinct(configs):
    names = {key: cfg.get("name", "") for key, cfg in configs.items()}
    assert "CPU" in names["cpu"] and "CUDA" in names["cuda"]
    assert len(set(names.values())) == 2


# -- image and user ------------------------------------------------------------------


def test_image_is_the_python_dev_container_image_on_a_pinned_major_version(config):
    _, cfg = config
    assert "build" not in cfg and "dockerFile" not in cfg, "both use the image as it is"
    match = IMAGE.match(cfg.get("image", ""))
    assert match, f"image {cfg.get('image')!r}: expected devcontainers/python:<major>-3.<minor>"
    assert int(match["minor"]) >= 10  # pyproject.toml: requires-python >= 3.10


def test_both_configurations_share_one_image(configs):
    assert configs["cpu"]["image"] == configs["cuda"]["image"]


def test_runs_as_the_images_non_root_user(config):
    _, cfg = config
    assert cfg.get("remoteUser") == "vscode"
    assert cfg.get("containerUser", "vscode") != "root"


# -- lifecycle -----------------------------------------------------------------------


def test_lifecycle_runs_the_shared_install_script_in_its_phases(config):
    name, cfg = config
    calls = install_calls(cfg)
    assert option(calls["onCreateCommand"], "--phase") == "torch"
    assert option(calls["updateContentCommand"], "--phase") == "project"
    assert option(calls["postCreateCommand"], "--phase") == "verify"
    build = "--cpu" if name == "cpu" else "--cuda"
    assert build in calls["onCreateCommand"]
    assert cfg.get("waitFor", "updateContentCommand") == "updateContentCommand"


def test_install_options_used_are_documented_by_the_script(config):
    _, cfg = config
    help_text = subprocess.run(
        ["bash", str(INSTALL), "--help"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    for args in install_calls(cfg).values():
        for word in args:
            if word.startswith("--"):
                assert word in help_text, f"{word} is not an option of scripts/install.sh"


def test_one_virtualenv_for_install_editor_and_terminals(config):
    _, cfg = config
    venvs = {option(args, "--venv") for args in install_calls(cfg).values()}
    assert len(venvs) == 1 and None not in venvs, "every install step uses the same --venv"
    venv = venvs.pop()
    assert not venv.startswith("${containerWorkspaceFolder}"), "keep torch out of the workspace"
    settings = cfg["customizations"]["vscode"]["settings"]
    assert settings["python.defaultInterpreterPath"] == f"{venv}/bin/python"
    assert cfg["remoteEnv"]["PATH"].startswith(f"{venv}/bin:")
    assert cfg["remoteEnv"]["PATH"].endswith("${containerEnv:PATH}")


def test_welcome_is_short_and_shows_progress_and_the_watcher(config):
    _, cfg = config
    welcome = cfg["postAttachCommand"]
    assert "kata status" in welcome
    assert "ptw" in welcome and "ptw --poll" in welcome
    assert "install" not in welcome and "pip" not in welcome, "no installs after attach"


# -- editor --------------------------------------------------------------------------


def test_vscode_python_and_pytest_settings_show_the_katas(config):
    _, cfg = config
    vscode = cfg["customizations"]["vscode"]
    assert {"ms-python.python", "ms-python.vscode-pylance"} <= set(vscode["extensions"])
    settings = vscode["settings"]
    assert settings["python.testing.pytestEnabled"] is True
    assert settings["python.testing.unittestEnabled"] is False
    assert "katas" in settings["python.testing.pytestArgs"]


# -- machines and GPUs ---------------------------------------------------------------


def _gb(size: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(tb|gb|mb)", size.strip().lower())
    assert match, f"size {size!r}: expected e.g. '8gb'"
    return float(match[1]) * {"tb": 1024, "gb": 1, "mb": 1 / 1024}[match[2]]


def _gpu_run_args(cfg: dict) -> list[str]:
    """The runArgs that ask Docker for GPUs (``--gpus all`` or ``--gpus=all``)."""
    args = cfg.get("runArgs", [])
    pairs = zip(args, [None, *args][: len(args)], strict=True)
    return [a for a, before in pairs if a.startswith("--gpus") or before == "--gpus"]


def test_cpu_fits_the_smallest_codespaces_machine_and_asks_for_no_gpu(configs):
    cfg = configs["cpu"]
    host = cfg["hostRequirements"]
    assert host["cpus"] == 2
    assert 4 <= _gb(host["memory"]) <= 8
    assert _gb(host["storage"]) <= 32
    assert "gpu" not in host
    assert not _gpu_run_args(cfg)


def test_cuda_passes_the_gpu_through_one_way_only(configs):
    cfg = configs["cuda"]
    via_run_args = bool(_gpu_run_args(cfg))
    via_host = "gpu" in cfg.get("hostRequirements", {})
    assert via_run_args != via_host, "set exactly one of runArgs --gpus and hostRequirements.gpu"
    if via_run_args:
        args = cfg["runArgs"]
        assert "--gpus=all" in args or args[args.index("--gpus") + 1] == "all"


def test_cuda_explains_its_gpu_choice_and_driver():
    text = CONFIGS["cuda"].read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.strip().startswith("//"))
    assert "hostRequirements.gpu" in comments and "--gpus all" in comments
    assert "driver" in comments


# -- schema --------------------------------------------------------------------------


def test_configurations_validate_against_the_dev_container_schema():
    if not VALIDATOR.is_file():
        pytest.skip(f"Dev Container schema validator not found at {VALIDATOR}")
    # The validator needs jsonschema >= 4.18, which brings `referencing`.
    pytest.importorskip("jsonschema", reason="the schema validator needs jsonschema >= 4.18")
    pytest.importorskip("referencing", reason="the schema validator needs jsonschema >= 4.18")
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), *map(str, CONFIGS.values())],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
