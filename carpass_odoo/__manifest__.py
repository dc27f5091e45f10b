# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Car-Pass",
    "summary": "Report odometer readings, VIN and work descriptions to Car-Pass (Belgium)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/carpass-odoo/carpass_odoo",
    "author": "carpass_odoo contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["fleet", "repair", "mail"],
    "external_dependencies": {"python": ["requests", "python-stdnum"]},
    "data": [
        "security/carpass_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence.xml",
        "data/ir_cron.xml",
        "views/carpass_registration_views.xml",
        "views/repair_order_views.xml",
        "views/fleet_vehicle_views.xml",
        "views/res_company_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/carpass_registration_wizard_views.xml",
        "wizard/carpass_confirm_wizard_views.xml",
        "wizard/carpass_manual_correction_wizard_views.xml",
        "data/ir_actions_server.xml",
        "reports/carpass_reports.xml",
        "reports/carpass_correction_form_templates.xml",
        "reports/repair_order_templates.xml",
    ],
    "demo": ["demo/carpass_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "carpass_odoo/static/src/**/*",
        ],
        "web.assets_tests": [
            "carpass_odoo/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": True,
}
