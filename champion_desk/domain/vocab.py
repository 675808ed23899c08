"""The fixed, documented vocabularies: concern themes, ADKAR barriers, severities, statuses, formats, stages."""

from __future__ import annotations

from enum import StrEnum


class Theme(StrEnum):
    """What a concern is about (the documented list: docs/data-model.md, "Fixed vocabularies")."""

    JOB_SECURITY = "job security"
    HUMAN_CONNECTION = "human connection"
    ACCURACY_AND_TRUST = "accuracy and trust"
    WORKLOAD_AND_TIME = "workload and time"
    PRIVACY_AND_DATA = "privacy and data"
    USABILITY_AND_TECHNICAL = "usability and technical"
    ETHICS_AND_LIABILITY = "ethics and liability"
    TRAINING_GAP = "training gap"
    OTHER = "other"


class Barrier(StrEnum):
    """The ADKAR element a concern or a readiness pulse points at, in ADKAR order."""

    AWARENESS = "awareness"
    DESIRE = "desire"
    KNOWLEDGE = "knowledge"
    ABILITY = "ability"
    REINFORCEMENT = "reinforcement"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ConcernStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in progress"
    ADDRESSED = "addressed"
    CLOSED = "closed"


RESOLVED_STATUSES = (ConcernStatus.ADDRESSED, ConcernStatus.CLOSED)


class SessionFormat(StrEnum):
    HANDS_ON = "hands-on"
    DEMO = "demo"
    HUDDLE = "huddle"
    E_LEARNING = "e-learning"
    ONE_TO_ONE = "one-to-one"


class InvitationStatus(StrEnum):
    """Where a colleague invited to a session stands: asked, came, or did not come once it was held."""

    INVITED = "invited"
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did_not_attend"


class ToolStage(StrEnum):
    """A tool's stage overall (``tool.stage``) or on one unit (``rollout.stage``)."""

    PLANNED = "planned"
    PILOT = "pilot"
    LIVE = "live"
    PAUSED = "paused"
    RETIRED = "retired"


class PairingStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ENDED = "ended"


class IdeaStatus(StrEnum):
    """Where a staff idea stands on the roadmap; ``not now`` always carries a reason."""

    NEW = "new"
    UNDER_CONSIDERATION = "under consideration"
    PLANNED = "planned"
    DONE = "done"
    NOT_NOW = "not now"


# Ideas still waiting for a decision (the next-step rule watches these for a status change).
WAITING_IDEA_STATUSES = (IdeaStatus.NEW, IdeaStatus.UNDER_CONSIDERATION)
# Ideas a briefing reports back to staff as "You suggested, we did".
ACTED_IDEA_STATUSES = (IdeaStatus.PLANNED, IdeaStatus.DONE)


# One line on what each coded field means, shown as its hint in the forms.
FIELD_HINTS: dict[type[StrEnum], str] = {
    Theme: "What the concern is mostly about: choose the closest, or Other.",
    Barrier: "ADKAR: where the person is stuck — Awareness (why?), Desire (want to?), Knowledge (how?), "
    "Ability (can do it?), Reinforcement (keeps doing it?).",
    Severity: "How much it gets in the way of care or of the rollout if nothing is done.",
    ConcernStatus: "Open, in progress, addressed (a response given) or closed.",
    SessionFormat: "How the session was run.",
    ToolStage: "Where the tool stands: planned, pilot (a few staff, with support), live, paused or retired.",
    PairingStatus: "Active while they meet; paused, completed or ended otherwise.",
}

# What each value means, shown beside it in a drop-down.
VALUE_HINTS: dict[str, str] = {
    "awareness": "does not yet see why the change is needed",
    "desire": "sees why, but does not want it (yet)",
    "knowledge": "wants it, but does not know how",
    "ability": "knows how, but cannot yet do it on shift",
    "reinforcement": "did it, but is slipping back to old ways",
    "hands-on": "trying the tool with a trainer",
    "demo": "watching it shown",
    "huddle": "a few minutes at a ward huddle",
    "e-learning": "an online module",
    "one-to-one": "one person, coached",
    "planned": "not started yet",
    "pilot": "a few staff, with support",
    "live": "in everyday use",
    "paused": "stopped for now",
    "retired": "no longer used",
}


# Suggestions offered for ``staff.role``; the field itself is free text (rosters vary).
ROLE_SUGGESTIONS = (
    "nurse",
    "midwife",
    "healthcare assistant",
    "doctor",
    "allied health professional",
    "pharmacist",
    "administrator",
    "ward manager",
    "matron",
    "other",
)
MANAGER_ROLE_WORDS = ("manager", "matron", "lead", "director")


def is_manager_role(role: str | None) -> bool:
    """Return True when a role reads as a manager's (may countersign sessions)."""
    text = (role or "").lower()
    return any(word in text for word in MANAGER_ROLE_WORDS)


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """Return the stored values of a vocabulary, in documented order."""
    return tuple(member.value for member in enum)
