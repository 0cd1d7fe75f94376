#!/bin/sh
# Runs at container start (the nginx image's /docker-entrypoint.d/): the field app's sign-in
# settings from the environment, written where nginx serves them (/field/config.json) and where the
# page's Content-Security-Policy takes the provider's origin from (the app exchanges the code there).
#   FIELD_OIDC_AUTHORITY  the province's OpenID Connect provider (issuer URL); unset: no sign-in offered
#   FIELD_OIDC_CLIENT_ID  the app's public client (default dtc-field); FIELD_OIDC_SCOPE (default openid)
#   FIELD_OIDC_RESOURCE   the APIs' resource indicator, when the provider issues access tokens per resource
set -eu
dir=${FIELD_CONFIG_DIR:-/tmp/dtc-field}
mkdir -p "$dir"
if [ -n "${FIELD_OIDC_AUTHORITY:-}" ]; then
  origin=$(printf '%s' "$FIELD_OIDC_AUTHORITY" | sed -E 's#^(https?://[^/]+).*$#\1#')
  resource=""
  if [ -n "${FIELD_OIDC_RESOURCE:-}" ]; then resource=",\"resource\":\"$FIELD_OIDC_RESOURCE\""; fi
  printf '{"oidc":{"authority":"%s","clientId":"%s","scope":"%s"%s},"devSignIn":false}\n' \
    "$FIELD_OIDC_AUTHORITY" "${FIELD_OIDC_CLIENT_ID:-dtc-field}" "${FIELD_OIDC_SCOPE:-openid}" "$resource" > "$dir/config.json"
  printf 'set $field_connect_src "%s %s";\n' "'self'" "$origin" > "$dir/csp.conf"
else
  printf '{"devSignIn":false}\n' > "$dir/config.json"
  rm -f "$dir/csp.conf"
fi
