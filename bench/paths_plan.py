"""The rows ``bench.paths`` seeds: participants working through the demo paths, as the domain would.

Each participant has one enrolment and a submission budget drawn so that the total is exactly
``Scale.submissions``. A budget covers the path's evidence requirements in path order (most
participants are part-way); about one answer in eight needed a second or third version (the
earlier one rejected with feedback, or replaced before review). Earlier requirements are mostly
approved; the last one or two sent are often waiting for review, sometimes rejected or appealed.
Approvals come from as many different assigned assessors as the requirement needs, with a rubric
level where it has a rubric. Whoever answered anything rated their own level on every competence,
so a participant with everything approved has completed the path. The first
``Scale.completions`` enrolments are one approval from completing: every requirement approved
but the last single-approval one, which waits for review.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from paths import ValidationPath

Row = tuple[Any, ...]
Rows = list[Row]
TABLES = (
    "users",
    "user_roles",
    "enrolments",
    "self_assessments",
    "submissions",
    "reviews",
    "appeals",
)
#: Never a usable Argon2 hash: seeded accounts sign in only through the bench's session cookie.
NO_PASSWORD = "!bench-no-password"
#: Progress-page sample size: active enrolments remembered while seeding.
SAMPLE = 5_000
#: Share of participants who completed their path.
FINISHERS = 0.12
#: Conflicts of interest the measured assessor declares, at most.
CONFLICTS = 50


@dataclass(frozen=True, slots=True)
class Scale:
    """How much to seed."""

    participants: int
    submissions: int
    #: Enrolments left one approval from completing, for the completion timing.
    completions: int = 200
    #: Assessors (the first is the measured one); by default one per 2,000 participants, >= 4.
    assessors: int = 0
    seed: int = 6

    def __post_init__(self) -> None:
        """Derive the assessor count and refuse what cannot be seeded."""
        if self.assessors < 4:
            object.__setattr__(self, "assessors", max(4, self.participants // 2_000))
        if not 0 <= self.completions <= self.participants // 2:
            raise ValueError("--completions must be at most half the participants")


@dataclass(frozen=True, slots=True)
class Req:
    """An evidence requirement (documentation or assessment) as the generator needs it."""

    id: int
    approvals: int
    levels: tuple[int, ...]
    method: str | None


@dataclass(frozen=True, slots=True)
class PathPlan:
    """One demo path: its evidence requirements, competences and assessors."""

    code: str
    path_id: int
    weight: float
    requirements: tuple[Req, ...]
    elements: tuple[int, ...]
    #: Assigned assessors; ``others`` leaves out the measured one (whose queue must stay full).
    assessors: tuple[int, ...]
    others: tuple[int, ...]

    @classmethod
    def of(
        cls, path: ValidationPath, weight: float, assigned: list[int], measured: int
    ) -> PathPlan:
        """The plan of a published path and the assessors assigned to it."""
        evidence = tuple(
            Req(r.id, r.approvals_needed, tuple(int(x["level"]) for x in r.rubric), r.method)
            for r in path.requirements
            if r.stage != "identification"
        )
        elements = tuple(dict.fromkeys(r.element_id for r in path.requirements))
        others = tuple(a for a in assigned if a != measured)
        if len(others) < 2:
            raise ValueError(f"path {path.code} needs two assessors besides the measured one")
        return cls(path.code, path.id, weight, evidence, elements, tuple(assigned), others)


@dataclass(slots=True)
class Chunk:
    """Rows for a range of participants, by table (in the order they must be written)."""

    tables: dict[str, Rows] = field(default_factory=lambda: {t: [] for t in TABLES})


class Planner:
    """Generates the rows, participant by participant, keeping the submission total exact."""

    def __init__(
        self,
        scale: Scale,
        plans: list[PathPlan],
        *,
        first_ids: dict[str, int],
        now: datetime,
        rng: random.Random,
    ) -> None:
        """Start at ``first_ids`` (table -> next free id) with the whole submission budget left."""
        self.scale, self.plans, self.now, self.rng = scale, plans, now, rng
        self.next_id = dict(first_ids)
        self.left = scale.submissions
        self.nearly_done: list[tuple[int, int]] = []
        self.active_sample: list[tuple[int, int]] = []
        self.conflicts: list[int] = []
        self._stride = max(1, scale.participants // SAMPLE)
        self._least_capacity = 3 * min(len(plan.requirements) for plan in plans)
        self._chunk = Chunk()

    def rows(self, start: int, stop: int) -> Chunk:
        """The rows of participants ``start`` .. ``stop - 1`` (call with consecutive ranges)."""
        self._chunk = Chunk()
        weights = [plan.weight for plan in self.plans]
        for index in range(start, stop):
            plan = self.rng.choices(self.plans, weights)[0]
            self._participant(index, plan)
        return self._chunk

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _add(self, table: str, row: Row) -> None:
        self._chunk.tables[table].append(row)

    def _budget(self, index: int, plan: PathPlan, *, finisher: bool) -> int:
        """Submission rows for this participant; the last one takes whatever is left."""
        capacity = 3 * len(plan.requirements)
        participants_left = self.scale.participants - index
        if participants_left == 1:
            budget = self.left
        elif finisher:  # every requirement, a few of them twice
            budget = len(plan.requirements) + sum(
                self.rng.random() < 0.12 for _ in plan.requirements
            )
        else:
            mean = self.left / participants_left
            # At least what the others could not take even if each answered everything thrice.
            floor = self.left - (participants_left - 1) * self._least_capacity
            budget = max(floor, min(capacity, self.left, round(self.rng.uniform(0, 2 * mean))))
        if budget > capacity:
            raise ValueError("too many submissions per participant: raise --participants")
        self.left -= budget
        return budget

    def _participant(self, index: int, plan: PathPlan) -> None:
        rng, now = self.rng, self.now
        user_id, enrolment_id = self.next_id["users"], self._id("enrolments")
        self._id("users")
        enrolled = now - timedelta(days=rng.uniform(20, 720))
        self._add(
            "users",
            (
                user_id,
                f"participant{index}@bench.example",
                f"Participant {index}",
                NO_PASSWORD,
                0,
                enrolled,
            ),
        )
        self._add("user_roles", (user_id, "participant"))
        nearly_done = index < self.scale.completions
        if nearly_done:
            self.left -= len(plan.requirements)
            if self.left < 0:
                raise ValueError("--submissions is too small for --completions")
            versions = [1] * len(plan.requirements)
            finals = ["approved"] * len(plan.requirements)
            target = max(i for i, r in enumerate(plan.requirements) if r.approvals == 1)
            finals[target] = "submitted"
        else:
            last_one = index == self.scale.participants - 1  # takes whatever budget is left
            finisher = (
                not last_one and rng.random() < FINISHERS and self.left > 3 * len(plan.requirements)
            )
            budget = self._budget(index, plan, finisher=finisher)
            versions, finals = self._answers(budget, len(plan.requirements), finisher=finisher)
        completed = len(finals) == len(plan.requirements) and all(f == "approved" for f in finals)
        last = self._requirements(enrolment_id, plan, enrolled, versions, finals)
        state = "completed" if completed else "active"
        if not completed and not nearly_done and rng.random() < 0.05:
            state = "withdrawn"
        self._add(
            "enrolments",
            (
                enrolment_id,
                user_id,
                plan.path_id,
                state,
                enrolled,
                last if completed else None,
                now - timedelta(days=1) if state == "withdrawn" else None,
            ),
        )
        if finals or rng.random() < 0.5:
            for element_id in plan.elements:
                self._add(
                    "self_assessments",
                    (
                        self._id("self_assessments"),
                        enrolment_id,
                        element_id,
                        rng.randint(1, 7),
                        "",
                        enrolled,
                    ),
                )
        if nearly_done:
            self.nearly_done.append(
                (enrolment_id, self.next_id["submissions"] - len(finals) + target)
            )
        elif state == "active" and finals and index % self._stride == 0:
            self.active_sample.append((enrolment_id, user_id))
            if len(self.conflicts) < CONFLICTS and rng.random() < 0.01:
                self.conflicts.append(user_id)

    def _answers(
        self, budget: int, available: int, *, finisher: bool
    ) -> tuple[list[int], list[str]]:
        """Versions per answered requirement and each one's final state, ``budget`` rows in all.

        A finisher's answers are all approved in the end: they completed the path.
        """
        rng = self.rng
        extra = sum(rng.random() < 0.12 for _ in range(budget))
        answered = min(available, max(budget - extra, -(-budget // 3)))
        if finisher:
            answered = available
        versions = [1] * answered
        for _ in range(budget - answered):
            open_ = [i for i, v in enumerate(versions) if v < 3]
            versions[rng.choice(open_)] += 1
        finals = []
        for position in range(answered):
            roll = rng.random()
            if finisher:
                state = "approved"
            elif position >= answered - 2:  # the participant's frontier
                state = (
                    "submitted"
                    if roll < 0.45
                    else "rejected"
                    if roll < 0.55
                    else "appealed"
                    if roll < 0.58
                    else "approved"
                )
            else:
                state = "approved" if roll < 0.95 else "rejected" if roll < 0.98 else "submitted"
            finals.append(state)
        return versions, finals

    def _requirements(
        self,
        enrolment_id: int,
        plan: PathPlan,
        enrolled: datetime,
        versions: list[int],
        finals: list[str],
    ) -> datetime:
        """Every version of every answered requirement, with reviews; the last decision time."""
        rng, now = self.rng, self.now
        span = (now - enrolled).total_seconds()
        last = enrolled
        for position, (count, final) in enumerate(zip(versions, finals, strict=True)):
            requirement = plan.requirements[position]
            at = enrolled + timedelta(seconds=span * (position + rng.random()) / (len(finals) + 1))
            if final == "submitted" and position == len(finals) - 1:
                at = max(at, now - timedelta(days=rng.uniform(0, 60)))
            for version in range(1, count + 1):
                sent = at - timedelta(days=3 * (count - version))
                state = (
                    final
                    if version == count
                    else ("rejected" if rng.random() < 0.85 else "superseded")
                )
                decided = min(now, sent + timedelta(hours=rng.uniform(2, 120)))
                last = max(last, decided)
                self._submission(
                    enrolment_id,
                    plan,
                    requirement,
                    version=version,
                    state=state,
                    sent=sent,
                    decided=decided,
                )
        return last

    def _submission(
        self,
        enrolment_id: int,
        plan: PathPlan,
        requirement: Req,
        *,
        version: int,
        state: str,
        sent: datetime,
        decided: datetime,
    ) -> None:
        rng = self.rng
        submission_id = self._id("submissions")
        final = decided if state in ("approved", "rejected") else None
        row = (submission_id, enrolment_id, requirement.id, version, state, "", sent, final)
        self._add("submissions", row)
        level = rng.choice(requirement.levels) if requirement.levels else None
        method = requirement.method
        if state == "approved":
            for assessor in rng.sample(plan.assessors, requirement.approvals):
                self._review(submission_id, assessor, "approve", level, method, decided)
        elif state == "rejected":
            self._review(submission_id, rng.choice(plan.assessors), "reject", None, method, decided)
        elif state == "appealed":
            review = self._review(
                submission_id, rng.choice(plan.others), "reject", None, method, decided
            )
            reason = "The assessor missed the second file."
            appealed = decided + timedelta(days=1)
            self._add("appeals", (self._id("appeals"), submission_id, review, reason, appealed))
        elif state == "submitted" and requirement.approvals > 1 and rng.random() < 0.5:
            # The first of two approvals, by someone else than the measured assessor.
            self._review(submission_id, rng.choice(plan.others), "approve", level, method, decided)

    def _review(self, *row: Any) -> int:
        """Add a review of ``(submission, assessor, decision, level, method, at)``; its id."""
        submission_id, assessor, decision, level, method, at = row
        review_id = self._id("reviews")
        feedback = "" if decision == "approve" else "Please show the budget you worked with."
        self._add(
            "reviews",
            (review_id, submission_id, assessor, decision, feedback, level, method, None, at),
        )
        return review_id
