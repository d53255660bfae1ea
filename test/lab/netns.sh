# Sourced by the lab scripts (tls-lab.sh, ../bench/tls-benchcap.sh).
# remove_namespaces NS...: kills every process in each namespace, then deletes it.
remove_namespaces() {
  local ns
  for ns in "$@"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}
