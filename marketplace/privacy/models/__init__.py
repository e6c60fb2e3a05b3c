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
from marketplace.privacy.models.usage import ServiceInUse  # noqa: F401  (shared: services an organisation uses)
