"""The demo's tables: issuers, achievements, awards, logins and the evidence it submits."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from badges.accounts import Role

#: Shared by every demo account; the demo is for looking around, never for real people.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed on purpose, demo only

#: The smart-city framework written for the demo (paths/data/README.md says what it is).
DEMO_FRAMEWORK = files("paths") / "data" / "smart_city_framework.json"
#: Three published validation paths on that framework.
DEMO_PATHS = files("paths") / "data" / "demo_paths.json"
#: The path the demo participant is working through.
IN_PROGRESS_PATH = "scpm"
#: The path the demo participant has completed (and holds its credential).
COMPLETED_PATH = "iot-sensor-networks"
#: What the demo assessor wrote when sending the first in-progress answer back.
REJECTION_FEEDBACK = (
    "A good start: the stakeholder map is clear. Please add how each group was involved "
    "(meetings, surveys, co-design sessions) and what changed in the project because of it."
)
DEMO_ANSWERS = (
    "I mapped the stakeholders of the Sofia air-quality pilot: the district administration, "
    "two schools, the public transport operator and a residents' association. The map and "
    "how I involved each group are in the attached summary.",
    "Project charter for the smart street-lighting pilot in Lozenets: goals, scope, budget "
    "of 180,000 EUR, a 14-month schedule and the risks we track.",
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One demo account: what it is for, and how to sign in."""

    role: Role
    email: str
    name: str


@dataclass(frozen=True, slots=True)
class DemoIssuer:
    """A partner organisation and its public issuer profile (OB ``Profile``)."""

    slug: str
    organisation: str
    name: str
    url: str
    email: str
    description: str
    #: Street, postal code, locality, region, ISO 3166-1 country code.
    address: tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class DemoAchievement:
    """A badge class of one demo issuer; ``alignments`` are (name, code) in the programme."""

    issuer: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    validity_days: int | None = None
    alignments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DemoAward:
    """One credential: who gets which achievement, and what happened to it since."""

    achievement: str
    name: str
    email: str
    days_ago: int = 0
    shared: bool = False
    show_name: bool = False
    revoked_because: str | None = None


DEMO_ISSUERS = (
    DemoIssuer(
        "sofia-smart-city-academy",
        "Sofia Smart City Academy (demo)",
        "Sofia Smart City Academy",
        "https://sofia-academy.example.org",
        "badges@sofia-academy.example.org",
        "Demo issuer: trains municipal staff in Sofia to plan and run smart-city projects.",
        ("115 Tsarigradsko Shose Blvd", "1784", "Sofia", "Sofia City", "BG"),
    ),
    DemoIssuer(
        "cluj-urban-innovation-lab",
        "Cluj Urban Innovation Lab (demo)",
        "Cluj Urban Innovation Lab",
        "https://cluj-lab.example.org",
        "credentials@cluj-lab.example.org",
        "Demo issuer: hands-on courses on sensors, open data and urban mobility in Cluj-Napoca.",
        ("21 Strada Memorandumului", "400114", "Cluj-Napoca", "Cluj", "RO"),
    ),
)

SOFIA, CLUJ = (issuer.slug for issuer in DEMO_ISSUERS)
DEMO_ORGANISATIONS = tuple((issuer.slug, issuer.organisation) for issuer in DEMO_ISSUERS)

DEMO_ACHIEVEMENTS = (
    DemoAchievement(
        SOFIA,
        "Smart City Project Developer",
        "Plans, budgets and runs a smart-city project with citizens and city departments.",
        "Completed the **validation path**: a project plan, a stakeholder map and a pilot "
        "report, each approved by an assessor.",
        "Certificate",
        validity_days=3 * 365,
        alignments=(("Project planning", "SC-PM-1"), ("Citizen engagement", "SC-PM-2")),
    ),
    DemoAchievement(
        SOFIA,
        "Smart Cities Info Day Sofia 2026",
        "Took part in the Smart Cities Info Day in Sofia, 12 March 2026.",
        "Attended the info day and its workshop on data-driven city services.",
        "Badge",
    ),
    DemoAchievement(
        CLUJ,
        "IoT Sensor Networks for Municipal Services",
        "Installs, configures and maintains sensor networks for air quality, parking and lighting.",
        "Passed the practical assessment: a working **LoRaWAN** sensor node and its data feed.",
        "Course",
        validity_days=365,
        alignments=(("Sensor networks", "SC-IOT-1"),),
    ),
    DemoAchievement(
        CLUJ,
        "Urban Mobility Data Analyst",
        "Turns traffic and public-transport data into decisions a city council can act on.",
        "Delivered an analysis of real mobility data, reviewed by two assessors.",
        "Certificate",
        validity_days=3 * 365,
        alignments=(("Open data analysis", "SC-DATA-2"),),
    ),
)

PARTICIPANT_EMAIL = "participant@demo.example"
DEMO_AWARDS = (
    DemoAward("Smart City Project Developer", "Maria Ivanova", PARTICIPANT_EMAIL,
              shared=True, show_name=True),
    DemoAward("Smart Cities Info Day Sofia 2026", "Maria Ivanova", PARTICIPANT_EMAIL,
              shared=True),
    DemoAward("Smart Cities Info Day Sofia 2026", "Georgi Petrov", "georgi.petrov@example.org"),
    DemoAward("Urban Mobility Data Analyst", "Ioana Mureșan", "ioana.muresan@example.org"),
    DemoAward("IoT Sensor Networks for Municipal Services", "Radu Popa", "radu.popa@example.org",
              days_ago=400),
    DemoAward("Urban Mobility Data Analyst", "Victor Stan", "victor.stan@example.org",
              revoked_because="Awarded by mistake: the analysis was not yet reviewed."),
)  # fmt: skip

DEMO_LOGINS = (
    DemoLogin(Role.PARTICIPANT, PARTICIPANT_EMAIL, "Maria Ivanova"),
    DemoLogin(Role.ASSESSOR, "assessor@demo.example", "Dr. Andrei Popescu"),
    DemoLogin(Role.ISSUER_ADMIN, "issuer@demo.example", "Elena Georgieva"),
    DemoLogin(Role.PLATFORM_ADMIN, "admin@demo.example", "Platform Administrator"),
)
