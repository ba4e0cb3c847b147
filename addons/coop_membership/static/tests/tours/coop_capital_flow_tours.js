/** @odoo-module **/

import { registry } from "@web/core/registry";

const { DateTime } = luxon;

// The officer registers a person without email who subscribes on paper, accepts the
// subscription and issues the call for payment; the accountant is then told to cash it.
registry.category("web_tour.tours").add("coop_paper_member_tour", {
    url: "/odoo/action-coop_membership.coop_subscription_request_action",
    steps: () => [
        {
            content: "New subscription request",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The person's name",
            trigger: ".o_field_widget[name=partner_name] input",
            run: "edit Tour Paper Member",
        },
        {
            trigger: ".o_field_widget[name=street] input",
            run: "edit 3 rue du Commerce",
        },
        {
            trigger: ".o_field_widget[name=zip] input",
            run: "edit 37000",
        },
        {
            trigger: ".o_field_widget[name=city] input",
            run: "edit Tours",
        },
        {
            content: "The country is the cooperative's",
            trigger: ".o_field_widget[name=country_id] input:value(France)",
        },
        {
            content: "No email: letters by post",
            trigger: ".o_field_widget[name=contact_channel] select",
            run: 'select "paper"',
        },
        {
            content: "The consumers' college",
            trigger: ".o_field_widget[name=college_id] input",
            run: "edit Consommateurs",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Consommateurs')",
            run: "click",
        },
        {
            content: "The only class open to the college is chosen",
            trigger: ".o_field_widget[name=share_class_id] input:value(Part sociale)",
        },
        {
            trigger: ".o_field_widget[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "Submit the request",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
        {
            content: "Accept it: the call for payment is issued",
            trigger: "button[name=action_validate]",
            run: "click",
        },
        {
            content: "The request waits for the payment",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Waiting for Payment')",
        },
        {
            content: "The letter to post can be printed from the request",
            trigger: "button[name=action_print_letter]",
        },
    ],
});

// The accountant records the payment on the capital call: the person is admitted.
registry.category("web_tour.tours").add("coop_capital_call_payment_tour", {
    url: "/odoo/action-coop_membership.coop_subscription_request_action",
    steps: () => [
        {
            content: "Open the subscription waiting for its payment",
            trigger: ".o_data_row:contains('Tour Paper Member') td[name=name]",
            run: "click",
        },
        {
            content: "Open the call for payment",
            trigger: "button[name=action_view_invoice]",
            run: "click",
        },
        {
            content: "Register the payment",
            trigger: ".o_form_view button[name=action_register_payment]",
            run: "click",
        },
        {
            content: "Create it",
            trigger: ".modal button[name=action_create_payments]",
            run: "click",
        },
        {
            content: "The call for payment is paid",
            trigger: ".o_form_view .ribbon span:contains('Paid')",
        },
        {
            content: "Back to the subscription request",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('SUB/')",
            run: "click",
        },
        {
            content: "The subscription is paid: the shares are in the register",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Paid')",
        },
        {
            trigger: ".o_field_widget[name=operation_id] a, .o_field_widget[name=operation_id] span",
        },
    ],
});

// The officer records a member's partial redemption and the board's decisions.
registry.category("web_tour.tours").add("coop_redemption_officer_tour", {
    url: "/odoo/action-coop_membership.coop_redemption_request_action",
    steps: () => [
        {
            content: "New redemption",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The member",
            trigger: ".o_field_widget[name=member_id] input",
            run: "edit Tour Redeemer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Redeemer')",
            run: "click",
        },
        {
            content: "The member's class is filled in",
            trigger: ".o_field_widget[name=share_class_id] input:value(Part sociale)",
        },
        {
            content: "A member who stays: a partial redemption, no exit date",
            trigger: ".o_form_view:not(:has(div[name=exit_date]))",
        },
        {
            trigger: ".o_field_widget[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "Record the board's approval",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            content: "The board also decided an early refund",
            trigger: ".o_field_widget[name=early_refund_date] input",
            run: `edit ${DateTime.now().toFormat("MM/dd/yyyy")}`,
        },
        {
            trigger: ".o_field_widget[name=early_refund_reference] input",
            run: "edit CA du 1er décembre 2026, résolution 4",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Who recorded it is kept",
            trigger: ".o_form_saved .o_field_widget[name=early_refund_user_id]",
        },
    ],
});

// The accountant pays the refunds that are payable: one decided early by the board, one
// at its statutory due date.
registry.category("web_tour.tours").add("coop_redemption_refund_tour", {
    url: "/odoo/action-coop_membership.coop_redemption_request_action",
    steps: () => [
        ...["Tour Redeemer", "Tour Due Today"].flatMap((name) => [
            {
                content: `Open the redemption of ${name}`,
                trigger: `.o_data_row:contains('${name}') td[name=member_id]`,
                run: "click",
            },
            {
                content: "Pay the refund",
                trigger: "button[name=action_register_payment]",
                run: "click",
            },
            {
                content: "Refunded, with the journal and the date of the refund",
                trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Refunded')",
            },
            {
                trigger: ".o_field_widget[name=payment_journal_id]:contains('Bank')",
            },
            {
                trigger: ".o_breadcrumb .breadcrumb-item a",
                run: "click",
            },
            {
                trigger: ".o_list_view",
            },
        ]),
    ],
});
