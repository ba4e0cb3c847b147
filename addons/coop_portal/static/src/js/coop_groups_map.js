/** @odoo-module **/
/* global L */

import publicWidget from "@web/legacy/js/public/public_widget";

const IMAGES = "/coop_portal/static/lib/leaflet/images/";

/**
 * The map of the local groups page: one marker per group with coordinates, its popup
 * linking to the group's page. The data comes from the page (data-map): markers, tile URL
 * and translated labels. No tile server set by the cooperative, no tile layer: the
 * markers stand on a plain background and the browser asks no other host for anything.
 */
publicWidget.registry.CoopGroupsMap = publicWidget.Widget.extend({
    selector: ".o_coop_groups_map",

    start() {
        if (typeof L !== "undefined") {
            this._coopRender(JSON.parse(this.el.dataset.map || "{}"));
        }
        return this._super(...arguments);
    },

    destroy() {
        if (this.map) {
            this.map.remove();
            this.map = null;
        }
        this._super(...arguments);
    },

    _coopRender(data) {
        const markers = data.markers || [];
        if (!markers.length) {
            return;
        }
        L.Icon.Default.imagePath = IMAGES;
        // The page scrolls under the wheel: the map zooms with its buttons, the keyboard
        // or a pinch.
        this.map = L.map(this.el, { zoomControl: false, scrollWheelZoom: false });
        L.control
            .zoom({ zoomInTitle: data.zoom_in, zoomOutTitle: data.zoom_out })
            .addTo(this.map);
        // Tiles only from the server the cooperative set; none: a plain background.
        if (data.tile_url) {
            // Leaflet inserts the attribution as HTML: the setting is plain text.
            const attribution = document.createElement("span");
            attribution.textContent = data.attribution || "";
            L.tileLayer(data.tile_url, { attribution: attribution.innerHTML, maxZoom: 19 }).addTo(
                this.map
            );
        }
        const points = [];
        for (const group of markers) {
            const point = [group.lat, group.lng];
            points.push(point);
            const title = `${group.name} (${group.cooperative})`;
            L.marker(point, { title, alt: title, riseOnHover: true })
                .bindPopup(this._coopPopup(group))
                .addTo(this.map);
        }
        if (points.length === 1) {
            this.map.setView(points[0], 11);
        } else {
            this.map.fitBounds(points, { padding: [30, 30], maxZoom: 11 });
        }
    },

    /**
     * The popup's content, built as nodes: group names are user input, never HTML.
     */
    _coopPopup(group) {
        const content = document.createElement("div");
        const link = document.createElement("a");
        link.href = group.url;
        link.className = "fw-bold o_coop_groups_map_link";
        link.textContent = group.name;
        const cooperative = document.createElement("div");
        cooperative.textContent = group.cooperative;
        const members = document.createElement("div");
        members.textContent = group.members;
        content.append(link, cooperative, members);
        return content;
    },
});

export default publicWidget.registry.CoopGroupsMap;
