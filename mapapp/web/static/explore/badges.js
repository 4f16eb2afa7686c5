// Badges sharing a position stand in a grid above it (see mapview._Builder._badge_anchor);
// when some are hidden, the others close ranks so that the grid has no holes.

function gridOffset(index, count, step, columns) {
  const cols = Math.min(count, columns);
  const row = Math.floor(index / cols);
  const column = index % cols;
  const inRow = Math.min(cols, count - row * cols);
  return [Math.round((column - (inRow - 1) / 2) * step), row * step];
}

/** Re-anchor the badges that are drawn, position by position, in their drawing order. */
export function relayoutBadges(map, registry) {
  const { size, step, columns } = registry.badge;
  const byPlace = new Map();
  for (const [id, marker, at, precision] of registry.badges) {
    if (!map.hasLayer(registry.features[id])) continue;
    if (!byPlace.has(at)) byPlace.set(at, []);
    byPlace.get(at).push([marker, precision]);
  }
  for (const badges of byPlace.values()) {
    badges.forEach(([marker, precision], index) => {
      let anchor;
      if (badges.length === 1 && precision === "approximate") anchor = [size / 2, size / 2];
      else {
        const [dx, dy] = gridOffset(index, badges.length, step, columns);
        anchor = [size / 2 - dx, size + 8 + dy];
      }
      const options = marker.options.icon.options;
      options.iconAnchor = anchor;
      options.popupAnchor = [size / 2 - anchor[0], -anchor[1]];
      if (marker._icon) {
        marker._icon.style.marginLeft = `${-anchor[0]}px`;
        marker._icon.style.marginTop = `${-anchor[1]}px`;
      }
    });
  }
}
