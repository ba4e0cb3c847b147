/** @odoo-module **/

import { messageActionsRegistry } from "@mail/core/common/message_actions";

// A local group's coordinators remove others' messages from the group's discussion
// (coopCanModerate comes from discuss.channel._to_store; the server checks again).
const deleteAction = messageActionsRegistry.get("delete");
const authorsOnly = deleteAction.condition;
messageActionsRegistry.add(
    "delete",
    {
        ...deleteAction,
        condition: (component) => {
            const message = component.props.message;
            return (
                authorsOnly(component) ||
                Boolean(
                    message.thread?.coopCanModerate &&
                        message.message_type === "comment" &&
                        !message.isEmpty
                )
            );
        },
    },
    { force: true }
);
