/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";
import { loadBundle } from "@web/core/assets";
import { ensureJQuery } from "@web/core/ensure_jquery";
import { attachComponent } from "@web_editor/js/core/owl_utils";

/**
 * The website editor on the text and rationale of a member's proposal (issue #24 §1).
 *
 * Odoo's own Wysiwyg from Odoo's own bundle (web_editor.assets_wysiwyg), loaded as
 * website_forum and website_profile load it on their `textarea.o_wysiwyg_loader`
 * (loadWysiwygFromTextarea): bold, italic, lists, links and headings, no images or colours.
 * The text areas stay in the form, hidden, and carry the editor's HTML when the form is
 * posted; the server sanitizes it (fields.Html). Without JavaScript they stay plain text areas.
 *
 * One `submit` handler for both editors rather than loadWysiwygFromTextarea's per-editor
 * click handler on the submit button: two of those in one form re-click the button after
 * saving their pending images, and could post the form twice.
 */
publicWidget.registry.CoopProposalEditor = publicWidget.Widget.extend({
    selector: "form.o_coop_proposal_form",
    events: { submit: "_onCoopSubmit" },

    start() {
        const started = this._super(...arguments);
        this.coopEditors = [];
        if (!this.editableMode) {
            // Not awaited: the page and its other forms do not wait for the editor's bundle.
            this._coopLoadEditors();
        }
        return started;
    },

    async _coopLoadEditors() {
        await ensureJQuery();
        await loadBundle("web_editor.assets_wysiwyg");
        const { Wysiwyg } = await odoo.loader.modules.get("@web_editor/js/wysiwyg/wysiwyg");
        for (const textarea of this.el.querySelectorAll("textarea.o_wysiwyg_loader")) {
            this.coopEditors.push(await this._coopAttach(Wysiwyg, textarea));
        }
        // Tests wait for this class before typing in the editors.
        this.el.classList.add("o_coop_editor_ready");
    },

    async _coopAttach(Wysiwyg, textarea) {
        // loader_loading.js (web_editor) wrapped the text area with a spinner at page load.
        let wrapper = textarea.closest(".o_wysiwyg_textarea_wrapper");
        if (!wrapper) {
            wrapper = document.createElement("div");
            wrapper.className = "position-relative o_wysiwyg_textarea_wrapper";
            textarea.before(wrapper);
        }
        const value = textarea.value.trim() || "<p><br></p>";
        wrapper.after(textarea);
        textarea.classList.add("d-none");
        wrapper.replaceChildren();
        const { component: wysiwyg } = await attachComponent(this, wrapper, Wysiwyg, {
            options: {
                value,
                resizable: true,
                userGeneratedContent: true,
                height: textarea.rows > 6 ? 300 : 180,
                allowCommandImage: false,
                allowCommandVideo: false,
                allowCommandLink: true,
                toolbarOptions: {
                    showColors: false,
                    showFontSize: false,
                    showChecklist: false,
                    showImageEdit: false,
                    showImageShape: false,
                    showImagePadding: false,
                    showImageWidth: false,
                    // The page's title is the only first-level heading.
                    showHeading1: false,
                },
            },
            editingValue: value,
        });
        // The editable area is named by the text area's label, and the label focuses it.
        const editable = wrapper.querySelector(".note-editable, .odoo-editor-editable");
        const label = this.el.querySelector(`label[for='${textarea.id}']`);
        if (editable && label) {
            editable.setAttribute("role", "textbox");
            editable.setAttribute("aria-multiline", "true");
            editable.setAttribute("aria-labelledby", label.id);
            label.addEventListener("click", (ev) => {
                ev.preventDefault();
                editable.focus();
            });
            // Tab and Shift+Tab leave the editor as they leave a text area: Odoo's editor
            // would insert a tab character (or indent a list) and keep a keyboard user
            // inside. Caught on the wrapper before the editor's own handler sees it.
            wrapper.addEventListener(
                "keydown",
                (ev) => {
                    if (ev.key === "Tab" && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
                        ev.stopPropagation();
                    }
                },
                true
            );
        }
        return { textarea, wysiwyg };
    },

    _onCoopSubmit() {
        // Runs before the browser reads the form's values.
        for (const { textarea, wysiwyg } of this.coopEditors) {
            textarea.value = wysiwyg.getValue();
        }
    },
});
