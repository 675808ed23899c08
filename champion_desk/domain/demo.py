"""Deterministic demo data that tells a believable roll-out story, at ward, hospital or trust scale.

The story a trainer can show: AI tools go live unit by unit (planned → pilot → live, one paused);
training coverage rises along an S-curve after each unit's go-live; concerns peak around go-live
and fall as training lands, each addressed one carrying a "you said, we did" response; mentees
gain confidence at check-ins (a few pairings stall); readiness pulses improve; success stories
carry measures. One lagging unit has few champions, low coverage and many job-security concerns.

Everything comes from ``random.Random(seed)`` and the end date — ids and timestamps included —
so the same (scale, seed, end) always gives byte-identical tables. Rows are built as plain dicts
and written with ``records.bulk_insert`` inside one transaction, so trust scale (~450k rows)
takes seconds and a cancelled or failed run leaves nothing behind.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from champion_desk.domain.listings import DEMO_NOTE
from champion_desk.domain.scope import months_before
from champion_desk.domain.vocab import Barrier, ConcernStatus, PairingStatus, SessionFormat, Theme, ToolStage
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store import records, summaries
from champion_desk.store.connection import Database, page_cache
from champion_desk.store.schema import RECORD_TABLES

Progress = Callable[[int, int], bool]

# Tables in the order foreign keys need them written.
WRITE_ORDER = (
    "unit",
    "staff",
    "tool",
    "rollout",
    "training_session",
    "attendance",
    "invitation",
    "incident",
    "pairing",
    "checkin",
    "pulse",
    "story",
    "usage",
    "idea",
    "idea_support",
)
USAGE_TOOLS = 2  # the first tools of a scale come with a vendor usage export (weekly, the last year)
USAGE_WEEKS = 52
# Share of weeks with use, by tier; who lands in which tier follows their training (see build_usage).
_TIER_WEEKS = {"high": 0.95, "medium": 0.6, "low": 0.28}
PROGRESS_TOTAL = 1000
_GENERATION_SHARE = 550  # progress points spent building rows; the rest is writing them
_WRITE_CACHE_KIB = 65536  # page cache while writing (64 MiB; SQLite's default is 2 MiB)


class DemoCancelled(ChampionDeskError):
    """The user cancelled demo generation; nothing was written."""


class DemoRefused(ChampionDeskError):
    """Demo data would be mixed into a database that already holds records."""


@dataclass(frozen=True)
class ScaleSpec:
    """How big a demo is and how busy its units are."""

    units: int
    staff: int
    years: int
    tools: tuple[str, ...]
    go_live_at: tuple[float, ...]  # each tool's first go-live as a fraction of the period
    waves: int  # how many waves the non-pilot units go live in
    concerns_at_go_live: float  # concerns per staff member around one unit's go-live of one tool
    concerns_per_year: float  # background concerns per staff member per year per tool
    pairings_per_year: float  # new mentoring pairings per staff member per year


SCALES: dict[str, ScaleSpec] = {
    "ward": ScaleSpec(1, 40, 1, ("scribe", "sepsis"), (0.28, 0.72), 1, 0.85, 0.10, 0.30),
    "hospital": ScaleSpec(12, 900, 2, ("scribe", "sepsis", "admin"), (0.14, 0.42, 0.74), 4, 0.85, 0.10, 0.27),
    "trust": ScaleSpec(
        60,
        6000,
        5,
        ("scribe", "sepsis", "deterioration", "admin", "triage", "imaging", "discharge", "rota"),
        (0.08, 0.20, 0.32, 0.44, 0.54, 0.64, 0.76, 1.02),
        6,
        1.15,
        0.13,
        0.27,
    ),
}


# --------------------------------------------------------------------------------------------
# The catalogue: tools, units, names and the phrases free text is built from. Free text never
# holds long digit runs, dates or codes, so nothing can be mistaken for a patient identifier.
# --------------------------------------------------------------------------------------------

ALL_KINDS = (
    "emergency",
    "acute",
    "ward",
    "critical",
    "maternity",
    "paeds",
    "imaging",
    "outpatient",
    "admin",
    "theatres",
)


@dataclass(frozen=True)
class ToolInfo:
    """One AI tool of the catalogue, with the phrases its story uses."""

    key: str
    name: str
    vendor: str
    purpose: str
    short: str  # how staff call it in a sentence: "the scribe"
    traits: frozenset[str]  # which tagged phrases fit it: listening, drafting, alert, suggesting, patient, admin, rota
    refresher_months: int
    kinds: tuple[str, ...]  # unit kinds it is rolled out to
    themes: dict[str, float]  # concern theme weights
    topics: tuple[str, ...]
    goals: tuple[str, ...]
    accuracy_responses: tuple[str, ...]
    # title, summary, measure, (value early on, value once settled), unit suffix, source
    stories: tuple[tuple[str, str, str, tuple[int, int], str, str], ...]


_T = Theme
TOOLS: dict[str, ToolInfo] = {
    "scribe": ToolInfo(
        "scribe",
        "NoteWise Ambient Scribe",
        "Tessellate Health Ltd",
        "Listens during consultations and ward rounds (with the patient's consent) and drafts the clinical "
        "note for the clinician to check, edit and file.",
        "the scribe",
        frozenset(["listening", "drafting", "patient"]),
        12,
        tuple(k for k in ALL_KINDS if k not in ("admin", "theatres")),
        {
            _T.JOB_SECURITY: 6,
            _T.HUMAN_CONNECTION: 14,
            _T.ACCURACY_AND_TRUST: 20,
            _T.WORKLOAD_AND_TIME: 12,
            _T.PRIVACY_AND_DATA: 18,
            _T.USABILITY_AND_TECHNICAL: 10,
            _T.ETHICS_AND_LIABILITY: 7,
            _T.TRAINING_GAP: 10,
            _T.OTHER: 3,
        },
        (
            "Checking and editing the scribe's draft note",
            "Getting consent before recording",
            "Using the scribe on a busy ward round",
            "What to do when the scribe is down",
            "Correcting medicines and doses in the draft",
            "Explaining the scribe to patients and families",
        ),
        (
            "Use the scribe for a full clinic and edit every draft before filing",
            "Feel confident explaining the scribe to patients and asking for consent",
            "Spot and correct errors in the scribe's drafts without help",
        ),
        (
            "Ran a hands-on session showing how to check and edit the scribe's draft before filing it.",
            "Went through ten real-world style drafts together to show what the scribe gets wrong and how to fix it.",
            "Reported the wrong medicine name to the vendor through the safety log; the fix came in the next update.",
        ),
        (
            (
                "Letters out before the patient leaves",
                "On {unit}, clinic letters are now drafted during the consultation and checked before the patient goes home.",
                "Minutes saved per shift on documentation",
                (14, 42),
                "",
                "Champion's timings over twenty shifts",
            ),
            (
                "More eye contact, fewer keyboards",
                "Patients on {unit} told us the clinician looked at them, not the screen, since the scribe went live.",
                "Patients who felt listened to (%)",
                (84, 97),
                "%",
                "Feedback cards collected over a month",
            ),
            (
                "Notes finished on time",
                "Staff on {unit} leave on time more often now that notes are drafted as they go.",
                "Shifts finishing on time (%)",
                (60, 85),
                "%",
                "Rota and overtime records",
            ),
        ),
    ),
    "sepsis": ToolInfo(
        "sepsis",
        "SepsisWatch Alert",
        "Clearview Clinical AI",
        "Flags patients whose observations and blood results suggest possible sepsis, so the team reviews them "
        "sooner. The clinician decides what to do.",
        "the sepsis alert",
        frozenset(["alert", "patient"]),
        6,
        ("emergency", "acute", "ward", "critical", "maternity", "paeds"),
        {
            _T.JOB_SECURITY: 3,
            _T.HUMAN_CONNECTION: 4,
            _T.ACCURACY_AND_TRUST: 30,
            _T.WORKLOAD_AND_TIME: 22,
            _T.PRIVACY_AND_DATA: 4,
            _T.USABILITY_AND_TECHNICAL: 10,
            _T.ETHICS_AND_LIABILITY: 12,
            _T.TRAINING_GAP: 12,
            _T.OTHER: 3,
        },
        (
            "What the sepsis alert means and how to respond",
            "Escalation steps after an alert",
            "Overriding an alert and recording why",
            "Sepsis alert refresher with case studies",
            "Working the alert into the observation round",
        ),
        (
            "Respond to sepsis alerts using the escalation steps without prompting",
            "Explain to a new colleague why the alert fired and what to check",
            "Record an override with a clear reason every time",
        ),
        (
            "Shared the audit of last month's sepsis alerts: most flagged patients did need a review.",
            "Asked the digital team to review the alert threshold for this unit; the change was agreed at the safety group.",
            "Showed at huddle how to override an alert and record why, so clinical judgement stays in charge.",
        ),
        (
            (
                "Antibiotics sooner",
                "On {unit}, the alert prompts an earlier review and the time to first antibiotics has come down.",
                "Median minutes from alert to antibiotics",
                (58, 34),
                "",
                "Monthly sepsis audit",
            ),
            (
                "Fewer missed escalations",
                "Escalations on {unit} now happen within the hour far more often.",
                "Escalations within the hour (%)",
                (86, 98),
                "%",
                "Ward safety audit",
            ),
        ),
    ),
    "deterioration": ToolInfo(
        "deterioration",
        "EarlyWarn Deterioration Monitor",
        "Vitalis Analytics",
        "Turns routine observations into a risk trend and prompts escalation when a patient is getting worse.",
        "the deterioration alert",
        frozenset(["alert", "patient"]),
        12,
        ("acute", "ward", "critical", "maternity", "paeds"),
        {
            _T.JOB_SECURITY: 4,
            _T.HUMAN_CONNECTION: 6,
            _T.ACCURACY_AND_TRUST: 26,
            _T.WORKLOAD_AND_TIME: 22,
            _T.PRIVACY_AND_DATA: 4,
            _T.USABILITY_AND_TECHNICAL: 14,
            _T.ETHICS_AND_LIABILITY: 9,
            _T.TRAINING_GAP: 12,
            _T.OTHER: 3,
        },
        (
            "Reading the risk trend",
            "Escalating on a rising score",
            "When the trend and your judgement disagree",
            "Deterioration monitor refresher",
        ),
        (
            "Read the risk trend at every observation round and escalate when it rises",
            "Use the trend in the handover without prompting",
        ),
        (
            "Ran a huddle on reading the risk trend next to the observations, with worked examples.",
            "Shared the outreach team's review of alerts from the last month at the safety huddle.",
        ),
        (
            (
                "Earlier calls to outreach",
                "Nurses on {unit} call the outreach team earlier, before a crisis call is needed.",
                "Escalations made before a crisis call (%)",
                (70, 90),
                "%",
                "Outreach team log",
            ),
            (
                "Calmer nights",
                "Night staff on {unit} say the trend helps them decide who to check first.",
                "Night staff who find the trend useful (%)",
                (72, 92),
                "%",
                "Staff survey",
            ),
        ),
    ),
    "admin": ToolInfo(
        "admin",
        "Brightdesk Admin Assistant",
        "Brightdesk Software",
        "A chat assistant that drafts letters, rota emails and meeting notes from approved templates. "
        "No patient data is entered.",
        "the admin assistant",
        frozenset(["drafting", "admin"]),
        12,
        ALL_KINDS,
        {
            _T.JOB_SECURITY: 20,
            _T.HUMAN_CONNECTION: 4,
            _T.ACCURACY_AND_TRUST: 12,
            _T.WORKLOAD_AND_TIME: 10,
            _T.PRIVACY_AND_DATA: 20,
            _T.USABILITY_AND_TECHNICAL: 16,
            _T.ETHICS_AND_LIABILITY: 4,
            _T.TRAINING_GAP: 11,
            _T.OTHER: 3,
        },
        (
            "Drafting letters from approved templates",
            "What never to type into the admin assistant",
            "Writing meeting notes with the assistant",
            "Checking a draft before sending",
        ),
        (
            "Draft routine letters with the assistant and check each one before sending",
            "Use the assistant for meeting notes and share them the same day",
        ),
        (
            "Showed how to check a draft letter against the template before it goes out.",
            "Collected the assistant's mistakes for a week and went through them at the team meeting.",
        ),
        (
            (
                "Admin time back",
                "The admin team on {unit} now spend more time with families at the desk and less on letters.",
                "Hours of admin saved per week",
                (4, 12),
                "",
                "Admin team time log",
            ),
            (
                "Meeting notes the same day",
                "Team meeting notes on {unit} now go out the same afternoon.",
                "Meeting notes shared within a day (%)",
                (80, 98),
                "%",
                "Team meeting records",
            ),
        ),
    ),
    "triage": ToolInfo(
        "triage",
        "TriageAssist",
        "Meridian Decision Systems",
        "Suggests a triage category from the presenting complaint and observations; the triage nurse decides.",
        "the triage assistant",
        frozenset(["suggesting", "patient"]),
        6,
        ("emergency", "acute"),
        {
            _T.JOB_SECURITY: 18,
            _T.HUMAN_CONNECTION: 10,
            _T.ACCURACY_AND_TRUST: 24,
            _T.WORKLOAD_AND_TIME: 10,
            _T.PRIVACY_AND_DATA: 4,
            _T.USABILITY_AND_TECHNICAL: 10,
            _T.ETHICS_AND_LIABILITY: 14,
            _T.TRAINING_GAP: 8,
            _T.OTHER: 2,
        },
        (
            "Reviewing the suggested triage category",
            "When to overrule the triage assistant",
            "Triage assistant refresher with scenarios",
        ),
        (
            "Check and confirm the suggested triage category for every patient on a shift",
            "Overrule the suggestion with confidence and record why",
        ),
        (
            "Ran scenario practice on when to overrule the triage assistant and how to record it.",
            "Shared the audit comparing the assistant's categories with the triage nurses' decisions.",
        ),
        (
            (
                "Shorter wait to be seen",
                "On {unit}, patients are triaged sooner since the assistant went live.",
                "Minutes from arrival to triage",
                (15, 8),
                "",
                "Department dashboard",
            ),
        ),
    ),
    "imaging": ToolInfo(
        "imaging",
        "RadiAssist Imaging",
        "Lumen Imaging AI",
        "Highlights possible fractures and chest X-ray findings for the radiographer or doctor to confirm or reject.",
        "the imaging assistant",
        frozenset(["suggesting", "patient"]),
        12,
        ("imaging", "emergency", "acute", "critical"),
        {
            _T.JOB_SECURITY: 22,
            _T.HUMAN_CONNECTION: 3,
            _T.ACCURACY_AND_TRUST: 28,
            _T.WORKLOAD_AND_TIME: 10,
            _T.PRIVACY_AND_DATA: 5,
            _T.USABILITY_AND_TECHNICAL: 12,
            _T.ETHICS_AND_LIABILITY: 10,
            _T.TRAINING_GAP: 8,
            _T.OTHER: 2,
        },
        (
            "Reading the imaging assistant's highlights",
            "Confirming or rejecting a flagged finding",
            "Imaging assistant refresher",
        ),
        ("Review flagged findings and record agreement or disagreement every time",),
        (
            "Ran a session comparing the assistant's highlights with reporters' findings, including the misses.",
            "Shared the radiology audit showing where the assistant helps and where it does not.",
        ),
        (
            (
                "Fractures spotted sooner",
                "On {unit}, possible fractures are flagged for review while the patient is still in the department.",
                "Reports turned round the same day (%)",
                (70, 92),
                "%",
                "Radiology reporting audit",
            ),
        ),
    ),
    "discharge": ToolInfo(
        "discharge",
        "DischargeDraft",
        "Tessellate Health Ltd",
        "Drafts the discharge summary from the notes for the doctor to review, correct and sign.",
        "the discharge drafter",
        frozenset(["drafting", "patient"]),
        12,
        ("acute", "ward"),
        {
            _T.JOB_SECURITY: 8,
            _T.HUMAN_CONNECTION: 4,
            _T.ACCURACY_AND_TRUST: 26,
            _T.WORKLOAD_AND_TIME: 18,
            _T.PRIVACY_AND_DATA: 8,
            _T.USABILITY_AND_TECHNICAL: 10,
            _T.ETHICS_AND_LIABILITY: 14,
            _T.TRAINING_GAP: 10,
            _T.OTHER: 2,
        },
        (
            "Reviewing and signing a drafted discharge summary",
            "Correcting medicines in a draft summary",
            "Discharge drafter refresher",
        ),
        (
            "Review and sign drafted discharge summaries within the shift",
            "Check medicines in every draft against the chart",
        ),
        (
            "Ran a hands-on session on checking the medicines section of a drafted summary.",
            "Shared pharmacy's review of drafted summaries at the junior doctors' teaching.",
        ),
        (
            (
                "Home before lunch",
                "On {unit}, more discharge summaries are ready before noon, so patients get home earlier.",
                "Discharge summaries ready before noon (%)",
                (45, 75),
                "%",
                "Patient flow report",
            ),
        ),
    ),
    "rota": ToolInfo(
        "rota",
        "RotaSmart Optimiser",
        "ShiftWise Ltd",
        "Proposes shift patterns that balance skill mix, requests and safe staffing for the ward manager to review.",
        "the rota optimiser",
        frozenset(["suggesting", "rota"]),
        12,
        ALL_KINDS,
        {
            _T.JOB_SECURITY: 14,
            _T.HUMAN_CONNECTION: 10,
            _T.ACCURACY_AND_TRUST: 12,
            _T.WORKLOAD_AND_TIME: 14,
            _T.PRIVACY_AND_DATA: 10,
            _T.USABILITY_AND_TECHNICAL: 12,
            _T.ETHICS_AND_LIABILITY: 16,
            _T.TRAINING_GAP: 8,
            _T.OTHER: 4,
        },
        ("Reading a proposed rota", "Entering requests and constraints"),
        ("Build next month's rota with the optimiser and check it for fairness",),
        ("Showed how requests are weighted, so the team can see the proposals are fair.",),
        (
            (
                "Fairer weekends",
                "Requests on {unit} are met more often since the optimiser's first proposals.",
                "Rota requests met (%)",
                (80, 95),
                "%",
                "Rota review",
            ),
        ),
    ),
}

# (name, specialty, kind). The first is the showcase unit; the rest are taken in order.
UNITS: tuple[tuple[str, str, str], ...] = (
    ("Cedar Ward", "General medicine", "ward"),
    ("Emergency Department", "Emergency medicine", "emergency"),
    ("Acute Medical Unit", "Acute medicine", "acute"),
    ("Critical Care Unit", "Critical care", "critical"),
    ("Rowan Ward", "Elderly care", "ward"),
    ("Maternity Unit", "Obstetrics and midwifery", "maternity"),
    ("Willow Ward", "Respiratory medicine", "ward"),
    ("Children's Ward", "Paediatrics", "paeds"),
    ("Oak Ward", "Trauma and orthopaedics", "ward"),
    ("Beech Ward", "General surgery", "ward"),
    ("Stroke Unit", "Stroke", "ward"),
    ("Outpatients Hub", "Outpatients", "outpatient"),
    ("Radiology Department", "Imaging", "imaging"),
    ("Same Day Emergency Care", "Acute medicine", "acute"),
    ("Coronary Care Unit", "Cardiology", "critical"),
    ("Medical Records and Admin Hub", "Administration", "admin"),
    ("Theatres and Recovery", "Perioperative care", "theatres"),
    ("Surgical Assessment Unit", "General surgery", "acute"),
    ("Neonatal Unit", "Neonatology", "paeds"),
    ("Renal Unit", "Nephrology", "ward"),
)
_WARD_TREES = (
    "Ash",
    "Birch",
    "Elm",
    "Hazel",
    "Holly",
    "Juniper",
    "Larch",
    "Maple",
    "Yew",
    "Alder",
    "Aspen",
    "Bluebell",
    "Primrose",
    "Foxglove",
    "Heather",
    "Lavender",
    "Poppy",
    "Snowdrop",
    "Thistle",
    "Daffodil",
    "Magnolia",
    "Hawthorn",
    "Sycamore",
    "Chestnut",
    "Laurel",
    "Linden",
    "Acorn",
    "Buttercup",
    "Clover",
    "Iris",
    "Jasmine",
    "Orchid",
    "Sorrel",
    "Tulip",
    "Violet",
    "Cherry",
    "Hornbeam",
    "Poplar",
    "Spruce",
    "Myrtle",
    "Campion",
    "Meadowsweet",
    "Harebell",
    "Speedwell",
    "Celandine",
)
_WARD_SPECIALTIES = (
    "Respiratory medicine",
    "Gastroenterology",
    "Elderly care",
    "Trauma and orthopaedics",
    "General surgery",
    "Urology",
    "Diabetes and endocrinology",
    "Haematology",
    "Rehabilitation",
    "General medicine",
    "Vascular surgery",
    "Ear, nose and throat",
    "Gynaecology",
    "Infectious diseases",
    "Neurology",
    "Cardiology",
)
_SITES = (
    "Northgate General Hospital",
    "Riverside Community Hospital",
    "St Anselm's Hospital",
    "Millbrook Treatment Centre",
)

_ROLE_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "default": (
        ("nurse", 42),
        ("healthcare assistant", 22),
        ("doctor", 15),
        ("allied health professional", 8),
        ("administrator", 7),
        ("pharmacist", 2),
        ("other", 4),
    ),
    "maternity": (
        ("midwife", 50),
        ("healthcare assistant", 18),
        ("doctor", 14),
        ("nurse", 5),
        ("administrator", 8),
        ("other", 5),
    ),
    "admin": (("administrator", 85), ("other", 15)),
    "imaging": (
        ("allied health professional", 50),
        ("doctor", 20),
        ("nurse", 10),
        ("administrator", 15),
        ("healthcare assistant", 5),
    ),
    "outpatient": (("nurse", 35), ("doctor", 25), ("administrator", 25), ("healthcare assistant", 15)),
}
_CHAMPION_ROLES = ("nurse", "doctor", "midwife", "allied health professional", "administrator", "pharmacist")
_UNIT_SIZE_WEIGHT = {
    "emergency": 1.7,
    "acute": 1.25,
    "critical": 1.35,
    "maternity": 1.3,
    "outpatient": 0.8,
    "admin": 0.55,
    "imaging": 0.9,
    "theatres": 1.2,
    "paeds": 1.0,
    "ward": 1.0,
}

# Given names (with f/m/x where a family name is gendered), family names, and a weight roughly
# following the make-up of NHS staff. Names are combined within a culture, sometimes across.
_NAMES: tuple[tuple[str, int, str, str], ...] = (
    (
        "english",
        28,
        "Oliver Amelia Jack Charlotte Harry Sophie George Emily Thomas Hannah James Lucy William Grace Daniel Ellie "
        "Samuel Chloe Joseph Rebecca Matthew Laura Zoë Alice Benjamin Jessica Luke Megan Adam Holly Ryan Katie Nathan "
        "Abigail Joshua Rachel Callum Natalie Liam Bethany Jordan Paige Connor Kerry Dean Stacey Craig Gemma Lee Leanne",
        "Smith Jones Taylor Brown Wilson Johnson Walker Wright Robinson Thompson Hughes Edwards Green Hall Wood Harris "
        "Clarke Turner Hill Baker Fletcher Cooper Ward Morris King Allen Shaw Mason Parker Bennett Marsh Holmes Lawson "
        "Barker Chapman Dixon Webb Palmer Fox Harding Bell Pearce Kemp Ashworth Pickering Rowe Sutton Dawson Booth",
    ),
    (
        "welsh",
        4,
        "Rhys Cerys Dafydd Sioned Owain Bethan Gethin Ffion Iwan Angharad Llinos Emyr Gwen Aled Elin Geraint",
        "Williams Davies Evans Thomas Roberts Lewis Morgan Griffiths Pritchard Llewellyn Pugh Prosser Howells Vaughan",
    ),
    (
        "scottish",
        4,
        "Callum Eilidh Fraser Isla Hamish Morag Euan Kirsty Struan Mhairi Ruaridh Catriona",
        "Macdonald Campbell Stewart Robertson MacLeod Ross Murray Sinclair Buchanan Cameron MacKenzie Gordon",
    ),
    (
        "irish",
        6,
        "Siobhán Aoife Niamh Ciarán Seán Róisín Eoin Caoimhe Pádraig Orla Declan Gráinne Fionnuala Cathal Méabh Darragh",
        "Murphy Kelly O'Sullivan Walsh Byrne Ryan O'Connor Kavanagh Doyle Brennan McCarthy Gallagher Ó_Súilleabháin Ní_Bhriain Lynch Fitzgerald",
    ),
    (
        "polish",
        5,
        "Łukasz:m Agnieszka:f Katarzyna:f Piotr:m Małgorzata:f Tomasz:m Magdalena:f Paweł:m Joanna:f "
        "Krzysztof:m Zofia:f Wojciech:m Ewa:f Michał:m Grzegorz:m Beata:f",
        "Nowak Wójcik Kowalczyk Mazur Krawczyk Zając Król Wieczorek Kowalski|Kowalska Lewandowski|Lewandowska "
        "Wiśniewski|Wiśniewska Zieliński|Zielińska Szymański|Szymańska Dąbrowski|Dąbrowska",
    ),
    (
        "yoruba",
        5,
        "Adebayo Folake Oluwaseun Temitope Babajide Funmilayo Olumide Yetunde Adewale Bukola Ayodele Kehinde Tolulope Damilola",
        "Adeyemi Ogunleye Adebisi Olaniyan Bakare Afolabi Oyelaran Adeleke Ogunbanjo Akinola Oladipo Balogun",
    ),
    (
        "igbo",
        3,
        "Chinedu Ngozi Chiamaka Emeka Obinna Adaeze Ifeoma Uchenna Chidi Nkechi",
        "Okafor Eze Nwosu Obi Okeke Onyekachi Nwachukwu Okonkwo Udeh Anyanwu",
    ),
    (
        "akan",
        3,
        "Kwame Ama Kofi Abena Yaw Akosua Kwabena Efua Kojo Adwoa",
        "Mensah Owusu Boateng Asante Osei Appiah Agyeman Amoah Darko Frimpong",
    ),
    (
        "punjabi",
        4,
        "Harpreet Gurpreet Manpreet Jaspreet Simran Amarjit Rajinder Navdeep Balwinder Kiran Harjit Sukhdeep",
        "Sandhu Gill Dhillon Sidhu Bains Grewal Johal Atwal Sangha Virdi Kaur Singh",
    ),
    (
        "indian",
        5,
        "Priya Ravi Anjali Vikram Deepa Sanjay Meera Arjun Nisha Rahul Lakshmi Suresh Anitha Kavya Rohan Divya",
        "Patel Shah Mehta Desai Sharma Joshi Rao Iyer Nair Menon Pillai Krishnan Reddy Gupta",
    ),
    (
        "kerala",
        4,
        "Bincy Jincy Anju Jomon Sijo Reshma Shiji Tintu Jibin Soumya Ancy Libin",
        "Varghese Kurian Mathew Joseph Abraham George Chacko Thomas Philip Jacob",
    ),
    (
        "pakistani_bangladeshi",
        5,
        "Ayesha Imran Farah Bilal Sana Usman Nadia Hamza Rukhsana Tariq Shabnam Asif Rubina Faisal",
        "Khan Hussain Ahmed Begum Rahman Chowdhury Malik Iqbal Akhtar Uddin Islam Mahmood",
    ),
    (
        "arabic",
        3,
        "Omar Layla Youssef Fatima Khalid Mariam Hassan Noor Karim Huda Sami Rania",
        "Haddad Al-Sayed Mansour Nasser Khoury Hamdan El-Amin Saleh Darwish Aziz",
    ),
    (
        "filipino",
        6,
        "Maria_Cristina Jose Rowena Mark_Anthony Jennifer Rodel Maricel Arnel Liezel Joy Maria_Theresa Rommel Jocelyn Ramon",
        "Santos Reyes Cruz Bautista Dela_Cruz Garcia Mendoza Villanueva Aquino Ramos Castillo Manalo Pascual Navarro",
    ),
    (
        "chinese",
        3,
        "Wei Mei Jun Xiaoling Hao Yan Lei Jing Ying Ming Hui Ling",
        "Chen Wang Li Zhang Liu Huang Wong Chan Lam Cheung Ng Lau",
    ),
    ("vietnamese", 2, "", ""),
    (
        "greek",
        2,
        "Georgios Eleni Dimitris Maria Nikos Katerina Yiannis Sofia Kostas Anastasia Christos Despina",
        "Georgiou Nikolaou Christodoulou Konstantinou Ioannou Pappas Antoniou Charalambous Demetriou Papadakis",
    ),
    (
        "somali",
        2,
        "Abdi Amina Mohamed Hodan Abdirahman Faadumo Ahmed Sahra Hassan Ifrah Yusuf Ubah",
        "Farah Warsame Hersi Osman Jama Aden Ali Mohamud Ismail Abdullahi",
    ),
    (
        "shona_ndebele",
        3,
        "Tendai Rudo Tatenda Chipo Farai Nyasha Tafadzwa Rutendo Blessing Precious",
        "Moyo Ncube Dube Sibanda Ndlovu Mpofu Chikwanha Mutasa Nyathi Zulu",
    ),
    (
        "romanian",
        2,
        "Ioana Andrei Elena Mihai Alexandra Cristian Raluca Bogdan",
        "Popescu Ionescu Popa Dumitru Stan Constantin Munteanu Dinu",
    ),
    (
        "portuguese",
        2,
        "João Inês Tiago Beatriz Rui Mariana Diogo Catarina",
        "Silva Ferreira Pereira Oliveira Costa Rodrigues Sousa Carvalho",
    ),
    ("italian", 1, "Giulia Marco Francesca Luca Chiara Alessandro", "Rossi Bianchi Romano Colombo Ricci Esposito"),
    ("nepali", 1, "Sunita Bikash Anisha Prakash Sabina Rajesh", "Gurung Tamang Rai Limbu Thapa Shrestha"),
    ("turkish", 1, "Elif Mehmet Ayşe Emre Zeynep Burak", "Yılmaz Demir Kaya Şahin Çelik Aydın"),
    (
        "caribbean",
        3,
        "Marcia Delroy Sharon Winston Claudette Errol Beverley Leroy Paulette Desmond",
        "Campbell Brown Williams Clarke Francis Grant Thompson Bailey Gordon Samuels",
    ),
)
_VIET_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Huỳnh")
_VIET_GIVEN_F = ("Mai", "Hương", "Lan", "Linh", "Thảo", "Hoa", "Ngọc", "Trang")
_VIET_GIVEN_M = ("Minh", "Long", "Hùng", "Dũng", "Tuấn", "Quang", "Đức", "Nam")

# The showcase unit's people, so every scale shows the names a trainer can point at.
SHOWCASE_PEOPLE = (
    ("Siobhán Ó Briain", "ward manager", "manager"),
    ("Zoë Fletcher", "nurse", "champion"),
    ("Łukasz Nowak", "doctor", "champion"),
    ("Nguyễn Thị Mai", "nurse", "staff"),
)

_SHOWCASE_NAMES = frozenset(p[0] for p in SHOWCASE_PEOPLE)

# --- Concern phrases, by theme ({tool} is the tool's short name) -----------------------------
_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    _T.JOB_SECURITY: (
        "Asked whether {tool} is the first step to cutting posts on the ward.",
        "Worried that {tool} will be used to justify fewer staff on each shift.",
        "Felt nobody has said what happens to their role once {tool} is live.",
        "Heard a rumour that bank shifts will be cut because of {tool}.",
        "Asked if their banding will change now that {tool} does part of the job.",
        "Worried that experience will count for less if {tool} makes the decisions.",
        "Said the team feel they are training their own replacement.",
    ),
    _T.HUMAN_CONNECTION: (
        "[patient] Worried patients will feel they are talking to a machine rather than to a person.",
        "[patient] Felt {tool} puts a screen between staff and patients.",
        "[listening] Said families may think nobody is listening if {tool} is in the room.",
        "[patient] Worried about looking at the screen instead of the patient.",
        "[admin] Worried families will get stock letters instead of a personal reply.",
        "[rota] Worried the optimiser will ignore who works well together on a shift.",
        "Felt the personal touch of the ward will be lost with {tool}.",
    ),
    _T.ACCURACY_AND_TRUST: (
        "[drafting] Found {tool} got a medicine wrong and no longer trusts it.",
        "[alert] Said {tool} went off several times on one shift for patients who were well.",
        "Not sure how {tool} reaches its answer, so reluctant to act on it.",
        "[alert|suggesting] Saw {tool} miss something the team had already spotted.",
        "Worried that busy colleagues will accept whatever {tool} says without checking.",
        "[drafting] Said the drafts from {tool} read well but are sometimes simply wrong.",
        "[rota] Said the proposed rota broke agreed requests.",
    ),
    _T.WORKLOAD_AND_TIME: (
        "Checking the output of {tool} takes longer than doing the job by hand at the moment.",
        "Extra logins and clicks on a busy shift; felt {tool} adds work.",
        "No protected time to learn {tool} on a short-staffed ward.",
        "[alert] Too many prompts from {tool} on nights; worried about alert fatigue.",
        "Felt {tool} arrived in the busiest month of the year.",
    ),
    _T.PRIVACY_AND_DATA: (
        "Asked where the information from {tool} goes and who can see it.",
        "Worried {tool} keeps information for longer than it needs to.",
        "[listening] Unsure whether patients have agreed to {tool} being used.",
        "Asked whether the vendor can see what goes into {tool}.",
        "[listening] Worried conversations in the bay could be picked up by {tool}.",
        "[rota] Asked who can see the requests and personal circumstances entered into {tool}.",
    ),
    _T.USABILITY_AND_TECHNICAL: (
        "{Tool} logged them out halfway through and the work was lost.",
        "The Wi-Fi in the side rooms drops, so {tool} stops working there.",
        "The button for {tool} is hard to find on the shared computers.",
        "{Tool} was slow to load on the ward computers during the morning rush.",
        "Could not get {tool} to work on the older computer at the nurses' station.",
    ),
    _T.ETHICS_AND_LIABILITY: (
        "Asked who is accountable if {tool} is wrong and a patient comes to harm.",
        "Worried about signing off something {tool} produced without time to read it properly.",
        "[patient] Raised whether {tool} works as well for patients whose first language is not English.",
        "[rota] Asked whether {tool} treats part-time staff fairly.",
        "Asked what the professional regulator says about relying on {tool}.",
    ),
    _T.TRAINING_GAP: (
        "Missed the training sessions because of night shifts and feels left behind.",
        "[drafting|suggesting] Has not been shown how to correct {tool} when it gets something wrong.",
        "[alert] Has not been shown what to do after {tool} goes off.",
        "New starter who has not had any training on {tool} yet.",
        "The e-learning did not cover what to do when {tool} is down.",
        "Bank staff are using {tool} without having been trained.",
    ),
    _T.OTHER: (
        "General unease about {tool}; could not say exactly why.",
        "Asked why the trust chose {tool} over other options.",
        "Unhappy that the roll-out of {tool} clashed with other changes on the ward.",
    ),
}
_WHERE = (
    "Raised at handover",
    "During the safety huddle",
    "On a night shift",
    "In the staff room",
    "At the team meeting",
    "In a one-to-one with the champion",
    "After a training session",
    "On the ward round",
    "By message to the champion",
)
_AFTERWORD = (
    "",
    "",
    "",
    " Others on the shift felt the same.",
    " Two colleagues agreed.",
    " Asked for it to go to the ward manager.",
    " Said it quietly after the huddle.",
    " Has raised this before.",
)
_ROOT_CAUSES: dict[str, tuple[str, ...]] = {
    _T.JOB_SECURITY: (
        "No clear message yet about what the tool means for roles.",
        "Rumours from another site.",
        "The business case talked about efficiency but not about people.",
    ),
    _T.HUMAN_CONNECTION: (
        "Had not seen the tool used in a real consultation.",
        "Worry carried over from a poor experience elsewhere.",
    ),
    _T.ACCURACY_AND_TRUST: (
        "Early version had a known fault, since fixed.",
        "Had not been shown how to review and correct the output.",
        "Alert threshold set too low for this unit.",
    ),
    _T.WORKLOAD_AND_TIME: (
        "Double login on the shared computers.",
        "Training booked on the busiest shifts.",
        "Low-priority prompts switched on by default.",
    ),
    _T.PRIVACY_AND_DATA: (
        "The information governance summary had not reached the ward.",
        "Consent script not yet in the ward folder.",
    ),
    _T.USABILITY_AND_TECHNICAL: (
        "Old computers and weak Wi-Fi.",
        "Short session time-out.",
        "No shortcut on the shared desktop.",
    ),
    _T.ETHICS_AND_LIABILITY: (
        "Accountability was not explained in the training.",
        "Professional guidance not yet shared.",
    ),
    _T.TRAINING_GAP: (
        "Sessions only on day shifts.",
        "Joined after the training wave.",
        "Bank staff not on the training list.",
    ),
    _T.OTHER: ("Change fatigue after several projects at once.", "The reasons for the choice were never shared."),
}
_RESPONSES: dict[str, tuple[str, ...]] = {
    _T.JOB_SECURITY: (
        "Ward manager explained at the team meeting that no posts are being cut; time saved goes back into patient care.",
        "Shared the trust's written commitment that {tool} will not replace any role.",
        "Held a drop-in with the project lead and a union representative to answer questions about roles.",
        "Showed how the time saved by {tool} on the pilot ward went back into patient care.",
        "Set up a one-to-one with the ward manager to talk through what changes in their role, and what does not.",
    ),
    _T.HUMAN_CONNECTION: (
        "[patient] Ran a huddle on how to introduce {tool} to patients and keep the focus on them.",
        "[listening] Agreed the screen faces away during conversations; {tool} runs in the background.",
        "[patient] Shared a short guide on explaining {tool} to patients and families.",
        "Talked through how {tool} frees time for people rather than replacing the conversation.",
        "[patient] Champion shadowed a shift and shared tips for keeping eye contact while {tool} is in use.",
        "[admin|rota] Agreed that the personal parts stay personal: {tool} drafts, people decide and sign.",
    ),
    _T.ACCURACY_AND_TRUST: (
        "[patient] Reminded the team that {tool} supports clinical judgement and showed how to override it.",
        "Went through real examples of where {tool} gets it wrong and how to spot them.",
        "Logged the example with the digital team and the vendor; the answer was shared at huddle.",
        "Shared the audit of how often {tool} was right last month, including where it was wrong.",
    ),
    _T.WORKLOAD_AND_TIME: (
        "Agreed protected time on the rota to practise with {tool}.",
        "Set up single sign-on so {tool} opens without a second login.",
        "Champion ran short huddles on the quickest way to use {tool}.",
        "[alert] Switched off the low-priority prompts in {tool} after this feedback.",
    ),
    _T.PRIVACY_AND_DATA: (
        "Shared the information governance approval and explained where data from {tool} is kept and for how long.",
        "The information governance lead came to the team meeting to answer questions.",
        "[listening] Added a consent script to the ward folder and went through it at huddle.",
        "Confirmed the vendor cannot keep what goes into {tool}; shared the data protection summary.",
    ),
    _T.USABILITY_AND_TECHNICAL: (
        "Logged it with the digital team; the time-out for {tool} was lengthened.",
        "Added a shortcut to {tool} on every ward computer.",
        "Estates fixed the Wi-Fi in the side rooms.",
        "Champion made a one-page quick guide, now pinned beside each computer.",
    ),
    _T.ETHICS_AND_LIABILITY: (
        "[patient] Shared the clinical safety case: the clinician stays accountable and {tool} is a support.",
        "[admin|rota] Agreed that a named person checks and owns everything {tool} produces.",
        "Discussed at the ethics forum; guidance on when not to use {tool} added to the ward folder.",
        "Shared the medical director's note on accountability with all staff.",
    ),
    _T.TRAINING_GAP: (
        "Booked a one-to-one session with the champion on a night shift.",
        "Added night-shift and weekend training slots for {tool}.",
        "Paired them with a mentor for their first month with {tool}.",
        "Added {tool} to the new starter induction.",
    ),
    _T.OTHER: (
        "Talked it through in a one-to-one and added the answer to the ward FAQ.",
        "Shared the roadmap so the team can see what is coming and when.",
        "Raised it with the project board; the answer was shared at the next team meeting.",
    ),
}
_RESPONSE_AFTERWORD = (
    "",
    "",
    " Fed back at the team meeting.",
    " Added to the ward FAQ.",
    " Colleague said it helped.",
    " Checked back a fortnight later: concern settled.",
)
_INTERIM_RESPONSES = (
    "Champion has arranged a follow-up conversation.",
    "Passed to the ward manager; reply expected this week.",
    "Logged with the digital team; waiting for their answer.",
)
_BARRIER_BY_THEME: dict[str, tuple[tuple[str, int], ...]] = {
    _T.JOB_SECURITY: ((Barrier.DESIRE, 7), (Barrier.AWARENESS, 3)),
    _T.HUMAN_CONNECTION: ((Barrier.DESIRE, 6), (Barrier.AWARENESS, 2), (Barrier.ABILITY, 2)),
    _T.ACCURACY_AND_TRUST: ((Barrier.DESIRE, 4), (Barrier.KNOWLEDGE, 4), (Barrier.REINFORCEMENT, 2)),
    _T.WORKLOAD_AND_TIME: ((Barrier.ABILITY, 5), (Barrier.DESIRE, 3), (Barrier.REINFORCEMENT, 2)),
    _T.PRIVACY_AND_DATA: ((Barrier.AWARENESS, 5), (Barrier.KNOWLEDGE, 4), (Barrier.DESIRE, 1)),
    _T.USABILITY_AND_TECHNICAL: ((Barrier.ABILITY, 7), (Barrier.KNOWLEDGE, 3)),
    _T.ETHICS_AND_LIABILITY: ((Barrier.AWARENESS, 4), (Barrier.DESIRE, 4), (Barrier.KNOWLEDGE, 2)),
    _T.TRAINING_GAP: ((Barrier.KNOWLEDGE, 7), (Barrier.ABILITY, 3)),
    _T.OTHER: ((Barrier.AWARENESS, 4), (Barrier.DESIRE, 4), (Barrier.REINFORCEMENT, 2)),
}
_HIGH_SEVERITY = {
    _T.JOB_SECURITY: 0.25,
    _T.ETHICS_AND_LIABILITY: 0.3,
    _T.ACCURACY_AND_TRUST: 0.2,
    _T.PRIVACY_AND_DATA: 0.15,
}

_SESSION_NOTES = (
    "Good questions about {theme}.",
    "Two colleagues asked for a follow-up one-to-one.",
    "Ran over time: lots of hands-on practice.",
    "Used the ward computer; the seminar room was booked.",
    "Covered the quick guide and the FAQ.",
    "Quiet shift, so everyone could take part.",
    "Bank staff joined for the first time.",
    "Mostly questions about {theme}; answered most on the spot.",
)
_CHECKIN_NOTES = (
    (
        "Still nervous about {tool}; went through the basics again together.",
        "Missed the last meeting because of staffing; restarted with a short practice.",
        "Talked through worries about {tool} before trying it together.",
    ),
    (
        "Using {tool} on some shifts now; practised the trickier cases together.",
        "Practised correcting the output together; getting quicker.",
        "Watched a shift together and agreed two things to work on.",
    ),
    (
        "Confident with {tool}; now helping a colleague get started.",
        "Ready for sign-off; used {tool} unprompted all week.",
        "Used {tool} on every shift this fortnight without needing help.",
    ),
)
_IDEAS = (
    ("Use {tool} for discharge letters too", "Could {tool} draft the discharge letter while we finish the notes?"),
    ("A quick-reference card beside each PC", "A one-page card on the wall for {tool}, for bank and agency staff."),
    ("Train night staff at handover", "Night staff miss the day sessions; a 15-minute slot at the 20:00 handover."),
    ("Let patients hear what {tool} is for", "A short script for telling patients what {tool} does before we use it."),
    ("Turn off the duplicate alert", "The same warning comes twice from {tool}; one alert would be trusted more."),
    ("Super-user on every shift", "Name one confident colleague per shift that others can ask about {tool}."),
    ("Share the time saved each month", "Show the minutes {tool} saved at the staff meeting, so we see it working."),
    ("Headsets for the busy bays", "Background noise in the bays garbles {tool}; a few headsets would help."),
)
_NOT_NOW_REASONS = (
    "Waiting for the supplier's next release",
    "No budget this year; raised with the matron",
    "Information governance must approve it first",
    "Revisit after go-live on every unit",
)
_ENDED_NOTES = (
    "Pairing ended: moved to permanent nights; will pick up again later.",
    "Pairing ended: long-term leave.",
    "Pairing ended by agreement; will restart later.",
)
_MEETING_STARTS = (8 * 60 + 30, 10 * 60, 11 * 60 + 30, 13 * 60 + 30, 14 * 60, 15 * 60 + 30, 19 * 60 + 30)


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


@dataclass
class _Unit:
    index: int
    id: str
    name: str
    kind: str
    staff: list[int]  # indexes into the generator's staff list
    champions: list[int]
    manager: int
    engaged_share: float
    lagging: bool = False


@dataclass
class _Rollout:
    """One tool on one unit: its stages and the shape of its training curve (day ordinals)."""

    tool: str
    unit: _Unit
    announce: int
    pilot: int | None
    live: int | None
    paused: int | None
    midpoint: float = 0.0
    spread: float = 20.0

    @property
    def anchor(self) -> int | None:
        """Return the day training aims at: the unit's pilot, else its go-live."""
        return self.pilot if self.pilot is not None else self.live


def check_empty(db: Database) -> None:
    """Raise DemoRefused when any record table holds a record, live or deleted."""
    for table in RECORD_TABLES:
        if db.scalar(f"SELECT EXISTS (SELECT 1 FROM {table})"):
            raise DemoRefused(
                f"This database already holds records (table {table}); demo data is only written into an "
                "empty database. Choose a new file with --db."
            )


def generate_demo(
    db: Database,
    scale: str,
    seed: int = 1,
    end: dt.date | None = None,
    actor: str = "demo",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fill an empty database with a deterministic demo story; return a summary.

    The summary holds ``scale``, ``seed``, ``start`` and ``end`` (ISO dates), ``counts`` (rows
    per table), ``lagging_unit`` (None at ward scale), and the suggested log-ins ``champion``,
    ``champion_unit`` and ``manager``. ``progress(done, total)`` is called as work advances;
    returning False cancels. Raises ValidationError for an unknown scale or an ``end`` after
    today, DemoRefused when the
    database holds any record, DemoCancelled when cancelled; in every failure nothing is written.
    """
    if scale not in SCALES:
        raise ValidationError(
            "scale", f"must be one of: {', '.join(SCALES)}", f"scale: {scale!r} is not one of {', '.join(SCALES)}."
        )
    today = dt.date.today()
    end = end or today
    if end > today:
        # Records dated after today would break the rule every form enforces: nothing in the future.
        raise ValidationError(
            "end",
            "must not be in the future",
            f"end: {end.isoformat()} is in the future; demo data ends today at the latest.",
        )

    def tick(done: int) -> None:
        if progress is not None and progress(done, PROGRESS_TOTAL) is False:
            raise DemoCancelled("Demo data generation was cancelled; nothing was written.")

    tick(0)
    check_empty(db)
    gen = _Generator(SCALES[scale], seed, end, lambda share: tick(int(_GENERATION_SHARE * share)))
    gen.build()
    tables = gen.rows
    total_rows = sum(len(rows) for rows in tables.values()) or 1
    written = 0

    def feed(rows: list[dict[str, Any]]):
        nonlocal written
        for i, row in enumerate(rows, 1):
            if i % 20000 == 0:
                tick(_GENERATION_SHARE + (PROGRESS_TOTAL - _GENERATION_SHARE) * (written + i) // total_rows)
            yield row

    counts: dict[str, int] = {}
    note = f"{DEMO_NOTE}: {scale} scale, seed {seed}, ending {end.isoformat()}"
    # A bigger page cache for this one big write keeps the random-id indexes in memory: about a
    # third less work at trust scale. Only this connection's setting; it is put back afterwards.
    # Summaries are counted once at the end rather than row by row (seconds at trust scale).
    with page_cache(db.conn, _WRITE_CACHE_KIB), db.transaction(), summaries.rebuilt_after(db):
        check_empty(db)
        for table in WRITE_ORDER:
            counts[table] = records.bulk_insert(db, table, feed(tables[table]), actor, action="create", note=note)
            written += counts[table]
            tick(_GENERATION_SHARE + (PROGRESS_TOTAL - _GENERATION_SHARE) * written // total_rows)
    tick(PROGRESS_TOTAL)
    return {
        "scale": scale,
        "seed": seed,
        "start": gen.start.isoformat(),
        "end": end.isoformat(),
        "counts": counts,
        "lagging_unit": gen.lagging_unit.name if gen.lagging_unit else None,
        "champion": gen.staff_name[gen.showcase.champions[0]],
        "champion_unit": gen.showcase.name,
        "manager": gen.staff_name[gen.showcase.manager],
    }


def _logistic(x: float) -> float:
    if x < -40:
        return 0.0
    if x > 40:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


class _Generator:
    """Builds every table's rows in memory from one random stream."""

    def __init__(self, spec: ScaleSpec, seed: int, end: dt.date, report: Callable[[float], None]) -> None:
        self.spec = spec
        self.seed = seed
        self.rng = random.Random(f"champion-desk-demo:{seed}")
        self.rng_seed = seed
        self.end = end.toordinal()
        self.start = months_before(end, 12 * spec.years) + dt.timedelta(days=1)
        self.report = report
        self._iso: dict[int, str] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in WRITE_ORDER}
        self.staff_id: list[str] = []
        self.staff_name: list[str] = []
        self.staff_active: list[bool] = []
        self.staff_engaged: list[bool] = []
        self.units: list[_Unit] = []
        self.tool_id: dict[str, str] = {}
        self.rollouts: list[_Rollout] = []
        self.lagging_unit: _Unit | None = None

    # ---- small helpers ---------------------------------------------------------------------

    def new_id(self, rng: random.Random | None = None) -> str:
        """Return a version-4 UUID drawn from the seeded stream (same seed, same ids)."""
        n = (rng or self.rng).getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)
        h = f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def iso(self, day: int) -> str:
        """Return a day ordinal as ``YYYY-MM-DD`` (cached: the same few thousand days recur)."""
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = dt.date.fromordinal(day).isoformat()
        return text

    def stamp(self, day: int, minute: int | None = None) -> str:
        """Return a UTC timestamp on ``day``: records are entered on the day they describe."""
        if minute is None:
            minute = self.rng.randrange(8 * 60, 18 * 60)
        return f"{self.iso(day)}T{minute // 60:02d}:{minute % 60:02d}:00.000000Z"

    def record(self, table: str, day: int, updated: int | None = None, **values: Any) -> str:
        """Append a row created on ``day`` (last changed on ``updated``, if later); return its id."""
        created = self.stamp(day)
        record_id = self.new_id()
        row = {
            "id": record_id,
            "created_at": created,
            "updated_at": created if updated is None or updated <= day else self.stamp(updated),
            "deleted_at": None,
        }
        row.update(values)
        self.rows[table].append(row)
        return record_id

    def weekday(self, day: int) -> int:
        """Move a weekend day to the Monday after (training and meetings happen on weekdays)."""
        wd = day % 7  # ordinal 1 (0001-01-01) is a Monday, so ordinal % 7 == 0 is Sunday
        if wd == 6:
            return day + 2
        if wd == 0:
            return day + 1
        return day

    # ---- the world -------------------------------------------------------------------------

    def build(self) -> None:
        """Build every table's rows, unit by unit, reporting the share done."""
        self.build_units_and_staff()
        self.build_tools_and_rollouts()
        self.report(0.05)
        by_unit: dict[int, list[_Rollout]] = {}
        for ro in self.rollouts:
            by_unit.setdefault(ro.unit.index, []).append(ro)
        for n, unit in enumerate(self.units, 1):
            for ro in by_unit.get(unit.index, []):
                self.build_training(ro)
                self.plan_upcoming_session(ro)
                self.build_concerns(ro)
                self.build_pulses(ro)
                self.build_stories(ro)
            self.build_pairings(unit, by_unit.get(unit.index, []))
            self.report(0.05 + 0.95 * n / len(self.units))
        # Ideas draw from a stream of their own, so adding them left every other demo row as it was.
        main, self.rng = self.rng, random.Random(f"champion-desk-demo-ideas:{self.seed}")
        for ro in self.rollouts:
            self.build_ideas(ro)
        self.rng = main
        self.build_usage()
        # Invitations too draw from their own stream: every row built before them stays as it was.
        main, self.rng = self.rng, random.Random(f"champion-desk-demo-invitations:{self.seed}")
        self.build_invitations()
        self.rng = main

    def build_invitations(self) -> None:
        """Invite colleagues to the sessions of the last 120 days and to the planned ones.

        A held session's invite list is who came plus, now and then, a colleague or two of the unit
        who did not (more often on the lagging unit); a planned session's is a few colleagues of the
        unit. Sent a week before the session; a held one's answer is recorded on its day.
        """
        rng = self.rng
        unit_staff: dict[str, list[str]] = {}
        for row in self.rows["staff"]:
            if row["active"] and row["unit_id"]:
                unit_staff.setdefault(row["unit_id"], []).append(row["id"])
        came: dict[str, list[str]] = {}
        for row in self.rows["attendance"]:
            came.setdefault(row["session_id"], []).append(row["staff_id"])
        lagging = self.lagging_unit.id if self.lagging_unit else None
        since = self.end - 120
        for session in list(self.rows["training_session"]):
            day = dt.date.fromisoformat(session["held_on"]).toordinal()
            if day < since:
                continue
            pool = [s for s in unit_staff.get(session["unit_id"], []) if s != session["trainer_id"]]
            invite = dict.fromkeys(came.get(session["id"], []), "attended" if day <= self.end else "invited")
            absent = [s for s in pool if s not in invite]
            if day > self.end:
                extra = rng.randint(4, 8)
            else:
                extra = rng.randint(1, 2) if rng.random() < (0.7 if session["unit_id"] == lagging else 0.3) else 0
            for staff_id in rng.sample(absent, min(extra, len(absent))):
                invite[staff_id] = "did_not_attend" if day <= self.end else "invited"
            for staff_id, status in invite.items():
                self.record(
                    "invitation",
                    min(day - 7, self.end),
                    updated=day if day <= self.end else None,
                    session_id=session["id"],
                    staff_id=staff_id,
                    status=status,
                    walk_in=0,
                    confirmed=1,
                )

    def build_usage(self) -> None:
        """Create the weekly usage of the tools that export it, over the last year, after the rest of the story.

        Use starts when a colleague is trained (or, untrained, rarely and late) on a unit where the
        tool is live; hands-on training and mentoring make high use likelier; the lagging unit uses
        the tool least; a few users drop out. A stream of its own leaves every other table as it was.
        """
        rng = random.Random(f"champion-desk-demo-usage:{self.rng_seed}")
        index = {staff_id: s for s, staff_id in enumerate(self.staff_id)}
        sessions = {r["id"]: r for r in self.rows["training_session"]}
        trained: dict[tuple[int, str], tuple[int, bool]] = {}  # (staff, tool id) -> (first day, hands-on ever)
        signed: dict[tuple[int, str], int] = {}  # (staff, tool id) -> first sign-off day
        for a in self.rows["attendance"]:
            ts = sessions[a["session_id"]]
            key = (index[a["staff_id"]], ts["tool_id"])
            day = dt.date.fromisoformat(ts["held_on"]).toordinal()
            hands_on = ts["format"] in (SessionFormat.HANDS_ON.value, SessionFormat.ONE_TO_ONE.value)
            first, had = trained.get(key, (day, False))
            trained[key] = (min(first, day), had or hands_on)
            if a["signed_off"]:
                signed[key] = min(signed.get(key, day), day)
        mentored = {(index[p["mentee_id"]], p["tool_id"]) for p in self.rows["pairing"]}
        window = self.end - 7 * USAGE_WEEKS
        usage = self.rows["usage"]
        for ro in self.rollouts:
            if ro.tool not in self.spec.tools[:USAGE_TOOLS] or ro.live is None or ro.live > self.end:
                continue
            tool_id = self.tool_id[ro.tool]
            source = f"{TOOLS[ro.tool].name} usage export"
            stop_all = ro.paused if ro.paused is not None else self.end
            for s in ro.unit.staff:
                if not self.staff_active[s]:
                    continue
                first, hands_on = trained.get((s, tool_id), (None, False))
                # Most wards give access once a colleague is signed off; a few get in before (the
                # safety signal the next steps look for), more on the lagging unit.
                early = 0.1 if ro.unit.lagging else 0.008
                if first is None:
                    if rng.random() > early:
                        continue
                    begins, weights = ro.live + rng.randint(21, 120), (0.05, 0.3, 0.65)
                else:
                    if (s, tool_id) not in signed and rng.random() > early * 3:
                        continue
                    begins = max(ro.live, signed.get((s, tool_id), first)) + rng.randint(0, 14)
                    weights = (0.45, 0.3, 0.25) if hands_on else (0.3, 0.35, 0.35)
                    if (s, tool_id) in mentored:
                        weights = (0.65, 0.25, 0.1)
                    if ro.unit.lagging:
                        weights = (weights[0] * 0.3, weights[1], weights[2] * 2 + 0.3)
                tier = rng.choices(("high", "medium", "low"), weights)[0]
                stop = stop_all
                if rng.random() < (0.18 if ro.unit.lagging else 0.08):
                    stop = rng.randint(begins, max(begins, self.end))  # dropped out
                monday = max(begins, window)
                monday -= (monday - 1) % 7  # ordinal 1 is a Monday
                while monday <= min(stop, self.end):
                    if monday >= begins - 6 and rng.random() < _TIER_WEEKS[tier]:
                        count = rng.randint(1, {"high": 40, "medium": 18, "low": 6}[tier])
                        created = self.stamp(min(self.end, monday + 7), 9 * 60)
                        usage.append(
                            {
                                "id": self.new_id(rng),
                                "created_at": created,
                                "updated_at": created,
                                "deleted_at": None,
                                "staff_id": self.staff_id[s],
                                "tool_id": tool_id,
                                "day": self.iso(monday),
                                "count": count,
                                "source": source,
                            }
                        )
                    monday += 7

    def unit_catalogue(self) -> list[tuple[str, str, str]]:
        """Return ``spec.units`` (name, specialty, kind): named departments first, then wards."""
        out = list(UNITS[: self.spec.units])
        trees = list(_WARD_TREES)
        self.rng.shuffle(trees)
        i = 0
        while len(out) < self.spec.units:
            out.append((f"{trees[i]} Ward", _WARD_SPECIALTIES[i % len(_WARD_SPECIALTIES)], "ward"))
            i += 1
        return out

    def build_units_and_staff(self) -> None:
        """Create the units and their staff: one ward manager, 1–3 champions, colleagues of many cultures."""
        rng = self.rng
        catalogue = self.unit_catalogue()
        weights = [_UNIT_SIZE_WEIGHT[kind] * rng.uniform(0.85, 1.15) for _, _, kind in catalogue]
        total = sum(weights)
        sizes = [max(20, round(self.spec.staff * w / total)) for w in weights]
        sizes[-1] += self.spec.staff - sum(sizes)
        sites = _SITES[: max(1, min(len(_SITES), self.spec.units // 12 + (1 if self.spec.units > 1 else 0)))]
        refs = rng.sample(range(1_000_000, 10_000_000), self.spec.staff + 10)
        names = _NamePool(rng)
        start = self.start.toordinal()
        # The lagging unit: an ordinary ward, never the showcase one.
        wards = [i for i, (_, _, kind) in enumerate(catalogue) if kind == "ward" and i > 0]
        lagging_index = rng.choice(wards) if wards else None
        for index, ((name, specialty, kind), size) in enumerate(zip(catalogue, sizes)):
            site = sites[index * len(sites) // len(catalogue)]
            unit_id = self.record("unit", start, name=name, site=site, specialty=specialty)
            lagging = index == lagging_index
            unit = _Unit(
                index,
                unit_id,
                name,
                kind,
                [],
                [],
                -1,
                engaged_share=0.45 if lagging else rng.uniform(0.72, 0.88),
                lagging=lagging,
            )
            roles, role_weights = zip(*_ROLE_MIX.get(kind, _ROLE_MIX["default"]))
            people: list[tuple[str, str, str]] = []  # (name, role, part)
            if index == 0:
                people.extend(SHOWCASE_PEOPLE)
                names.reserve(p[0] for p in SHOWCASE_PEOPLE)
            else:
                people.append((names.draw(), "ward manager", "manager"))
            while len(people) < size:
                people.append((names.draw(), rng.choices(roles, role_weights)[0], "staff"))
            n_champions = 1 if lagging else (3 if index == 0 else rng.choice((2, 3, 3)))
            have = sum(1 for p in people if p[2] == "champion")
            candidates = [i for i, p in enumerate(people) if p[2] == "staff" and p[1] in _CHAMPION_ROLES]
            for i in rng.sample(candidates, max(0, n_champions - have)):
                people[i] = (people[i][0], people[i][1], "champion")
            for person_name, role, part in people:
                s = len(self.staff_id)
                active = part != "staff" or rng.random() > 0.02
                staff_id = self.record(
                    "staff",
                    start,
                    display_name=person_name,
                    role=role,
                    unit_id=unit_id,
                    staff_ref=f"E{refs[s]}",
                    is_champion=1 if part == "champion" else 0,
                    active=1 if active else 0,
                    signing_pin_hash=None,
                    signing_pin_failures=None,
                    signing_pin_wait_until=None,
                    email=None,
                    login=None,
                )
                self.staff_id.append(staff_id)
                self.staff_name.append(person_name)
                self.staff_active.append(active)
                showcase = index == 0 and person_name in _SHOWCASE_NAMES  # their journeys are the demo's
                self.staff_engaged.append(part != "staff" or showcase or rng.random() < unit.engaged_share)
                unit.staff.append(s)
                if part == "champion":
                    unit.champions.append(s)
                elif part == "manager":
                    unit.manager = s
            if lagging:
                self.lagging_unit = unit
            self.units.append(unit)
        self.showcase = self.units[0]

    def build_tools_and_rollouts(self) -> None:
        """Create the tools and stage each one over the units: pilots first, then waves; one pauses."""
        rng = self.rng
        start, end = self.start.toordinal(), self.end
        period = end - start
        paused_done = False
        for key, at in zip(self.spec.tools, self.spec.go_live_at):
            info = TOOLS[key]
            go_live = start + int(period * at)
            announce = max(start - 60, go_live - rng.randint(110, 150))
            units = [u for u in self.units if u.kind in info.kinds]
            if not units:
                continue
            # Pilot units first (the showcase unit pilots the first tools), then waves of the rest.
            rest = [u for u in units if not u.lagging and u is not self.showcase]
            rng.shuffle(rest)
            n_pilots = 1 if len(units) < 6 else 2
            pilots = ([self.showcase] if self.showcase in units and key in ("scribe", "sepsis") else []) + rest
            pilots = pilots[:n_pilots]
            others = [u for u in units if u not in pilots]
            rng.shuffle(others)
            plan: list[tuple[_Unit, int | None, int]] = []
            for u in pilots:
                plan.append((u, go_live - rng.randint(50, 70), go_live))
            waves = max(1, min(self.spec.waves, len(others)))
            day = go_live
            for w in range(waves):
                day += rng.randint(35, 60)
                for u in others[w::waves]:
                    live = day + rng.randint(0, 14) + (rng.randint(30, 60) if u.lagging else 0)
                    pilot = live - rng.randint(21, 42) if rng.random() < 0.5 else None
                    plan.append((u, pilot, live))
            live_any = any(live <= end for _, _, live in plan)
            pilot_any = any(p is not None and p <= end for _, p, _ in plan)
            stage = ToolStage.LIVE if live_any else ToolStage.PILOT if pilot_any else ToolStage.PLANNED
            created = min(announce, end)
            self.tool_id[key] = self.record(
                "tool",
                created,
                name=info.name,
                vendor=info.vendor,
                purpose=info.purpose,
                stage=stage.value,
                go_live_on=self.iso(go_live) if go_live <= end else None,
                refresher_months=info.refresher_months,
            )
            tool_rollouts = [
                _Rollout(
                    key,
                    u,
                    min(announce, end),
                    pilot if pilot is not None and pilot <= end else None,
                    live if live <= end else None,
                    None,
                )
                for u, pilot, live in sorted(plan, key=lambda p: (p[2], p[0].index))
            ]
            if not paused_done and key in ("sepsis", "deterioration"):
                # One unit pauses the alert a couple of months after go-live (false alarms, taken up
                # with the vendor): the latest go-live that leaves time for it.
                candidates = [
                    ro
                    for ro in tool_rollouts
                    if ro.live is not None
                    and not ro.unit.lagging
                    and ro.unit is not self.showcase
                    and ro.live <= end - 75
                ]
                if candidates:
                    ro = max(candidates, key=lambda r: (r.live, r.unit.index))
                    ro.paused = min(end - 14, ro.live + rng.randint(45, 75))
                    paused_done = True
            for ro in tool_rollouts:
                self.add_rollout_rows(ro)
                if ro.anchor is not None:
                    # Half the unit trained a month or so after the anchor; the lagging unit is far slower.
                    slow = ro.unit.lagging
                    ro.midpoint = ro.anchor + (rng.randint(90, 130) if slow else rng.randint(20, 45))
                    ro.spread = rng.uniform(45, 60) if slow else rng.uniform(14, 24)
                self.rollouts.append(ro)

    def add_rollout_rows(self, ro: _Rollout) -> None:
        """Write a unit's stage history for a tool (planned, pilot, live, paused), up to the end."""
        tool_id = self.tool_id[ro.tool]
        stages = [
            (ToolStage.PLANNED, ro.announce),
            (ToolStage.PILOT, ro.pilot),
            (ToolStage.LIVE, ro.live),
            (ToolStage.PAUSED, ro.paused),
        ]
        for stage, since in stages:
            if since is not None and since <= self.end:
                self.record(
                    "rollout", since, tool_id=tool_id, unit_id=ro.unit.id, stage=stage.value, since=self.iso(since)
                )

    # ---- training ----------------------------------------------------------------------------

    def session_days(self, ro: _Rollout, first: int, stop: int) -> list[int]:
        """Return session days: frequent while the curve climbs, then a steady trickle."""
        rng = self.rng
        ramp_end = ro.midpoint + 2.5 * ro.spread
        slow = 1.7 if ro.unit.lagging else 1.0
        days = []
        day = first
        while True:
            day = self.weekday(day)
            if day > stop:
                break
            days.append(day)
            gap = rng.randint(3, 5) if day < ramp_end else rng.randint(9, 17)
            day += int(gap * slow)
        return days

    def plan_upcoming_session(self, ro: _Rollout) -> None:
        """Book a session in the weeks after the end on about half the units where a tool is in use,
        so the poster and Home have next training dates (planned: nobody has attended yet)."""
        rng = self.rng
        in_use = (ro.live is not None or ro.pilot is not None) and ro.paused is None
        if not in_use or rng.random() > 0.5:
            return
        info = TOOLS[ro.tool]
        day = self.weekday(self.end + rng.randint(3, 24))
        fmt = rng.choice((SessionFormat.HANDS_ON, SessionFormat.HUDDLE, SessionFormat.DEMO))
        topic = rng.choice(
            (
                f"{info.name}: hands-on drop-in for colleagues not yet trained",
                f"{info.name}: refresher and what has changed",
                f"{info.name}: questions and answers",
            )
        )
        self.record(
            "training_session",
            self.end,
            tool_id=self.tool_id[ro.tool],
            unit_id=ro.unit.id,
            trainer_id=self.staff_id[rng.choice(ro.unit.champions)],
            held_on=self.iso(day),
            minutes=rng.choice((30, 45, 60)),
            format=fmt.value,
            topic=topic,
            notes=None,
            verified_by=None,
            verified_on=None,
            verified_signature=None,
            # Planned sessions start after the early handover; no rng draw, so the rest of the demo is unchanged.
            starts_at="14:00",
            place=None,
        )

    def build_training(self, ro: _Rollout) -> None:
        """Create one unit's sessions for one tool: first attendances follow the S-curve, refreshers follow sign-offs."""
        if ro.anchor is None:
            return
        rng = self.rng
        unit = ro.unit
        info = TOOLS[ro.tool]
        tool_id = self.tool_id[ro.tool]
        first = ro.anchor - rng.randint(28, 42)
        stop = min(self.end, ro.paused if ro.paused is not None else self.end)
        if first - 7 > stop:
            return
        leads = unit.champions + [unit.manager]
        pool: list[int] = []  # staff trained on this tool here, in the order they were trained
        # Sign-offs in date order; a colleague's entry is stale once they are signed off again.
        signed_queue: deque[tuple[int, int]] = deque()
        last_signed: dict[int, int] = {}

        def remember(signed: list[tuple[int, int]]) -> None:
            for s, on in signed:
                last_signed[s] = on
                signed_queue.append((on, s))

        # Train the trainer: this unit's champions and manager learn first, from another unit's champion.
        ttt_day = self.weekday(first - 7)
        if ttt_day <= stop:
            outside = [c for other in self.units if other is not unit for c in other.champions]
            trainer = rng.choice(outside) if outside else unit.champions[0]
            attendees = [s for s in leads if s != trainer]
            remember(
                self.add_session(
                    ro,
                    tool_id,
                    ttt_day,
                    trainer,
                    SessionFormat.HANDS_ON,
                    90,
                    f"Train the trainer: {info.name} for unit champions",
                    [(attendees, "lead")],
                )
            )
            pool.extend(attendees)
        days = self.session_days(ro, first, stop)
        if not days:
            return
        # Each colleague's first session follows the S-curve: a logistic draw around the midpoint.
        take = 0.45 if unit.lagging else rng.uniform(0.86, 0.97)
        firsts: list[list[int]] = [[] for _ in days]
        for s in unit.staff:
            if s in leads or not self.staff_engaged[s] or rng.random() > take:
                continue
            u = rng.random() * 0.998 + 0.001
            when = ro.midpoint + ro.spread * math.log(u / (1 - u))
            k = bisect.bisect_left(days, when)
            if k < len(days):
                firsts[k].append(s)
        refresh_days = 30 * info.refresher_months
        for k, day in enumerate(days):
            trainer = rng.choice(unit.champions)
            new = firsts[k]  # champions and the manager are never in it: they trained first
            # Who is due (or nearly due) a refresher, oldest sign-off first.
            due: list[int] = []
            horizon = day - refresh_days + 21
            backlog = 0
            for on, s in signed_queue:
                if on > horizon:
                    break
                backlog += 1
            fmt = rng.choices(_FORMATS, _FORMAT_WEIGHTS)[0]
            if backlog > 8 and rng.random() < 0.5:
                fmt = SessionFormat.HANDS_ON  # champions book a practical refresher when many are due
            if fmt is SessionFormat.ONE_TO_ONE and len(new) > 1:
                fmt = rng.choice((SessionFormat.HANDS_ON, SessionFormat.HUDDLE, SessionFormat.DEMO))
            low, high, size_low, size_high = _FORMAT_SHAPE[fmt]
            minutes = rng.randrange(low, high + 1, 5)
            size = rng.randint(size_low, size_high)
            want = size - len(new)
            if fmt in (SessionFormat.HANDS_ON, SessionFormat.ONE_TO_ONE):
                while want > len(due) and signed_queue and signed_queue[0][0] <= horizon:
                    on, s = signed_queue.popleft()
                    if last_signed.get(s) == on and s != trainer and self.staff_active[s] and s not in due:
                        due.append(s)
            repeats: list[int] = []
            want -= len(due)
            if want > 0 and pool:
                taken = set(due)
                picks = rng.sample(pool, min(len(pool), want + len(due) + 1))
                repeats = [s for s in picks if s != trainer and s not in taken][:want]
            if not new and not repeats and not due:
                continue
            topic = rng.choice(info.topics)
            if not new and (due or day > ro.midpoint + 3 * ro.spread):
                topic = f"Refresher: {topic[0].lower()}{topic[1:]}"
            remember(
                self.add_session(
                    ro,
                    tool_id,
                    day,
                    trainer,
                    fmt,
                    minutes,
                    topic,
                    [(new, "first"), (due, "refresher"), (repeats, "repeat")],
                )
            )
            pool.extend(new)

    def add_session(
        self,
        ro: _Rollout,
        tool_id: str,
        day: int,
        trainer: int,
        fmt: SessionFormat,
        minutes: int,
        topic: str,
        groups: list[tuple[list[int], str]],
    ) -> list[tuple[int, int]]:
        """Add a session and its attendances; return (staff, day) for each sign-off given."""
        rng = self.rng
        unit = ro.unit
        lead_session = groups[0][1] == "lead"
        verified_by = verified_on = None
        # Managers catch up on countersigning: only the last six weeks leave a real backlog.
        chance = 0.97 if day < self.end - 42 else (0.9 if lead_session else 0.4)
        if rng.random() < chance and unit.manager != trainer:
            v = min(self.end, day + rng.randint(0, 10))
            verified_by, verified_on = self.staff_id[unit.manager], self.iso(v)
        notes = None
        if rng.random() < 0.35:
            theme = rng.choice(
                (
                    "consent",
                    "checking the output",
                    "what happens when it is down",
                    "accountability",
                    "where the data goes",
                    "alerts on nights",
                    "time pressures",
                )
            )
            notes = rng.choice(_SESSION_NOTES).format(theme=theme)
        minute = rng.choice(_MEETING_STARTS)
        session_id = self.record(
            "training_session",
            day,
            tool_id=tool_id,
            unit_id=unit.id,
            trainer_id=self.staff_id[trainer],
            held_on=self.iso(day),
            minutes=minutes,
            format=fmt.value,
            topic=topic,
            notes=notes,
            verified_by=verified_by,
            verified_on=verified_on,
            verified_signature="unverified" if verified_by else None,
            starts_at=None,
            place=None,
        )
        signs = fmt in (SessionFormat.HANDS_ON, SessionFormat.ONE_TO_ONE)
        record_confidence = fmt is not SessionFormat.HUDDLE or rng.random() < 0.5
        lagging = unit.lagging
        attendance = self.rows["attendance"]
        signed: list[tuple[int, int]] = []
        created = self.stamp(day, minute)
        for people, kind in groups:
            first_time = kind in ("first", "lead")
            sign_chance = _SIGN_CHANCE[kind] * (0.7 if lagging else 1.0)
            for s in people:
                before = after = None
                if record_confidence:
                    if first_time:
                        before = rng.choice((1, 1, 2) if lagging else (1, 2, 2, 3))
                        after = before + rng.choices((0, 1, 2, 3), (25, 45, 25, 5) if lagging else (8, 42, 38, 12))[0]
                    else:
                        before = rng.choice((2, 3) if lagging else (3, 3, 4))
                        after = before + rng.choices((-1, 0, 1, 2), (2, 38, 50, 10))[0]
                    after = min(5, max(1, after))
                signed_off = 0
                by = on = None
                if signs and rng.random() < sign_chance:
                    signer = trainer if rng.random() < 0.75 or unit.manager == s else unit.manager
                    if signer != s:
                        signed_off, by, on = 1, self.staff_id[signer], min(self.end, day + rng.randint(0, 7))
                        signed.append((s, on))
                attendance.append(
                    {
                        "id": self.new_id(),
                        "created_at": created,
                        "updated_at": created if on is None or on == day else self.stamp(on),
                        "deleted_at": None,
                        "session_id": session_id,
                        "staff_id": self.staff_id[s],
                        "confidence_before": before,
                        "confidence_after": after,
                        "signed_off": signed_off,
                        "signed_off_by": by,
                        "signed_off_on": self.iso(on) if on is not None else None,
                        "signed_off_signature": "unverified" if signed_off else None,
                    }
                )
        return signed

    # ---- concerns ----------------------------------------------------------------------------

    def build_concerns(self, ro: _Rollout) -> None:
        """Create one unit's concerns about one tool: a peak around go-live over a background that fades."""
        rng = self.rng
        unit = ro.unit
        info = TOOLS[ro.tool]
        n_staff = len(unit.staff)
        lagging = unit.lagging
        peak_day = ro.live if ro.live is not None else (ro.pilot if ro.pilot is not None else ro.announce + 150)
        background_days = max(0, self.end - ro.announce)
        n_peak = n_staff * self.spec.concerns_at_go_live * (2.4 if lagging else 1.0) * rng.uniform(0.8, 1.2)
        n_background = n_staff * self.spec.concerns_per_year * background_days / 365 * (3.0 if lagging else 1.0)
        days: list[int] = []
        for _ in range(round(n_peak)):
            z = rng.gauss(0, 1)
            # Worry builds before go-live and falls away as training lands (slower where it does not).
            days.append(int(peak_day + z * (30 if z < 0 else (120 if lagging else 45))))
        for _ in range(round(n_background)):
            day = rng.randint(ro.announce, self.end)
            # Everyday worries thin out as training lands (hardly at all where it does not).
            if rng.random() < 0.25 + 0.75 * (1 - self.coverage_share(ro, day)):
                days.append(day)
        if ro.paused is not None:
            days.extend(ro.paused - rng.randint(0, 40) for _ in range(round(n_staff * 0.15)))
        if ro.live is not None:
            # A live tool always has a fresh worry or two, so the open list is never empty.
            days.extend(rng.randint(self.end - 25, self.end) for _ in range(rng.randint(1, 3)))
        themes = list(info.themes)
        weights = [info.themes[t] * (6.0 if lagging and t == Theme.JOB_SECURITY else 1.0) for t in themes]
        if ro.paused is not None:
            weights = [w * (3.0 if t == Theme.ACCURACY_AND_TRUST else 1.0) for t, w in zip(themes, weights)]
        others = [s for s in unit.staff if s not in unit.champions]
        tool_word = info.short
        for day in sorted(days):
            if day < ro.announce or day > self.end:
                continue
            theme = rng.choices(themes, weights)[0]
            barrier_options, barrier_weights = zip(*_BARRIER_BY_THEME[theme])
            barrier = rng.choices(barrier_options, barrier_weights)[0].value if rng.random() < 0.92 else None
            if ro.anchor is None or day < ro.anchor:
                barrier = Barrier.AWARENESS.value if rng.random() < 0.5 else barrier
            high = _HIGH_SEVERITY.get(theme, 0.08) * (1.5 if lagging else 1.0)
            roll = rng.random()
            severity = "high" if roll < high else ("medium" if roll < high + 0.45 else "low")
            text = rng.choice(_phrases(info, _DESCRIPTIONS, theme)).format(
                tool=tool_word, Tool=tool_word[0].upper() + tool_word[1:]
            )
            description = f"{rng.choice(_WHERE)}: {text[0].lower()}{text[1:]}{rng.choice(_AFTERWORD)}"
            reporter = rng.choice(unit.champions)
            raised_by = self.staff_id[rng.choice(others)] if others and rng.random() < 0.2 else None
            # How long it takes to act: days to weeks, longer where the unit is struggling.
            wait = 1 + int(rng.lognormvariate(math.log(8 if not lagging else 18), 0.75))
            if rng.random() < (0.16 if lagging else 0.03):
                wait = rng.randint(30, 150)  # the hard ones wait for a fix from outside the ward
            resolved = day + wait
            status = ConcernStatus.OPEN
            response = root_cause = resolved_on = None
            owner = None
            if resolved <= self.end:
                status = ConcernStatus.CLOSED if rng.random() < 0.7 else ConcernStatus.ADDRESSED
                resolved_on = resolved
                response = self.response_text(ro, theme)
                root_cause = rng.choice(_ROOT_CAUSES[theme]) if rng.random() < 0.8 else None
                owner = self.staff_name[reporter if rng.random() < 0.7 else unit.manager]
            else:
                if rng.random() < 0.55:
                    status = ConcernStatus.IN_PROGRESS
                    owner = self.staff_name[reporter if rng.random() < 0.6 else unit.manager]
                    if rng.random() < 0.5:
                        response = rng.choice(_INTERIM_RESPONSES)
                elif rng.random() < 0.4:
                    owner = self.staff_name[reporter]
            self.record(
                "incident",
                day,
                updated=resolved_on,
                tool_id=self.tool_id[ro.tool],
                unit_id=unit.id,
                reported_by=self.staff_id[reporter],
                raised_by=raised_by,
                occurred_on=self.iso(day),
                theme=theme.value,
                barrier=barrier,
                severity=severity,
                description=description,
                root_cause=root_cause,
                status=status.value,
                response=response,
                owner=owner,
                resolved_on=self.iso(resolved_on) if resolved_on is not None else None,
            )

    def response_text(self, ro: _Rollout, theme: str) -> str:
        """Return a "you said, we did" action that fits the tool and the theme."""
        rng = self.rng
        info = TOOLS[ro.tool]
        options = _phrases(info, _RESPONSES, theme)
        if theme == Theme.ACCURACY_AND_TRUST and rng.random() < 0.6:
            options = info.accuracy_responses
        text = rng.choice(options).format(tool=info.short)
        return f"{text[0].upper()}{text[1:]}{rng.choice(_RESPONSE_AFTERWORD)}"

    # ---- readiness and stories ---------------------------------------------------------------

    def coverage_share(self, ro: _Rollout, day: float) -> float:
        """Return where the unit stands on its training S-curve (0 before training, 1 when done)."""
        if ro.anchor is None:
            return 0.0
        share = _logistic((day - ro.midpoint) / ro.spread)
        return share * (0.45 if ro.unit.lagging else 1.0)

    def build_pulses(self, ro: _Rollout) -> None:
        """Create readiness pulses about every two months; ADKAR means rise with training."""
        rng = self.rng
        n_staff = len(ro.unit.staff)
        day = self.weekday(ro.announce + rng.randint(10, 25))
        while day <= self.end:
            x = self.coverage_share(ro, day)
            later = self.coverage_share(ro, day - 45)
            latest = self.coverage_share(ro, day - 120)
            aware = _logistic((day - ro.announce - 40) / 30)
            if ro.unit.lagging:
                scores = (2.3 + 1.3 * aware, 1.7 + 1.0 * x, 1.6 + 1.6 * x, 1.5 + 1.4 * later, 1.4 + 1.2 * latest)
                cap_desire = 2.8  # the lagging unit's barrier: staff do not yet want the change
            else:
                scores = (2.4 + 1.8 * aware, 2.2 + 1.8 * x, 1.8 + 2.3 * x, 1.6 + 2.3 * later, 1.5 + 2.2 * latest)
                cap_desire = 5.0
            if ro.paused is not None and day >= ro.paused:
                scores = (scores[0], scores[1] - 0.6, scores[2], scores[3] - 0.4, scores[4] - 0.8)
            values = [min(5.0, max(1.0, round(v + rng.uniform(-0.15, 0.15), 1))) for v in scores]
            values[1] = min(values[1], cap_desire)
            respondents = max(3, int(n_staff * rng.uniform(0.18, 0.45)))
            self.record(
                "pulse",
                day,
                unit_id=ro.unit.id,
                tool_id=self.tool_id[ro.tool],
                taken_on=self.iso(day),
                respondents=respondents,
                awareness=values[0],
                desire=values[1],
                knowledge=values[2],
                ability=values[3],
                reinforcement=values[4],
            )
            day = self.weekday(day + rng.randint(52, 70))

    def build_stories(self, ro: _Rollout) -> None:
        """Create success stories once training has landed; measures improve with time."""
        if ro.live is None:
            return
        rng = self.rng
        info = TOOLS[ro.tool]
        day = int(ro.midpoint + 2.2 * ro.spread) + rng.randint(30, 90)
        if ro.unit.lagging:
            day += rng.randint(120, 240)  # one hard-won story, late
        while day <= self.end and (ro.paused is None or day < ro.paused):
            title, summary, measure, (early, settled_value), suffix, source = rng.choice(info.stories)
            # Measures move from their early value towards their settled one as the tool beds in.
            settled = min(1.0, (day - ro.live) / 540)
            value = round(early + (settled_value - early) * (0.5 * settled + 0.5 * rng.random()))
            self.record(
                "story",
                day,
                tool_id=self.tool_id[ro.tool],
                unit_id=ro.unit.id,
                told_on=self.iso(day),
                title=title,
                summary=summary.format(unit=ro.unit.name),
                measure=measure,
                value=f"{value}{suffix}",
                source=source,
            )
            if ro.unit.lagging:
                break
            day += rng.randint(150, 300)

    def build_ideas(self, ro: _Rollout) -> None:
        """Staff ideas from the announcement on: older ones have been decided, some backed by a show of hands."""
        rng = self.rng
        day = ro.announce + rng.randint(10, 60)
        staff = ro.unit.staff
        while day <= self.end:
            title, description = rng.choice(_IDEAS)
            age = self.end - day
            if age > 240:
                status = rng.choice(("done", "done", "planned", "not now"))
            elif age > 90:
                status = rng.choice(("planned", "under consideration", "not now", "done"))
            elif age > 30:
                status = rng.choice(("new", "under consideration", "planned"))
            else:
                status = "new"
            suggester = self.staff_id[rng.choice(staff)] if staff and rng.random() < 0.6 else None
            decided = day if status == "new" else min(self.end, day + rng.randint(7, max(8, min(age, 120))))
            idea = self.record(
                "idea",
                day,
                updated=decided,
                tool_id=self.tool_id[ro.tool] if rng.random() < 0.8 else None,
                unit_id=ro.unit.id,
                suggested_by=suggester,
                raised_on=self.iso(day),
                title=title.format(tool=TOOLS[ro.tool].short),
                description=description.format(tool=TOOLS[ro.tool].short),
                status=status,
                status_reason=rng.choice(_NOT_NOW_REASONS) if status == "not now" else None,
                status_on=self.iso(decided),
                led_to_rollout_id=None,
                led_to_story_id=None,
            )
            meeting = min(self.end, day + rng.randint(3, 21))
            if rng.random() < 0.7:
                self.record(
                    "idea_support",
                    meeting,
                    idea_id=idea,
                    backed_on=self.iso(meeting),
                    backers=rng.randint(1, 12),
                    backed_by=None,
                )
            backer = self.staff_id[rng.choice(staff)] if staff else None
            if backer is not None and backer != suggester and rng.random() < 0.4:
                self.record(
                    "idea_support", meeting, idea_id=idea, backed_on=self.iso(meeting), backers=1, backed_by=backer
                )
            day += rng.randint(45, 150)

    # ---- mentoring ---------------------------------------------------------------------------

    def build_pairings(self, unit: _Unit, rollouts: list[_Rollout]) -> None:
        """Create a unit's mentoring pairings (a champion and a colleague), most around go-live."""
        rng = self.rng
        end = self.end
        usable = [ro for ro in rollouts if ro.anchor is not None and ro.anchor <= end - 21]
        if not usable:
            return
        first = min(ro.anchor for ro in usable)
        years = (end - first) / 365
        count = round(len(unit.staff) * self.spec.pairings_per_year * years * (0.5 if unit.lagging else 1.0))
        mentees = [s for s in unit.staff if s not in unit.champions and s != unit.manager and self.staff_active[s]]
        if not mentees:
            return
        taken: set[tuple[int, str]] = set()
        pairings = self.rows["pairing"]
        if unit is self.showcase:
            # The pairing a trainer shows first: the showcase champion mentoring Nguyễn Thị Mai.
            ro = min(usable, key=lambda r: r.anchor)
            mentee = next(s for s in unit.staff if self.staff_name[s] == SHOWCASE_PEOPLE[3][0])
            taken.add((mentee, ro.tool))
            self.add_pairing(ro, unit, self.weekday(min(end - 30, ro.anchor + 10)), unit.champions[0], mentee, pairings)
        for _ in range(count):
            ro = rng.choice(usable)
            lo = max(ro.anchor - 14, self.start.toordinal())
            hi = end - 7 if ro.paused is None else ro.paused
            if hi <= lo:
                continue
            if rng.random() < 0.55:
                started = min(hi, lo + int(rng.expovariate(1 / 90)))  # most pairings form around go-live
            else:
                started = rng.randint(lo, hi)
            started = self.weekday(started)
            if started > end:
                continue
            mentee = rng.choice(mentees)
            if (mentee, ro.tool) in taken:
                continue
            taken.add((mentee, ro.tool))
            mentor = rng.choice(unit.champions)
            self.add_pairing(ro, unit, started, mentor, mentee, pairings)

    def add_pairing(
        self, ro: _Rollout, unit: _Unit, started: int, mentor: int, mentee: int, pairings: list[dict[str, Any]]
    ) -> None:
        """Add a pairing and its check-ins: completed, ended early, ongoing, or stalled."""
        rng = self.rng
        end = self.end
        info = TOOLS[ro.tool]
        planned = rng.randint(75, 200)
        interval = rng.randint(7, 14)
        finishes = started + planned <= end - 5
        status = PairingStatus.ACTIVE
        last_day = end  # check-ins stop after this day
        ended_on = None
        if finishes:
            roll = rng.random()
            if roll < (0.6 if unit.lagging else 0.82):
                status, last_day = PairingStatus.COMPLETED, started + planned
            else:
                status = PairingStatus.ENDED
                last_day = started + int(planned * rng.uniform(0.3, 0.7))
        elif started < end - 45 and rng.random() < (0.45 if unit.lagging else 0.10):
            # Stalled: no check-in for over a month; still on the books as active (or paused).
            last_day = rng.randint(started + interval, max(started + interval, end - 35))
            status = PairingStatus.PAUSED if rng.random() < 0.2 else PairingStatus.ACTIVE
        days = []
        day = self.weekday(started + interval)
        # Some pairings lose a month or more to rotas and leave, then pick up again.
        gap_after = rng.randint(1, 4) if rng.random() < 0.12 else -1
        while day <= min(last_day, end):
            days.append(day)
            day = self.weekday(day + interval + rng.randint(-3, 3))
            if len(days) == gap_after:
                day += rng.randint(30, 50)
        if status is PairingStatus.COMPLETED:
            ended_on = min(end, max(days[-1] if days else started, started + planned))
        elif status is PairingStatus.ENDED:
            ended_on = min(end, (days[-1] if days else started) + rng.randint(3, 20))
        c0 = rng.choice((1, 1, 2) if unit.lagging else (1, 2, 2, 3))
        gain = rng.uniform(1.0, 2.0) if status is PairingStatus.ENDED or unit.lagging else rng.uniform(2.0, 3.4)
        full = max(1, planned // interval)
        if status is PairingStatus.COMPLETED:
            progress = rng.choice((100, 100, 100, 95, 90))
        elif status is PairingStatus.ENDED:
            progress = rng.randint(20, 60)
        else:
            progress = min(95, int(100 * len(days) / full))
        goal = rng.choice(info.goals + ("Feel confident enough to support others on the ward",))
        pairing_id = self.new_id()
        created = self.stamp(started)
        touched = ended_on if ended_on is not None else (days[-1] if days else started)
        pairings.append(
            {
                "id": pairing_id,
                "created_at": created,
                "updated_at": created if touched == started else self.stamp(touched),
                "deleted_at": None,
                "mentor_id": self.staff_id[mentor],
                "mentee_id": self.staff_id[mentee],
                "tool_id": self.tool_id[ro.tool],
                "started_on": self.iso(started),
                "goal": goal,
                "progress": progress,
                "status": status.value,
                "ended_on": self.iso(ended_on) if ended_on is not None else None,
            }
        )
        checkins = self.rows["checkin"]
        for k, day in enumerate(days):
            confidence = min(5, max(1, round(c0 + gain * (k + 1) / full + rng.uniform(-0.5, 0.5))))
            band = 0 if confidence <= 2 else (1 if confidence == 3 else 2)
            note = rng.choice(_CHECKIN_NOTES[band]).format(tool=info.short)
            if status is PairingStatus.ENDED and k == len(days) - 1:
                note = rng.choice(_ENDED_NOTES)
            created = self.stamp(day)
            checkins.append(
                {
                    "id": self.new_id(),
                    "created_at": created,
                    "updated_at": created,
                    "deleted_at": None,
                    "pairing_id": pairing_id,
                    "held_on": self.iso(day),
                    "minutes": rng.randrange(15, 50, 5),
                    "confidence": confidence,
                    "note": note,
                }
            )


_PHRASE_CACHE: dict[tuple[int, str, str], tuple[str, ...]] = {}


def _phrases(info: ToolInfo, table: dict[str, tuple[str, ...]], theme: str) -> tuple[str, ...]:
    """Return the phrases of a theme that fit a tool: untagged ones, and '[a|b] ...' ones sharing a trait."""
    key = (id(table), info.key, theme)
    found = _PHRASE_CACHE.get(key)
    if found is None:
        out = []
        for phrase in table[theme]:
            if phrase.startswith("["):
                tags, _, phrase = phrase[1:].partition("] ")
                if not info.traits.intersection(tags.split("|")):
                    continue
            out.append(phrase)
        found = _PHRASE_CACHE[key] = tuple(out)
    return found


_FORMATS = (
    SessionFormat.HANDS_ON,
    SessionFormat.DEMO,
    SessionFormat.HUDDLE,
    SessionFormat.E_LEARNING,
    SessionFormat.ONE_TO_ONE,
)
_FORMAT_WEIGHTS = (34, 18, 28, 8, 12)
# How likely an attendee is signed off at a hands-on or one-to-one session, by why they came.
_SIGN_CHANCE = {"lead": 0.95, "first": 0.75, "refresher": 0.85, "repeat": 0.15}
# minutes low, high; attendees low, high
_FORMAT_SHAPE: dict[SessionFormat, tuple[int, int, int, int]] = {
    SessionFormat.HANDS_ON: (45, 120, 6, 12),
    SessionFormat.DEMO: (30, 60, 8, 18),
    SessionFormat.HUDDLE: (10, 20, 10, 22),
    SessionFormat.E_LEARNING: (30, 60, 2, 8),
    SessionFormat.ONE_TO_ONE: (20, 45, 1, 1),
}


class _NamePool:
    """Draws display names from many cultures, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.cultures = [c[0] for c in _NAMES]
        self.weights = [c[1] for c in _NAMES]
        self.given = {c[0]: _split(c[2]) for c in _NAMES}
        self.family = {c[0]: _split(c[3]) for c in _NAMES}

    def reserve(self, names) -> None:
        """Mark names as taken (the showcase people)."""
        self.used.update(names)

    def draw(self) -> str:
        """Return a display name not drawn before."""
        rng = self.rng
        for attempt in range(30):
            culture = rng.choices(self.cultures, self.weights)[0]
            name = self.compose(culture)
            if attempt > 20:
                # A big trust has namesakes; rosters tell them apart by a middle initial.
                name = name.replace(" ", f" {rng.choice('ABCDEFGHJKLMNPRSTW')}. ", 1)
            if name not in self.used:
                self.used.add(name)
                return name
        self.used.add(name)
        return name

    def compose(self, culture: str) -> str:
        """Return a full name in a culture's usual order."""
        rng = self.rng
        if culture == "vietnamese":
            if rng.random() < 0.5:
                return f"{rng.choice(_VIET_FAMILY)} Thị {rng.choice(_VIET_GIVEN_F)}"
            return f"{rng.choice(_VIET_FAMILY)} Văn {rng.choice(_VIET_GIVEN_M)}"
        given, gender = rng.choice(self.given[culture])
        # Some colleagues carry a family name from another culture (marriage, heritage).
        family_culture = rng.choices(self.cultures, self.weights)[0] if rng.random() < 0.08 else culture
        if family_culture == "vietnamese":
            family_culture = culture
        family = rng.choice(self.family[family_culture])[0]
        if "|" in family:
            masculine, feminine = family.split("|")
            family = feminine if gender == "f" else masculine if gender == "m" else rng.choice((masculine, feminine))
        return f"{given} {family}"


def _split(text: str) -> list[tuple[str, str]]:
    """Split a name list on spaces ('_' stands for a space inside a name); ':f'/':m' mark gender."""
    out = []
    for part in text.split():
        name, _, gender = part.partition(":")
        out.append((name.replace("_", " "), gender or "x"))
    return out
