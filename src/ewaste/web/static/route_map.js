// Draws a route sheet on a Leaflet map: the base, numbered stops in driving order, the
// station, and the line joining them. Markers and the line need no map tiles: when the
// tile server cannot be reached the route is still drawn on a blank background.
(function () {
  "use strict";
  var holder = document.getElementById("route-map");
  var data = JSON.parse(document.getElementById("route-data").textContent);
  if (!holder || typeof L === "undefined") { return; }
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(holder.dataset.tiles, {
    maxZoom: 18,
    attribution: holder.dataset.attribution
  }).addTo(map);
  var path = [[data.base.lat, data.base.lon]];
  L.marker([data.base.lat, data.base.lon], {
    icon: L.divIcon({ className: "route-pin route-base", html: "⌂", iconSize: [26, 26] }),
    title: holder.dataset.baseLabel
  }).addTo(map);
  data.stops.forEach(function (stop) {
    path.push([stop.lat, stop.lon]);
    L.marker([stop.lat, stop.lon], {
      icon: L.divIcon({
        className: "route-pin route-stop" + (stop.late ? " late" : ""),
        html: '<span data-sequence="' + stop.sequence + '" data-pickup="' + stop.pickup_id +
          '">' + stop.sequence + "</span>",
        iconSize: [26, 26]
      }),
      title: stop.sequence + ". " + stop.address
    }).addTo(map);
  });
  if (data.station) {
    path.push([data.station.lat, data.station.lon]);
    L.marker([data.station.lat, data.station.lon], {
      icon: L.divIcon({ className: "route-pin route-station", html: "■", iconSize: [26, 26] }),
      title: holder.dataset.stationLabel
    }).addTo(map);
  }
  var line = L.polyline(path, { color: "#1b6b3a", weight: 4, opacity: 0.8, className: "route-line" });
  line.addTo(map);
  map.fitBounds(line.getBounds(), { padding: [24, 24] });
  holder.dataset.drawn = String(data.stops.length);
})();
