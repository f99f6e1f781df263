#!/bin/sh
# One-shot job (temporalio/admin-tools): creates the app's namespace when it is missing and
# registers the case search attributes on it. Idempotent: run on every `docker compose up`.
# test/unit/compose.test.ts reads SEARCH_ATTRIBUTES below; keep one `Name:Type` per line.
set -eu

NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-168h}"
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
WAIT_SECONDS="${WAIT_SECONDS:-180}"
# SQL visibility keeps a namespace's search-attribute aliases in the namespace record, which each
# server role caches and refreshes every ~10 s. Workers start right after this job and upsert these
# attributes, so give the caches time to see attributes registered just now.
SETTLE_SECONDS="${SEARCH_ATTRIBUTE_SETTLE_SECONDS:-20}"

SEARCH_ATTRIBUTES="
CaseStatus:Keyword
CaseChannel:Keyword
OrgId:Keyword
AssigneeId:Keyword
CategoryName:Keyword
NeedsAttention:Bool
Important:Bool
"

# gRPC may try the container's IPv6 name first, which the server does not listen on: dial IPv4.
host="${ADDRESS%:*}"
port="${ADDRESS##*:}"
ipv4="$(getent ahostsv4 "$host" 2>/dev/null | awk 'NR == 1 { print $1 }')" || ipv4=""
if [ -n "$ipv4" ]; then
  ADDRESS="$ipv4:$port"
fi

cli() {
  temporal --address "$ADDRESS" "$@"
}

waited=0
until cli operator cluster health >/dev/null 2>&1; do
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    echo "create-namespace: Temporal at $ADDRESS not healthy after ${WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 3
  waited=$((waited + 3))
done

if cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "create-namespace: namespace $NAMESPACE exists"
else
  cli operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "create-namespace: namespace $NAMESPACE created (retention $RETENTION)"
fi

# Prints the registered type of a search attribute, or nothing when it is not registered.
registered_type() {
  listing="$(cli operator search-attribute list --namespace "$NAMESPACE")" || return 1
  printf '%s\n' "$listing" | awk -v name="$1" '$1 == name { print $2 }'
}

created=0
for entry in $SEARCH_ATTRIBUTES; do
  name="${entry%%:*}"
  type="${entry#*:}"
  attempt=0
  while :; do
    # A namespace created a moment ago may not be visible to every role yet: retry, then give up.
    if current="$(registered_type "$name")"; then
      if [ "$current" = "$type" ]; then
        echo "create-namespace: search attribute $name ($type) already registered"
        break
      fi
      if [ -n "$current" ]; then
        echo "create-namespace: search attribute $name is registered as $current, expected $type" >&2
        exit 1
      fi
      if output="$(cli operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" 2>&1)"; then
        echo "create-namespace: search attribute $name ($type) registered"
        created=$((created + 1))
        break
      fi
      case "$output" in
        *"different type"*)
          echo "create-namespace: $output" >&2
          exit 1
          ;;
        *"already exists"*)
          echo "create-namespace: search attribute $name already registered"
          break
          ;;
      esac
    else
      output="listing search attributes failed"
    fi
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 10 ]; then
      echo "create-namespace: could not register $name: $output" >&2
      exit 1
    fi
    sleep 3
  done
done

if [ "$created" -gt 0 ]; then
  echo "create-namespace: waiting ${SETTLE_SECONDS}s for the server to pick up new search attributes"
  sleep "$SETTLE_SECONDS"
fi
echo "create-namespace: done"
