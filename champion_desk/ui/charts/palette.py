"""The Okabe–Ito colour-blind-safe palette and the colour of every series the dashboard draws.

Plain hex strings, so this module costs nothing to import. Okabe & Ito (2008) picked these eight
colours to stay distinct under the common colour-vision deficiencies; the ninth concern theme
takes a light grey, and every bar gets a dark outline so the pale ones (yellow, grey) still read
on white and on a washed-out projector.
"""

from __future__ import annotations

from champion_desk.domain.vocab import Barrier, Theme

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#999999"
LIGHT_GREY = "#DDDDDD"

OKABE_ITO: tuple[str, ...] = (ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE, BLACK)

OUTLINE = "#333333"
BAND = "#F0E44266"  # the champion-ratio band: translucent yellow behind the bars
TEXT = "#111111"
BACKGROUND = "#FFFFFF"

# Black is kept for the lines drawn over the bars (backlog, active pairings), so no theme uses it.
THEME_COLOURS: dict[str, str] = {
    Theme.JOB_SECURITY.value: VERMILLION,
    Theme.HUMAN_CONNECTION.value: REDDISH_PURPLE,
    Theme.ACCURACY_AND_TRUST.value: BLUE,
    Theme.WORKLOAD_AND_TIME.value: ORANGE,
    Theme.PRIVACY_AND_DATA.value: BLUISH_GREEN,
    Theme.USABILITY_AND_TECHNICAL.value: SKY_BLUE,
    Theme.ETHICS_AND_LIABILITY.value: YELLOW,
    Theme.TRAINING_GAP.value: GREY,
    Theme.OTHER.value: LIGHT_GREY,
}

ADKAR_COLOURS: dict[str, str] = {
    Barrier.AWARENESS.value: SKY_BLUE,
    Barrier.DESIRE.value: ORANGE,
    Barrier.KNOWLEDGE.value: BLUISH_GREEN,
    Barrier.ABILITY.value: BLUE,
    Barrier.REINFORCEMENT.value: REDDISH_PURPLE,
}

# Sizes chosen to read from the back of a meeting room on a projector.
TITLE_POINT_SIZE = 16
AXIS_POINT_SIZE = 12
LEGEND_POINT_SIZE = 12
LINE_WIDTH = 4
SYMBOL_SIZE = 11
