/** @odoo-module **/

import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/** Fill a many2one in the open dialog and pick the proposal that contains `text`. */
function pickInDialog(field, text) {
    return [
        {
            content: `Type ${text}`,
            trigger: `.modal .o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `Pick ${text}`,
            trigger: `.o-autocomplete--dropdown-item > a:contains('${text}')`,
            run: "click",
        },
    ];
}

function checkIn(name) {
    return [
        ...pickInDialog("voter_id", name),
        {
            content: `Check ${name} in`,
            trigger: ".modal button[name=action_checkin_next]",
            run: "click",
        },
        {
            content: `${name} is checked in`,
            trigger: `.modal .alert-success:contains('${name}')`,
        },
    ];
}

function recordVote(name, channel, choice) {
    return [
        ...pickInDialog("voter_id", name),
        {
            content: `Channel: ${channel}`,
            trigger: `.modal .o_field_widget[name=channel] input[data-value=${channel}]`,
            run: "click",
        },
        {
            content: `Choice: ${choice}`,
            trigger: `.modal .o_field_widget[name=choice] input[data-value=${choice}]`,
            run: "click",
        },
        {
            content: `Record the vote of ${name}`,
            trigger: ".modal button[name=action_record_next]",
            run: "click",
        },
        {
            content: `The vote of ${name} is recorded`,
            trigger: `.modal .alert-success:contains('${name}')`,
        },
    ];
}

function confirmDialog() {
    return {
        content: "Confirm",
        trigger: ".modal-footer .btn-primary",
        run: "click",
    };
}

function statusIs(label) {
    return {
        content: `The assembly is ${label}`,
        trigger: `.o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
    };
}

// The secretary of the assemblies prepares an assembly and convenes it: email for the
// members who have one, paper letters, ballots and proxy forms for the others.
registry.category("web_tour.tours").add("coop_governance_prepare_tour", {
    url: "/odoo/action-coop_governance.coop_assembly_action",
    steps: () => [
        {
            content: "Prepare a new assembly",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit AG tour 2027",
        },
        {
            content: "Date it six weeks ahead",
            trigger: ".o_field_widget[name=date] input",
            run: `edit ${DateTime.now().plus({ days: 42 }).toFormat("MM/dd/yyyy 14:00:00")}`,
        },
        {
            content: "Open the resolutions",
            trigger: ".o_notebook .nav-link:contains('Resolutions')",
            run: "click",
        },
        {
            content: "Write a resolution before the assembly is saved",
            trigger: ".o_field_widget[name=resolution_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Its title",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Approbation des comptes 2026",
        },
        {
            content: "Keep it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The resolution is listed",
            trigger: ".o_field_widget[name=resolution_ids] .o_data_row:contains('Approbation des comptes 2026')",
        },
        {
            content: "Save the assembly",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Convene",
            trigger: ".o_form_saved button[name=action_convene]",
            run: "click",
        },
        confirmDialog(),
        statusIs("Convened"),
        {
            content: "Send the convocations",
            trigger: "button[name=action_send_convocations]",
            run: "click",
        },
        {
            content: "Print the paper convocations",
            trigger: "button[name=action_print_paper_convocations]",
            run: "click",
        },
        statusIs("Convened"),
    ],
});

// On the day: check-in with a proxy, in-room, postal and proxy votes, closing and the
// minutes, signed off.
registry.category("web_tour.tours").add("coop_governance_session_tour", {
    steps: () => [
        {
            content: "Open the assembly",
            trigger: ".o_form_view button[name=action_open]",
            run: "click",
        },
        statusIs("Open"),
        {
            content: "Open the check-in desk",
            trigger: "button[name=action_open_checkin]",
            run: "click",
        },
        ...checkIn("Bernard Roux"),
        ...checkIn("Nadia Chevalier"),
        ...checkIn("Romain Blanc"),
        ...pickInDialog("voter_id", "Hugo Lacroix"),
        {
            content: "Hugo gives a proxy",
            trigger: ".modal .o_field_widget[name=attendance] input[data-value=represented]",
            run: "click",
        },
        ...pickInDialog("proxy_holder_id", "Bernard Roux"),
        {
            content: "Record the proxy",
            trigger: ".modal button[name=action_checkin_next]",
            run: "click",
        },
        {
            content: "Hugo is represented",
            trigger: ".modal .alert-success:contains('Hugo Lacroix')",
        },
        {
            content: "Close the desk",
            trigger: ".modal-footer button[special=cancel]",
            run: "click",
        },
        {
            content: "Go to the resolutions",
            trigger: ".o_form_view:not(:has(.modal)) button[name=action_view_resolutions]",
            run: "click",
        },
        {
            content: "Open the resolution",
            trigger: ".o_data_row:contains('Approbation des comptes 2026') td[name=name]",
            run: "click",
        },
        {
            content: "Open the vote",
            trigger: "button[name=action_start_vote]",
            run: "click",
        },
        {
            content: "Record the votes",
            trigger: "button[name=action_record_vote]",
            run: "click",
        },
        ...recordVote("Bernard Roux", "in_room", "yes"),
        ...recordVote("Nadia Chevalier", "in_room", "yes"),
        ...recordVote("Romain Blanc", "in_room", "no"),
        ...recordVote("Agnès Faure", "postal", "yes"),
        ...recordVote("Hugo Lacroix", "proxy", "yes"),
        {
            content: "Close the desk",
            trigger: ".modal-footer button[special=cancel]",
            run: "click",
        },
        {
            content: "Close the vote",
            trigger: "body:not(:has(.modal)) button[name=action_close_vote]",
            run: "click",
        },
        confirmDialog(),
        {
            content: "The resolution is adopted",
            trigger: ".o_form_view .ribbon:contains('Adopted')",
        },
        {
            content: "Back to the assembly",
            trigger: ".breadcrumb-item a:contains('AG tour session')",
            run: "click",
        },
        {
            content: "Print the draft minutes while the assembly is open",
            trigger: ".o_form_view button[name=action_print_minutes]:contains('Draft')",
            run: "click",
        },
        {
            content: "Close the assembly",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        confirmDialog(),
        statusIs("Closed"),
        {
            content: "The chair signs",
            trigger: "button[name=action_sign_chair]",
            run: "click",
        },
        {
            content: "The secretary signs",
            trigger: "button[name=action_sign_secretary]",
            run: "click",
        },
        {
            content: "The minutes are signed: print them",
            trigger: ".o_form_view:not(:has(button[name=action_sign_secretary])) button[name=action_print_minutes]:not(:contains('Draft'))",
            run: "click",
        },
        statusIs("Closed"),
    ],
});
