/** @odoo-module **/
// Copyright 2026 carpass_odoo contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {RPCError, rpcBus} from "@web/core/network/rpc";
import {UPDATE_METHODS} from "@web/core/orm_service";
import {registry} from "@web/core/registry";
import {KeepLast} from "@web/core/utils/concurrency";
import {useBus, useService} from "@web/core/utils/hooks";
import {useDebounced} from "@web/core/utils/timing";
import {user} from "@web/core/user";

const REFRESH_MS = 60000;
// The server stops counting here (ATTENTION_COUNT_CAP in
// models/carpass_registration.py).
const COUNT_CAP = 1000;
// A wizard button saves the wizard, runs, then closes the dialog and reloads the view
// below: one count once the clicks settle, not one per call.
const DEBOUNCE_MS = 300;

function capped(count) {
    return count >= COUNT_CAP ? `${COUNT_CAP - 1}+` : String(count);
}

/** Models whose buttons and writes can change what needs attention. */
function isCarpassModel(model) {
    return Boolean(model) && (model.startsWith("carpass.") || model === "repair.order");
}

/**
 * Whether a call may change which registrations need attention: a button (End Repair,
 * the wizards' Send / Don't Send / Confirm, the overview's buttons), a server action
 * (Submit / Resend on selected registrations) or a write, on a Car-Pass model.
 */
export function mayChangeAttention(url, params) {
    if (url === "/web/action/run") {
        return isCarpassModel(params.context?.active_model);
    }
    const isButton = url.startsWith("/web/dataset/call_button/");
    return (
        isCarpassModel(params.model) &&
        (isButton || UPDATE_METHODS.includes(params.method))
    );
}

export class CarpassCounter extends Component {
    static template = "carpass_odoo.CarpassCounter";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({count: 0, overdue: 0, visible: false});
        this.keepLast = new KeepLast();
        this.scheduleRefresh = useDebounced(this.refresh, DEBOUNCE_MS);
        onWillStart(async () => {
            this.state.visible = await user.hasGroup("carpass_odoo.group_carpass_user");
            await this.refresh();
        });
        const timer = setInterval(() => this.refresh(), REFRESH_MS);
        onWillUnmount(() => clearInterval(timer));
        // A screen or a dialog opened.
        useBus(this.env.bus, "ACTION_MANAGER:UI-UPDATED", this.scheduleRefresh);
        // A button, server action or save answered: closing a dialog or reloading a
        // list or form opens no screen. The RPC's data object is the same in the
        // request (which knows the URL) and in the response (after the commit).
        const watched = new WeakSet();
        useBus(rpcBus, "RPC:REQUEST", ({detail: {data, url}}) => {
            if (this.state.visible && mayChangeAttention(url, data.params)) {
                watched.add(data);
            }
        });
        useBus(rpcBus, "RPC:RESPONSE", ({detail: {data, error}}) => {
            // A server error still counts: sending commits as it goes, so a failed
            // call may have changed registrations all the same.
            if (watched.delete(data) && (!error || error instanceof RPCError)) {
                this.scheduleRefresh();
            }
        });
    }

    get countLabel() {
        return capped(this.state.count);
    }

    get overdueLabel() {
        return capped(this.state.overdue);
    }

    async refresh() {
        if (!this.state.visible) {
            return;
        }
        // Silent: no loading indicator for a background count. KeepLast: an older
        // answer arriving late never overwrites a newer one.
        const summary = await this.keepLast.add(
            this.orm.silent.call("carpass.registration", "carpass_attention_summary", [])
        );
        this.state.count = summary.count;
        this.state.overdue = summary.overdue;
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
