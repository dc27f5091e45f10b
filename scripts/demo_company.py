# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo's Belgian set-up, run by scripts/demo.sh inside ``odoo-bin shell``.

``CARPASS_DEMO_STEP=before``: on a database holding only ``base``, before any
accounting entry exists, the main company becomes a Belgian garage (EUR, a Belgian
address, A4), so that the accounting installed next (and its chart of accounts)
is Belgian; a company's currency cannot change once entries exist.

``CARPASS_DEMO_STEP=after``: after the addon's install, every company set to the
simulator reports to ``CARPASS_DEMO_SIMULATOR_URL`` and has its connection tested
(activities synchronised, a default activity proposed), English, Dutch and French
are installed and the administrator's and the garages' language is
``CARPASS_DEMO_LANG``.
"""

import os

# ``env`` is given by odoo-bin shell.
env = globals()["env"]
step = os.environ["CARPASS_DEMO_STEP"]
# Some apps' demo data rename the main company: its identity is written again after.
BELGIAN_GARAGE = {
    "name": "Garage Janssens",
    "street": "Kerkstraat 12",
    "zip": "9000",
    "city": "Gent",
    "vat": "BE0412345614",
    "phone": "+32 9 123 45 67",
    "email": "info@garage-janssens.example",
    "website": False,
}
main_company = env.ref("base.main_company")
if step == "before":
    euro = env.ref("base.EUR")
    euro.active = True
    main_company.write(
        dict(
            BELGIAN_GARAGE,
            country_id=env.ref("base.be").id,
            currency_id=euro.id,
            paperformat_id=env.ref("base.paperformat_euro").id,
        )
    )
elif step == "after":
    main_company.write(BELGIAN_GARAGE)
    changed = env["res.company"]._carpass_use_simulator(
        os.environ["CARPASS_DEMO_SIMULATOR_URL"]
    )
    for company in env["res.company"].search([]) - changed:
        print(f"   {company.name}: not a Car-Pass company (environment not configured)")
    language = os.environ.get("CARPASS_DEMO_LANG") or "en_US"
    for code in ("en_US", "nl_BE", "fr_BE", language):
        env["res.lang"]._activate_lang(code)
    env.ref("base.user_admin").lang = language
    # The garages speak the demo's language too: what the crons write on their
    # registrations (notes, messages) is in the establishment's language.
    changed.partner_id.lang = language
    admin = env.ref("base.user_admin")
    for company in changed:
        print(f"   {company.name}: {company.carpass_simulator_url}")
        # What a garage does first: Test connection, which synchronises Car-Pass's
        # activities and proposes the default one, so the demo's first report goes
        # out with its work description.
        result = (
            company.with_user(admin)
            .with_context(allowed_company_ids=company.ids)
            .action_carpass_test_connection()
        )
        activity = company.carpass_default_activity_id.display_name or "-"
        print(
            f"      Test connection: {result['params']['type']}; default activity: {activity}"
        )
else:
    raise SystemExit(f"Unknown CARPASS_DEMO_STEP {step!r}")
env.cr.commit()
