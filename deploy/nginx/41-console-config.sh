#!/bin/sh
# Runs at container start (the nginx image's /docker-entrypoint.d/): the console's settings from the
# environment, written where nginx serves them (/console/config.json) and where the page's
# Content-Security-Policy takes the tile server's origin from (the map loads its tiles as images).
#   CONSOLE_MAP_TILE_URL     a tile URL template, e.g. https://{s}.tile.example.vn/{z}/{x}/{y}.png;
#                            unset: households and villages are drawn on an empty base
#   CONSOLE_MAP_ATTRIBUTION  the tiles' attribution, shown on the map
#   CONSOLE_GRAFANA_URL      Grafana's base URL, linked from the operations page (unset: no links)
# The same answer and policy as `npm start`'s gateway (tools/start/gateway.ts); tests/compose compares them.
set -eu
dir=${CONSOLE_CONFIG_DIR:-/tmp/dtc-console}
mkdir -p "$dir"
json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
fields=""
field() { fields="${fields:+$fields,}\"$1\":\"$(json "$2")\""; }
if [ -n "${CONSOLE_MAP_TILE_URL:-}" ]; then
  # A {s} subdomain placeholder stands for any subdomain of the tile server.
  origin=$(printf '%s' "$CONSOLE_MAP_TILE_URL" | sed -E -e 's#^(https?://[^/]+).*$#\1#' -e 's#//\{s\}\.#//*.#')
  field mapTileUrl "$CONSOLE_MAP_TILE_URL"
  if [ -n "${CONSOLE_MAP_ATTRIBUTION:-}" ]; then field mapAttribution "$CONSOLE_MAP_ATTRIBUTION"; fi
  printf 'set $console_img_src "%s %s";\n' "'self' data:" "$origin" > "$dir/csp.conf"
else
  rm -f "$dir/csp.conf"
fi
if [ -n "${CONSOLE_GRAFANA_URL:-}" ]; then field grafanaUrl "$CONSOLE_GRAFANA_URL"; fi
printf '{%s}\n' "$fields" > "$dir/config.json"
