# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon as integrators get it: a wheel, pip-installed, then ``odoo-bin -i``.

The wheel is built from the checkout with whool (``carpass_odoo/pyproject.toml``), installed
with pip into a fresh virtualenv and installed from there into a fresh database, with an
addons path that holds Odoo's own addons only: Odoo finds ``carpass_odoo`` through the
``odoo.addons`` namespace of the installed wheel, as it does for every ``odoo-addon-*`` wheel.

The fresh virtualenv does not download Odoo's ~100 requirements again (the test command runs
offline and on a loaded machine): a ``.pth`` file puts Odoo's source on its path and adds the
project virtualenv's site-packages as a site directory, the way a system Python shares its
packages. pip runs with ``--no-index`` and ``--no-deps`` (it would otherwise ask for
Odoo's own ``psycopg2``, which the project installs as ``psycopg2-binary``); the test then
checks that every requirement the wheel declares (odoo, requests, python-stdnum) is met.
"""

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .odoo_processes import (
    ODOO_SRC,
    REPO,
    drop_database,
    odoo_db_config_lines,
    own_database_name,
    pg_connect,
)

DIST_NAME = "odoo-addon-carpass_odoo"
# Minutes: installing fleet, repair, stock and mail into an empty database on a busy machine.
INSTALL_TIMEOUT = 900


# Run in the new virtualenv: "<requirement name>=met|unmet" per requirement of the wheel.
REQUIREMENTS_CHECK = """
import sys, importlib.metadata as metadata
from packaging.requirements import Requirement
for line in metadata.requires(sys.argv[1]):
    requirement = Requirement(line)
    try:
        version = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        version = None
    met = version is not None and requirement.specifier.contains(version, prereleases=True)
    print(f"{requirement.name}={'met' if met else 'unmet'}")
"""


def _clean_env(**extra):
    """Environment for the child processes: nothing points back at the checkout."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env.update(extra)
    return env


def _run(args, timeout=300, **kwargs):
    result = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(),
        **kwargs,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def make_layered_venv(path):
    """A new virtualenv at ``path`` that sees Odoo's source and the project's packages.

    Returns the path of its python. The project virtualenv is the one running this test.
    """
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    python = path / "bin" / "python"
    site_packages = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).strip()
    project_site_packages = sysconfig.get_paths()["purelib"]
    (Path(site_packages) / "carpass-base.pth").write_text(
        f"{ODOO_SRC}\nimport site; site.addsitedir({project_site_packages!r})\n"
    )
    return python, Path(site_packages)


def pip_install(python, *args):
    """The project's pip, installing into the virtualenv of ``python``, offline."""
    return _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-index"]
        + list(args)
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheelhouse")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", out, REPO / "carpass_odoo"]
    )
    (built,) = out.glob("odoo_addon_carpass_odoo-18.0.*-py3-none-any.whl")
    return built


@pytest.fixture
def database_name(request):
    name = own_database_name(request, "wheel")
    drop_database(name)
    yield name
    drop_database(name)


def test_wheel_installs_in_a_fresh_virtualenv_and_database(
    wheel, tmp_path, database_name
):
    python, site_packages = make_layered_venv(tmp_path / "venv")
    pip_install(python, "--no-deps", wheel)

    installed = site_packages / "odoo" / "addons" / "carpass_odoo"
    assert (installed / "__manifest__.py").is_file()
    assert not (
        site_packages / "odoo" / "__init__.py"
    ).exists(), "odoo must stay a namespace"
    # Each declared requirement, and whether the new virtualenv meets it.
    checked = _run([python, "-c", REQUIREMENTS_CHECK, DIST_NAME]).split()
    met = dict(line.split("=", 1) for line in checked)
    assert {"odoo", "requests", "python-stdnum"} <= set(met), met
    assert set(met.values()) == {"met"}, met
    assert not any("simulator" in name for name in met)

    work = tmp_path / "run"
    work.mkdir()
    config = work / "odoo.cfg"
    config.write_text(
        "\n".join(
            ["[options]", f"addons_path = {ODOO_SRC / 'addons'}"]
            + odoo_db_config_lines()
            + [f"data_dir = {work / 'filestore'}", ""]
        )
    )
    # Where Odoo finds the module, and that it is not the checkout.
    where = _run(
        [
            python,
            "-c",
            f"import odoo; odoo.tools.config.parse_config(['-c', {str(config)!r}]);"
            "from odoo.modules.module import get_module_path;"
            "print(get_module_path('carpass_odoo'))",
        ],
        cwd=work,
    ).strip()
    assert Path(where).resolve() == installed.resolve()

    logfile = work / "odoo.log"
    _run(
        [python, ODOO_SRC / "odoo-bin", "-c", config, "-d", database_name]
        + ["-i", "carpass_odoo", "--without-demo=all", "--stop-after-init"]
        + ["--log-level=warn", f"--logfile={logfile}"],
        timeout=INSTALL_TIMEOUT,
        cwd=work,
    )
    log = logfile.read_text() if logfile.exists() else ""
    assert " ERROR " not in log and " CRITICAL " not in log, log[-4000:]
    connection = pg_connect(database_name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state FROM ir_module_module WHERE name = 'carpass_odoo'"
            )
            assert cursor.fetchone() == ("installed",)
    finally:
        connection.close()


def test_simulator_is_its_own_distribution(tmp_path):
    """``carpass-simulator`` builds and runs alone (standard library only), with its script."""
    out = tmp_path / "wheelhouse"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", out, REPO / "carpass_simulator"]
    )
    (built,) = out.glob("carpass_simulator-*-py3-none-any.whl")
    # A bare virtualenv, without the project's packages: nothing else is needed.
    venv.EnvBuilder(with_pip=False, clear=True).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    pip_install(python, built)
    usage = _run(
        [tmp_path / "venv" / "bin" / "carpass-simulator", "--help"], cwd=tmp_path
    )
    assert "--port" in usage
    where = _run(
        [python, "-c", "import carpass_simulator.app as a; print(a.__file__)"],
        cwd=tmp_path,
    )
    assert str(tmp_path / "venv") in where
