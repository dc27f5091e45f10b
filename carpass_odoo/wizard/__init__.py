from . import carpass_registration_wizard
from . import carpass_registration_wizard_description
from . import carpass_confirm_wizard
from . import carpass_manual_correction_wizard
from . import carpass_correction_form_wizard
from . import carpass_history_wizard
from . import carpass_probe_wizard
from . import carpass_activity_import_wizard
