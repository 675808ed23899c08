"""Scale for the reliability loops: modest counts by default, the issue's full counts on request.

``CHAMPION_DESK_RELIABILITY_SCALE=1`` (or ``--reliability-scale 1`` when pytest is pointed at
this folder) runs the issue's counts: 200 kills during saves, 100 torn-WAL offsets, 500
malformed files. Larger numbers multiply them. Without either, each loop runs a fixed modest
count so the whole folder stays well under 90 s on a 2-core CI machine. The figures that ran
are printed at the end of the session (and kept in the pytest cache as
``.pytest_cache/v/champion_desk/reliability-figures``) so a report can quote them.
"""

from __future__ import annotations

import os
import random

import pytest

SCALE_ENV = "CHAMPION_DESK_RELIABILITY_SCALE"
SEED_ENV = "CHAMPION_DESK_RELIABILITY_SEED"

# name: (count in the full run, default count for the everyday suite)
COUNTS = {
    "kills_during_saves": (200, 24),
    "kills_during_import": (50, 8),
    "kills_during_merge": (50, 8),
    "kills_during_sync": (50, 6),
    "wal_offsets": (100, 40),
    "malformed_files": (500, 100),
}

FIGURES: dict[str, object] = {}


def pytest_addoption(parser):
    # Only seen when pytest starts in or at this folder (pytest reads options from initial
    # conftests); the environment variable works for any invocation.
    parser.addoption(
        "--reliability-scale",
        type=float,
        default=None,
        help="run the reliability loops at this multiple of the issue's counts (1 = 200 kills, 100 offsets, 500 files)",
    )


def _scale(config) -> float | None:
    try:
        option = config.getoption("--reliability-scale")
    except ValueError:
        option = None
    if option is not None:
        return float(option)
    env = os.environ.get(SCALE_ENV)
    return float(env) if env else None


@pytest.fixture(scope="session")
def reliability_count(request):
    """Return a function: loop name -> how many iterations to run in this session."""
    scale = _scale(request.config)

    def count(name: str) -> int:
        full, default = COUNTS[name]
        return max(1, round(full * scale)) if scale is not None else default

    return count


@pytest.fixture
def rng(request):
    """Return a seeded Random; the seed is printed with the figures so a failure can be replayed."""
    seed = int(os.environ.get(SEED_ENV, random.SystemRandom().randrange(1 << 30)))
    FIGURES.setdefault("seeds", {})[request.node.name] = seed
    return random.Random(seed)


@pytest.fixture(scope="session")
def figures():
    """Return the session's figures dict; tests record what they ran in it."""
    return FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    scale = _scale(config)
    terminalreporter.write_line(f"scale: {'default counts' if scale is None else scale}")
    for key, value in FIGURES.items():
        if key != "seeds":
            terminalreporter.write_line(f"{key}: {value}")
    terminalreporter.write_line(f"seeds (set {SEED_ENV} to replay): {FIGURES.get('seeds', {})}")
    if getattr(config, "cache", None) is not None:
        config.cache.set("champion_desk/reliability-figures", FIGURES)
