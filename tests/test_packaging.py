"""pyproject.toml, environment.yml and requirements.lock must agree on every pinned package."""

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml  # PyYAML: a dependency of papermill, pinned in requirements.lock

ROOT = Path(__file__).resolve().parents[1]

# Conda packages that set up the environment itself rather than stand for a pyproject pin.
CONDA_ONLY = {"python", "pip"}
# What an extra brings on PyPI that conda-forge's package holds already: its psycopg is built
# against conda's own libpq.
CONDA_BUILT_IN = {"psycopg-binary"}


def normalise(name: str) -> str:
    """A package name as PEP 503 compares it: lower case, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pin(requirement: str, separator: str) -> tuple[str, str]:
    """Split 'name<separator>version' (or 'name[extras]<separator>version') into (normalised
    name, version); fail on anything looser."""
    match = re.fullmatch(
        rf"\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[A-Za-z0-9,._-]+\])?\s*{separator}\s*(\S+)\s*",
        requirement,
    )
    assert match, f"not an exact pin: {requirement!r}"
    return normalise(match[1]), match[2]


def pyproject_pins() -> dict[str, str]:
    """Name -> version for [project] dependencies and the dev extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(parse_pin(requirement, "==") for requirement in requirements)


def conda_pins() -> dict[str, str]:
    """Name -> version for environment.yml's conda packages, leaving out python and pip."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):  # the pip: section, which installs only the project itself
            continue
        name = normalise(re.split(r"[=<>! ]", entry, maxsplit=1)[0])
        if name not in CONDA_ONLY:
            pins.update([parse_pin(entry, "==?")])
    return pins


def lock_pins() -> dict[str, str]:
    """Name -> version for every line 'name==version' of requirements.lock."""
    lines = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return dict(parse_pin(line, "==") for line in lines if line and line[0] not in "# -")


def test_pyproject_pins_every_dependency_exactly():
    assert len(pyproject_pins()) >= 10


def extras_pins() -> dict[str, str]:
    """Name -> the lock's version for what the extras of pinned packages bring
    (``pyspark[connect]``) beyond the pyproject's own pins: conda-forge's packages have no
    extras, so environment.yml lists them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    brought = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)\[([A-Za-z0-9,._-]+)\]==.*", requirement)
        if match is None:
            continue
        for extra in match[2].split(","):
            for needed in importlib.metadata.requires(match[1]) or []:
                if f'extra == "{extra}"' in needed:
                    name = normalise(re.split(r"[=<>!;\[ ]", needed, maxsplit=1)[0])
                    brought[name] = lock_pins()[name]
    return {
        name: version
        for name, version in brought.items()
        if name not in pyproject_pins() and name not in CONDA_BUILT_IN
    }


def test_environment_yml_lists_the_pyproject_packages_at_the_same_versions():
    assert conda_pins() == {**pyproject_pins(), **extras_pins()}


def test_the_spark_extra_pins_pyspark_as_the_dev_extra_does():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    spark = project["optional-dependencies"]["spark"]
    assert spark == ["pyspark[connect]==4.3.0"]
    assert set(spark) <= set(project["optional-dependencies"]["dev"])
    # The connect extra brings the gRPC client and its kin, which conda-forge lists apart.
    assert set(extras_pins()) == {
        "grpcio",
        "grpcio-status",
        "googleapis-common-protos",
        "zstandard",
    }


def test_environment_yml_installs_the_project_itself_with_pip():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert environment["name"] == "customer-review"
    assert environment["channels"] == ["conda-forge"]
    assert "python=3.11" in environment["dependencies"]
    pip_sections = [
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    ]
    assert pip_sections == [["-e ."]]


@pytest.mark.parametrize("name", sorted(pyproject_pins()))
def test_lock_pins_each_pyproject_package_at_the_same_version(name):
    assert lock_pins().get(name) == pyproject_pins()[name]


def test_lock_says_how_to_regenerate_it():
    header = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[:2]
    assert "uv pip compile pyproject.toml --extra dev --python-version 3.11" in header[1]


def test_the_helpers_spare_a_process_the_grammar_jsonschema_would_compile():
    # rfc3987_syntax is installed (JupyterLab brings it) and costs seconds to import; a
    # process that imports the helpers before nbformat never imports it, and still validates
    # notebooks.
    script = (
        "import sys, helpers.app.dossiers, nbformat\n"
        "nbformat.validate(nbformat.v4.new_notebook())\n"
        "print(sys.modules.get('rfc3987_syntax'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"
    assert importlib.metadata.version("rfc3987-syntax")  # installed, not imported
