"""CyberX models. One module per area; this file only re-exports them (append a line per new module)."""

from marketplace.cyber.models.assets import *  # noqa: F403
from marketplace.cyber.models.awareness import *  # noqa: F403
from marketplace.cyber.models.intel import *  # noqa: F403
