"""Validation paths: framework, evidence, assessor review, certification (issue #6).

So far the competence framework: versioned, immutable once imported, read from and written to
JSON and CSV. Other packages and the adapters (``paths.cli``, later ``paths.web``) import from here.
"""

from paths.errors import (
    FrameworkInvalid,
    FrameworkIssue,
    FrameworkNotFound,
    FrameworkVersionConflict,
)
from paths.framework_csv import dump_framework_csv, load_framework_csv
from paths.framework_export import (
    dump_framework_json,
    export_framework_csv,
    export_framework_json,
    framework_document,
)
from paths.framework_json import check_framework, load_framework_json
from paths.framework_spec import (
    FORMAT,
    CriterionSpec,
    CurriculumSpec,
    ElementSpec,
    FrameworkSpec,
    LearningUnitSpec,
    RoleSpec,
    UnitSpec,
)
from paths.framework_store import (
    ImportResult,
    find_framework,
    framework_spec,
    import_framework,
    list_frameworks,
)
from paths.languages import LANGUAGES, pick_text
from paths.models import (
    Curriculum,
    Element,
    Framework,
    LearningUnit,
    LearningUnitElement,
    PerformanceCriterion,
    RoleUnit,
    Unit,
    WorkRole,
)

__all__ = [
    "FORMAT",
    "LANGUAGES",
    "CriterionSpec",
    "Curriculum",
    "CurriculumSpec",
    "Element",
    "ElementSpec",
    "Framework",
    "FrameworkInvalid",
    "FrameworkIssue",
    "FrameworkNotFound",
    "FrameworkSpec",
    "FrameworkVersionConflict",
    "ImportResult",
    "LearningUnit",
    "LearningUnitElement",
    "LearningUnitSpec",
    "PerformanceCriterion",
    "RoleSpec",
    "RoleUnit",
    "Unit",
    "UnitSpec",
    "WorkRole",
    "check_framework",
    "dump_framework_csv",
    "dump_framework_json",
    "export_framework_csv",
    "export_framework_json",
    "find_framework",
    "framework_document",
    "framework_spec",
    "import_framework",
    "list_frameworks",
    "load_framework_csv",
    "load_framework_json",
    "pick_text",
]
