import { cookie } from "@web/core/browser/cookie";
import { router } from "@web/core/browser/router";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { companyService } from "@web/webclient/company_service";

/**
 * The back office opens on the user's cooperative *and the cooperatives under it*.
 *
 * Odoo activates only the user's current company when no company was chosen yet (no
 * `cids` in the URL or cookie). A federation's staff would then see empty member lists
 * and dashboards until they tick every regional cooperative in the switcher. On that
 * first load only, activate the current company with its allowed child companies, the way
 * the switcher itself does when one ticks a parent company; a choice made later is kept.
 */
export const coopCompanyService = {
    ...companyService,
    start(env, deps) {
        if (!("cids" in router.current) && !cookie.get("cids")) {
            const { allowed_companies: allowed, current_company: current } =
                session.user_companies;
            const ids = [current];
            const addChildren = (companyId) => {
                for (const childId of allowed[companyId]?.child_ids || []) {
                    if (!ids.includes(childId) && childId in allowed) {
                        ids.push(childId);
                        addChildren(childId);
                    }
                }
            };
            addChildren(current);
            cookie.set("cids", ids.join("-"));
        }
        return companyService.start(env, deps);
    },
};

registry.category("services").add("company", coopCompanyService, { force: true });
