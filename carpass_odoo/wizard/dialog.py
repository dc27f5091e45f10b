# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The action that shows a wizard (again) in its dialog."""


def wizard_dialog(wizard, name):
    """An ``ir.actions.act_window`` dict opening ``wizard`` (one record) in a dialog
    titled ``name`` (already translated): a button that keeps the wizard open, e.g.
    to show a result or a suggestion, returns it."""
    return {
        "type": "ir.actions.act_window",
        "res_model": wizard._name,
        "res_id": wizard.id,
        "view_mode": "form",
        "target": "new",
        "name": name,
    }
