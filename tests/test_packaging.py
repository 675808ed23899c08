"""pyproject.toml's package metadata is in the form setuptools keeps supporting.

setuptools deprecated the ``license = {text = ...}`` table (PEP 639): builds stop working with it
after 2027-02-18. The licence is an SPDX expression, and the build floor is the first setuptools
that reads one, so an older backend cannot silently drop it from the wheel's metadata.
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# setuptools 77 is the first to read `license` as an SPDX string and `license-files` (PEP 639).
SPDX_LICENSE_SINCE = Version("77.0.3")


def test_the_metadata_is_read_without_a_deprecation_warning_and_names_its_licence_in_spdx():
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # setuptools' deprecations are warnings until they are errors
        dist = apply_configuration(Distribution(), ROOT / "pyproject.toml")
    assert dist.metadata.license_expression == "LicenseRef-Proprietary"


def test_the_build_system_asks_for_a_setuptools_that_reads_an_spdx_licence():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [setuptools] = [Requirement(r) for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    assert not setuptools.specifier.contains("77.0.2") and setuptools.specifier.contains(SPDX_LICENSE_SINCE)
