/** @odoo-module **/
// Copyright 2026 carpass_odoo contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// Browser tours of tests/test_tours.py. The Python test builds the records and checks
// what the clicks left in the database and at the Car-Pass simulator; these steps click
// where garage staff click and assert what they see on the way.
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const wizard = ".modal:has(.o_form_view .o_field_widget[name=findings_html])";

/** The repair form of the test: End Repair opens the Car-Pass wizard, prefilled. */
function endRepairSteps() {
    return [
        {
            content: "The repair shows its vehicle and odometer reading",
            trigger: ".o_form_view .o_field_widget[name=carpass_odometer] input:value(/^45.?321$/)",
        },
        {
            content: "End the repair",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_repair_end]:visible",
            run: "click",
        },
        {
            content: "The Car-Pass wizard opens with the reading of the repair",
            trigger: `${wizard} .o_field_widget[name=odometer] input:value(/^45.?321$/)`,
        },
        {
            content: "Its VIN comes from the vehicle",
            trigger: `${wizard} .o_field_widget[name=vin] input:value(/^WVW/)`,
        },
        {
            content: "The local checks found nothing",
            trigger: `${wizard} .o_field_widget[name=findings_html] .alert-success`,
        },
    ];
}

tours.add("carpass_end_repair_send", {
    steps: () => [
        ...endRepairSteps(),
        {
            content: "The systray counter counts the report waiting in the wizard",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(1)",
        },
        {
            content: "Send to Car-Pass",
            trigger: `${wizard} .modal-footer button[name=action_send]`,
            run: "click",
        },
        {
            content: "Car-Pass answers: accepted",
            trigger: ".o_notification:has(.o_notification_content:contains(Accepted))",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The repair shows the Car-Pass status",
            trigger: ".o_form_view .o_field_widget[name=carpass_state]:contains(Accepted)",
        },
        {
            // No screen opened since the wizard: the counter followed the dialog.
            content: "The systray counter no longer counts it",
            trigger: ".o_carpass_counter_badge.text-bg-success:contains(0)",
        },
    ],
});

tours.add("carpass_end_repair_postpone", {
    steps: () => [
        ...endRepairSteps(),
        {
            content: "Correct the reading typed on the repair",
            trigger: `${wizard} .o_field_widget[name=odometer] input`,
            run: "edit 45322 && press Tab",
        },
        {
            content: "The checks run again on the new reading",
            trigger: `${wizard} .o_field_widget[name=findings_html] .alert-success`,
        },
        {
            content: "Don't send now",
            trigger: `${wizard} .modal-footer button[name=action_postpone]`,
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The repair is done and its report waits as Not Sent",
            trigger: ".o_form_view .o_field_widget[name=carpass_state]:contains(Not Sent)",
        },
        {
            content: "The systray counter counts it",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(1)",
        },
    ],
});

tours.add("carpass_overview_correct_resend", {
    steps: () => [
        {
            content: "The systray counter shows the registration with an anomaly",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(1)",
        },
        {
            content: "The counter opens the overview",
            trigger: ".o_carpass_counter button",
            run: "click",
        },
        {
            content: "The overview lists it, as an anomaly",
            trigger: ".o_list_view .o_data_row:has(.o_field_widget[name=state]:contains(Anomaly)) .o_data_cell[name=odometer]:contains(/79.?500/)",
        },
        {
            content: "The pencil opens the wizard",
            trigger: ".o_list_view .o_data_row:has(.o_field_widget[name=state]:contains(Anomaly)) button[name=action_edit_in_wizard]",
            run: "click",
        },
        {
            content: "The wizard repeats why: the reading is lower than the previous one",
            trigger: `${wizard} .o_field_widget[name=findings_html] .badge.text-bg-warning`,
        },
        {
            content: "Type the right reading",
            trigger: `${wizard} .o_field_widget[name=odometer] input`,
            run: "edit 81500 && press Tab",
        },
        {
            content: "The checks pass now",
            trigger: `${wizard} .o_field_widget[name=findings_html] .alert-success`,
        },
        {
            content: "Send the correction",
            trigger: `${wizard} .modal-footer button[name=action_send]`,
            run: "click",
        },
        {
            content: "Car-Pass accepts the correction",
            trigger: ".o_notification:has(.o_notification_content:contains(Accepted))",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The overview, reloaded below the dialog, is empty",
            trigger: ".o_view_nocontent",
        },
        {
            content: "Without opening another screen, nothing needs attention any more",
            trigger: ".o_carpass_counter_badge.text-bg-success:contains(0)",
        },
    ],
});

tours.add("carpass_overview_confirm_correct", {
    steps: () => [
        {
            content: "The systray counter counts the round reading",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(1)",
        },
        {
            content: "The overview lists the round reading Car-Pass flagged",
            trigger: ".o_list_view .o_data_row:has(.o_field_widget[name=state]:contains(Anomaly)) .o_data_cell[name=odometer]:contains(/50.?000/)",
        },
        {
            content: "A manager confirms it as correct with the green check",
            trigger: ".o_list_view .o_data_row button[name=action_open_confirm_wizard]",
            run: "click",
        },
        {
            content: "The dialog warns that Car-Pass cannot undo it",
            trigger: ".modal .alert-warning:contains(cannot undo)",
        },
        {
            content: "Say why the reading is right",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit The odometer really shows 50000 km.",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Car-Pass registers the confirmation",
            trigger: ".o_notification:has(.o_notification_content:contains(Confirmed))",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The systray counter follows: nothing needs attention",
            trigger: ".o_carpass_counter_badge.text-bg-success:contains(0)",
        },
    ],
});

tours.add("carpass_registration_back_to_draft", {
    steps: () => [
        {
            content: "A skipped registration needs no attention",
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current[data-value=skipped]",
        },
        {
            content: "The systray counter is at zero",
            trigger: ".o_carpass_counter_badge.text-bg-success:contains(0)",
        },
        {
            content: "Put it back to Not Sent after all",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_reset_to_draft]",
            run: "click",
        },
        {
            content: "The form shows it waiting",
            trigger: ".o_form_view .o_field_widget[name=state] .o_arrow_button_current[data-value=draft]",
        },
        {
            // The button only reloaded the form: no screen or dialog opened.
            content: "The systray counter counts it at once",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(1)",
        },
    ],
});

// The history opens Car-Pass's public page in a new tab: record where instead of opening.
let openedUrls = [];
let realOpen = null;

tours.add("carpass_vehicle_history", {
    steps: () => [
        {
            content: "Ask the vehicle's Car-Pass history from its form",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_carpass_history]",
            run: "click",
        },
        {
            content: "The wizard is prefilled with the vehicle's VIN",
            trigger: ".modal .o_field_widget[name=vin] input:value(/^WVW/)",
        },
        {
            content: "Type the reading on the odometer today",
            trigger: ".modal .o_field_widget[name=odometer] input",
            run: "edit 45123 && press Tab",
        },
        {
            content: "VIN and reading pass the checks",
            trigger: ".modal .o_field_widget[name=findings_html] .alert-success",
            run() {
                openedUrls = [];
                realOpen = browser.open;
                browser.open = (url) => {
                    openedUrls.push(url);
                    // Looks like an open tab, so no "pop-up blocked" warning.
                    return {closed: false};
                };
            },
        },
        {
            content: "Request the history",
            trigger: ".modal .modal-footer button[name=action_request]",
            run: "click",
        },
        {
            content: "The wizard closes",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Open the Car-Pass tab of the vehicle",
            trigger: ".o_form_view .o_notebook a[name=page_carpass_history]",
            run: "click",
        },
        {
            content: "The new tab showed the public page kept on the vehicle",
            trigger: ".o_form_view .o_field_widget[name=carpass_history_state]:contains(Valid)",
            run() {
                browser.open = realOpen;
                const link = document.querySelector(
                    ".o_form_view .o_field_widget[name=carpass_history_url] a"
                );
                if (!link) {
                    throw new Error("The vehicle shows no public history link.");
                }
                const kept = link.getAttribute("href");
                if (openedUrls.length !== 1 || openedUrls[0] !== kept) {
                    throw new Error(
                        `Opened ${JSON.stringify(openedUrls)} instead of ${kept} in a new tab.`
                    );
                }
            },
        },
    ],
});

/** Open a menu by its XML id: the app, a section or a section's item. */
function menuStep(xmlid, content) {
    return {
        content,
        trigger: `[data-menu-xmlid='${xmlid}']`,
        run: "click",
    };
}

function openAppSteps(xmlid, content) {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        menuStep(xmlid, content),
    ];
}

// A garage's day in Dutch: the mechanic ends a repair and reads what Car-Pass's remark
// means, the manager checks the counter, the set-up and the dashboard, the accountant
// finds the repairs never reported.
tours.add("carpass_garage_day_nl", {
    steps: () => [
        {
            content: "The repair shows the last known reading and today's plausible range",
            trigger: ".o_form_view .o_field_widget[name=carpass_reading_hint]:contains(km)",
        },
        {
            content: "The counter counts the failed work description and the unreported repair",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(2)",
        },
        {
            content: "End the repair",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_repair_end]:visible",
            run: "click",
        },
        {
            content: "Send to Car-Pass",
            trigger: `${wizard} .modal-footer button[name=action_send]`,
            run: "click",
        },
        {
            content: "Car-Pass flags the reading: a warning, not a success",
            trigger: ".o_notification:has(.o_notification_bar.bg-warning):has(.o_notification_content:contains(Anomalie))",
        },
        {
            content: "The counter now counts the anomaly too",
            trigger: ".o_carpass_counter_badge.text-bg-danger:contains(3)",
        },
        {
            content: "The counter opens the overview",
            trigger: ".o_carpass_counter button",
            run: "click",
        },
        {
            content: "Open the registration with the anomaly",
            trigger: ".o_list_view .o_data_row:has(.o_field_widget[name=state]:contains(Anomalie)) .o_data_cell[name=vin]",
            run: "click",
        },
        {
            content: "Open its remarks",
            trigger: ".o_form_view .o_notebook a[name=issues]",
            run: "click",
        },
        {
            content: "Car-Pass's remark is explained in Dutch, with what to do",
            trigger: ".o_field_widget[name=issue_ids] .o_data_row:contains(rond getal):contains(kilometerteller)",
        },
        {
            content: "Its action is one click away",
            trigger: ".o_field_widget[name=issue_ids] .o_data_row button[name=action_carpass_settle]:contains(Als correct bevestigen)",
        },
        {
            content: "No code of Car-Pass among the remarks",
            trigger: ".o_field_widget[name=issue_ids]:not(:contains(ROUNDED_READING))",
        },
        ...openAppSteps("carpass_odoo.menu_carpass_root", "Open the Car-Pass app"),
        {
            content: "Open the Car-Pass configuration",
            trigger: ".o_menu_sections [data-menu-xmlid='carpass_odoo.menu_carpass_configuration']",
            run: "click",
        },
        menuStep("carpass_odoo.menu_carpass_settings", "Open the Car-Pass settings"),
        {
            content: "Type a simulator URL without http://",
            trigger: ".o_field_widget[name=carpass_simulator_url] input",
            run: "edit 127.0.0.1:8765/api",
        },
        {
            content: "Save",
            trigger: ".o_control_panel .o_form_button_save",
            run: "click",
        },
        {
            content: "Refused on save, in Dutch, saying what a URL needs",
            trigger: ".modal:contains(127.0.0.1:8765/api):contains(moet beginnen met http://)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Discard the change",
            trigger: ".o_control_panel .o_form_button_cancel",
            run: "click",
        },
        {
            content: "The saved URL is back",
            trigger: ".o_field_widget[name=carpass_simulator_url] input:value(/^http:/)",
        },
        menuStep("carpass_odoo.menu_carpass_compliance", "Open the compliance dashboard"),
        {
            content: "The dashboard shows the reports per establishment",
            trigger: ".o_pivot th.o_pivot_header_cell_opened:contains(Test Garage A)",
        },
        {
            content: "with the share of flagged readings",
            trigger: ".o_pivot th:contains(Gemarkeerd door Car-Pass)",
        },
        ...openAppSteps("account.menu_finance", "Open Invoicing"),
        {
            content: "Open the customers' menu",
            trigger: ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        menuStep(
            "carpass_odoo.menu_repair_without_carpass_report",
            "Open the repairs without a Car-Pass report"
        ),
        {
            content: "The accountant's filter is on",
            trigger: ".o_searchview_facet:contains(Zonder Car-Pass-melding)",
        },
        {
            content: "It lists the repair whose reading never reached Car-Pass",
            trigger: ".o_list_view .o_data_row:contains(TOUR-LATE)",
        },
        {
            content: "and not the one reported today",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(TOUR-NL)))",
        },
    ],
});
