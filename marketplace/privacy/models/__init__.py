"""Privacy and terms models, one module per area; each area appends its import line here."""

from marketplace.privacy.models.assessments import (  # noqa: F401  (assessments area)
    ActionItem,
    Assessment,
    AssessmentNotice,
    AssessmentVersion,
    ProcessingRecord,
    ProviderPurpose,
    RiskEntry,
    TransferRow,
)
from marketplace.privacy.models.exit import (  # noqa: F401  (terms area: exit and lock-in)
    ExitCostEstimate,
    ExitPlan,
    ExitStep,
    PriceSource,
    VolumeSource,
)
from marketplace.privacy.models.terms import TermCheck, TermCheckItem, TermStatus  # noqa: F401  (terms area)
from marketplace.privacy.models.usage import ServiceInUse  # noqa: F401  (shared: services an organisation uses)
