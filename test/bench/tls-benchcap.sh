#!/usr/bin/env bash
# The TLS twin of ../shared/lab/benchcap.sh: a large real HTTPS capture for throughput
# comparisons, P parallel keep-alive clients x N requests (a new connection, so a full
# handshake, every K), Node's https between two network namespaces, captured with tcpdump.
# Odd clients are capped at TLS 1.2 (certificates in clear), even ones use TLS 1.3.
#
#   P=4 N=40000 K=15 test/bench/tls-benchcap.sh /dev/shm/tls-bench.pcap     (root)
# That one: 483k packets, 106 MB, 10,668 connections, 160,000 requests, 3 minutes to make.
set -euo pipefail
OUT=$(realpath -m "${1:-./tls-bench.pcap}"); P=${P:-4}; N=${N:-10000}; K=${K:-15}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lab/netns.sh"
C=tbc$$ S=tbs$$ TMP=$(mktemp -d /tmp/tls-benchcap.XXXXXX)
cleanup() {
  local status=$?
  remove_namespaces $C $S
  rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -keyout "$TMP/key.pem" \
  -out "$TMP/cert.pem" -subj /CN=bench.example -addext subjectAltName=DNS:bench.example 2>/dev/null
ip netns add $C; ip netns add $S
ip link add bc netns $C type veth peer name bs netns $S
ip -n $C addr add 10.78.1.1/24 dev bc; ip -n $S addr add 10.78.1.2/24 dev bs
for ns in $C $S; do ip -n $ns link set lo up; done
ip -n $C link set bc up; ip -n $S link set bs up

ip netns exec $S node "$HERE/tls-server.js" 8443 "$TMP/cert.pem" "$TMP/key.pem" >"$TMP/server.log" 2>&1 & disown
for _ in $(seq 100); do grep -q listening "$TMP/server.log" && break; sleep 0.05; done
ip netns exec $S tcpdump -i bs --immediate-mode -s 0 -B 65536 -w "$OUT" 2>"$TMP/tcpdump.log" & tp=$!
for _ in $(seq 100); do grep -q 'listening on' "$TMP/tcpdump.log" && break; sleep 0.05; done
pids=
for i in $(seq "$P"); do
  version=TLSv1.3; [ $((i % 2)) -eq 1 ] && version=TLSv1.2
  TLS=$version N=$N K=$K ip netns exec $C node "$HERE/tls-client.js" 10.78.1.2 8443 "$TMP/cert.pem" bench.example & pids="$pids $!"
done
wait $pids
sleep 0.5; kill -INT $tp; wait $tp 2>/dev/null || true
grep -h 'dropped' "$TMP/tcpdump.log" >&2 || true
capinfos -c -s "$OUT"
