// The article page's small map: the places the article names, each linked to its sentences.
(function () {
  "use strict";
  const holder = document.getElementById("article-map");
  const source = document.getElementById("article-map-data");
  if (!holder || !source || !window.L) return;
  const data = JSON.parse(source.textContent);
  if (!data.places.length) {
    holder.closest("section").hidden = true;
    return;
  }
  const map = L.map(holder, { scrollWheelZoom: false, zoomSnap: 0.5 });
  L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution, maxZoom: data.tiles.maxZoom }).addTo(map);

  const STYLE = {
    exact: { radius: 6, color: "#fff", weight: 2, fillColor: "#1f3b57", fillOpacity: 1 },
    approximate: { radius: 8, color: "#1f3b57", weight: 2, dashArray: "3 3", fillColor: "#fff", fillOpacity: 0.6 },
    region: { radius: 11, color: "#1f3b57", weight: 1, dashArray: "4 4", fillColor: "#1f3b57", fillOpacity: 0.15 },
  };

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  function popup(place) {
    const box = el("div", undefined, { class: "am-popup" });
    box.append(el("strong", place.name), el("div", place.kind, { class: "meta" }));
    const mentions = el("p", `${data.messages.mentions}: `);
    place.sentences.forEach((n, i) => {
      if (i) mentions.append(", ");
      mentions.append(el("a", String(n), { href: `#s${n}` }));
    });
    box.append(mentions, el("a", `${data.messages.open_map} →`, { href: `/?focus=${encodeURIComponent(place.id)}` }));
    return box;
  }

  function mark(sentences, on) {
    for (const n of sentences) {
      const sentence = document.getElementById(`s${n}`);
      if (sentence) sentence.classList.toggle("mentioned", on);
    }
  }

  const bounds = [];
  const labels = [];
  for (const place of data.places) {
    const marker = L.circleMarker([place.lat, place.lng], STYLE[place.precision] || STYLE.exact);
    marker.bindPopup(() => popup(place));
    // Leaflet takes a string as HTML: names go in as text nodes, never as markup.
    marker.bindTooltip(el("span", place.name), {
      permanent: true,
      direction: "right",
      className: place.country ? "am-label am-country" : "am-label",
    });
    labels.push([place, marker]);
    marker.on("add", () => marker.getElement().setAttribute("data-feature-id", place.id));
    marker.on("popupopen", () => mark(place.sentences, true));
    marker.on("popupclose", () => mark(place.sentences, false));
    marker.addTo(map);
    bounds.push([place.lat, place.lng]);
  }
  // Name as many places as fit without overlapping: towns first, then regions, then countries.
  const RANK = (p) => (p.country ? 2 : p.label ? 0 : 1);
  labels.sort((a, b) => RANK(a[0]) - RANK(b[0]));
  function placeLabels() {
    const taken = [];
    for (const [place, marker] of labels) {
      const at = map.latLngToContainerPoint(marker.getLatLng());
      const box = [at.x + 6, at.y - 9, at.x + 14 + 7 * place.name.length, at.y + 9];
      const outside = box[2] > map.getSize().x;
      const clash = outside || taken.some((t) => box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]);
      if (clash) marker.closeTooltip();
      else {
        marker.openTooltip();
        taken.push(box);
      }
    }
  }
  map.on("zoomend moveend", placeLabels);

  // Frame the places near the middle of them all: a country's label point far away (Russia's,
  // in Siberia) would shrink the rest to a dot. It stays one pan away.
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const middle = L.latLng(median(bounds.map((b) => b[0])), median(bounds.map((b) => b[1])));
  const near = bounds.filter((b) => middle.distanceTo(b) < 2_500_000);
  map.fitBounds(near.length ? near : bounds, { padding: [40, 40], maxZoom: 8 });
  placeLabels();
  holder.dataset.ready = "true";
})();
