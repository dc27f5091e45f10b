/** @odoo-module **/
// Copyright 2026 carpass_odoo contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {user} from "@web/core/user";

const REFRESH_MS = 60000;

export class CarpassCounter extends Component {
    static template = "carpass_odoo.CarpassCounter";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({count: 0, visible: false});
        onWillStart(async () => {
            this.state.visible = await user.hasGroup("carpass_odoo.group_carpass_user");
            await this.refresh();
        });
        const timer = setInterval(() => this.refresh(), REFRESH_MS);
        // After every action (send, confirm, edit...) the count may have changed.
        const onUiUpdated = () => this.refresh();
        this.env.bus.addEventListener("ACTION_MANAGER:UI-UPDATED", onUiUpdated);
        onWillUnmount(() => {
            clearInterval(timer);
            this.env.bus.removeEventListener("ACTION_MANAGER:UI-UPDATED", onUiUpdated);
        });
    }

    async refresh() {
        if (!this.state.visible) {
            return;
        }
        this.state.count = await this.orm.call(
            "carpass.registration",
            "carpass_attention_count",
            []
        );
    }

    openOverview() {
        this.action.doAction("carpass_odoo.action_carpass_registration", {
            clearBreadcrumbs: true,
        });
    }
}

registry
    .category("systray")
    .add("carpass_odoo.counter", {Component: CarpassCounter}, {sequence: 30});
