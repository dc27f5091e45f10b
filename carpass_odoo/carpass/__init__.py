# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Car-Pass protocol: client, payloads and local checks.

Plain Python: never imports odoo.
"""

from .client import CarpassClient
from .exceptions import (
    CarpassAuthenticationError,
    CarpassError,
    CarpassNotFoundError,
    CarpassOrganisationError,
    CarpassProtocolError,
    CarpassTimeoutError,
    CarpassTransientError,
    CarpassUnavailableError,
    CarpassValidationError,
    FieldError,
)
from .payloads import (
    ENVIRONMENT_URLS,
    LANGUAGES,
    Activity,
    Correction,
    DescriptionResult,
    Issue,
    ManualCorrection,
    Observation,
    ObservationResult,
    SoftwareId,
    Status,
    VehicleHistory,
    WorkDescription,
)
