from . import carpass_registration
