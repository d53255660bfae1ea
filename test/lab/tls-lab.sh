#!/usr/bin/env bash
# Real TLS between two network namespaces joined by a veth pair, captured with tcpdump on the
# server's side: one capture per scenario, OUTDIR/SCENARIO.pcap (a few KB each).
#
#   test/lab/tls-lab.sh OUTDIR [SCENARIO...]      (root; iproute2, tcpdump, openssl, node)
#
# Certificates are made afresh in a temporary directory with openssl: a lab CA (EC P-256)
# signs the others with `openssl ca`, whose -startdate/-enddate give the expired one its past
# validity (OpenSSL 3.0's `x509 -days` cannot go negative). test/fixtures/tls-lab/manifest.json
# says what each scenario must show. Every process is killed, the namespaces and the
# temporary directory removed on exit, failure or signal included.
set -euo pipefail

SCENARIOS=(openssl-tls12 openssl-tls13 node-tls12 node-tls13 expired self-signed sni-mismatch
  handshake-failure resume-tls12 resume-tls13 alpn-h2-tls13 node-http2 mutual-tls12 hello-retry-tls13)

OUT=$(realpath -m "${1:?usage: tls-lab.sh OUTDIR [SCENARIO...]}"); shift
[ $# -gt 0 ] && SCENARIOS=("$@")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/netns.sh"
C=ptc$$ S=pts$$ SERVER_IP=10.79.0.2
TMP=$(mktemp -d /tmp/tls-lab.XXXXXX)
CERTS=$TMP/certs LOGS=$TMP/logs WWW=$TMP/www
TCPDUMP=

cleanup() {
  local status=$?
  remove_namespaces $C $S
  [ -n "$TCPDUMP" ] && kill "$TCPDUMP" 2>/dev/null
  # the logs say why a run failed (not when it was stopped)
  if [ $status -ne 0 ] && [ $status -ne 130 ] && [ -d "$LOGS" ]; then tail -n 5 "$LOGS"/* >&2 || true; fi
  rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- certificates -----------------------------------------------------------------------
mkdir -p "$CERTS/issued" "$LOGS" "$WWW" "$OUT"
echo 'hello over TLS' > "$WWW/hello.txt"
touch "$CERTS/index.txt"; echo 1000 > "$CERTS/serial"
cat > "$CERTS/ca.cnf" <<EOF
[ ca ]
default_ca = lab
[ lab ]
database = $CERTS/index.txt
new_certs_dir = $CERTS/issued
serial = $CERTS/serial
certificate = $CERTS/ca.pem
private_key = $CERTS/ca.key
default_md = sha256
default_days = 30
policy = by_name
copy_extensions = copy
unique_subject = no
[ by_name ]
commonName = supplied
EOF
quiet() { "$@" >>"$LOGS/openssl.log" 2>&1; }
EC=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
quiet openssl req -x509 "${EC[@]}" -nodes -keyout "$CERTS/ca.key" -out "$CERTS/ca.pem" -days 30 \
  -subj '/CN=pakeana lab CA' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=keyCertSign,cRLSign'
# sign NAME CN KEYSPEC... [-- STARTDATE ENDDATE]: NAME.pem/NAME.key, CN also the one DNS SAN
sign() {
  local name=$1 cn=$2; shift 2
  local key=() dates=(); while [ $# -gt 0 ] && [ "$1" != -- ]; do key+=("$1"); shift; done
  [ $# -gt 0 ] && dates=(-startdate "$2" -enddate "$3")
  quiet openssl req -new "${key[@]}" -nodes -keyout "$CERTS/$name.key" -out "$CERTS/$name.csr" \
    -subj "/CN=$cn" -addext "subjectAltName=DNS:$cn"
  quiet openssl ca -batch -config "$CERTS/ca.cnf" -notext -in "$CERTS/$name.csr" -out "$CERTS/$name.pem" "${dates[@]}"
}
sign rsa rsa.example -newkey rsa:2048
sign lab lab.example "${EC[@]}"
sign expired expired.example "${EC[@]}" -- 20200101000000Z 20210101000000Z
sign a a.example "${EC[@]}"
sign client client.example "${EC[@]}"
quiet openssl req -x509 "${EC[@]}" -nodes -keyout "$CERTS/self.key" -out "$CERTS/self.pem" -days 30 \
  -subj '/CN=self.example' -addext 'subjectAltName=DNS:self.example'

# --- network ----------------------------------------------------------------------------
ip netns add $C; ip netns add $S
ip link add tc netns $C type veth peer name ts netns $S
ip -n $C addr add 10.79.0.1/24 dev tc; ip -n $S addr add $SERVER_IP/24 dev ts
for ns in $C $S; do ip -n $ns link set lo up; done
ip -n $C link set tc up; ip -n $S link set ts up

# --- servers and clients ----------------------------------------------------------------
# s_server -WWW answers `GET /hello.txt` from $WWW and then closes with close_notify.
openssl_server() { # PORT CERT ARGS...
  local port=$1 cert=$2; shift 2
  (cd "$WWW" && exec ip netns exec $S openssl s_server -accept "$port" -cert "$CERTS/$cert.pem" \
    -key "$CERTS/$cert.key" -WWW "$@" >"$LOGS/server-$port.log" 2>&1) & disown
}
# -ign_eof: s_client sends the request, then reads until the server closes (tickets included).
openssl_client() { # PORT SNI ARGS...
  local port=$1 sni=$2; shift 2
  printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | ip netns exec $C timeout 10 openssl s_client \
    -connect "$SERVER_IP:$port" -servername "$sni" -ign_eof "$@" >>"$LOGS/client-$port.log" 2>&1 || true
}
node_server() { # PORT KIND CERT
  ip netns exec $S node "$HERE/node-tls.js" server "$2" "$1" "$CERTS" "$3" >"$LOGS/server-$1.log" 2>&1 & disown
}
node_client() { # PORT KIND SNI [MAXVERSION]
  ip netns exec $C node "$HERE/node-tls.js" client "$2" $SERVER_IP "$1" "$CERTS" "$3" "${4:-}" >>"$LOGS/client-$1.log" 2>&1 || true
}

# Each scenario: its server (started first, all at once) and its client run.
start() { # SCENARIO PORT
  local p=$2
  case $1 in
    openssl-tls12) openssl_server "$p" rsa -cert_chain "$CERTS/ca.pem" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 ;;
    openssl-tls13) openssl_server "$p" lab -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256 ;;
    node-tls12|node-tls13) node_server "$p" https lab ;;
    expired) openssl_server "$p" expired -tls1_2 ;;
    self-signed) openssl_server "$p" self -tls1_2 ;;
    sni-mismatch) openssl_server "$p" a -tls1_2 ;;
    handshake-failure) openssl_server "$p" lab -tls1_2 -cipher ECDHE-ECDSA-AES256-SHA ;;
    resume-tls12) openssl_server "$p" lab -tls1_2 ;;
    resume-tls13) openssl_server "$p" lab -tls1_3 ;;
    alpn-h2-tls13) openssl_server "$p" lab -tls1_3 -alpn h2 ;;
    node-http2) node_server "$p" http2 lab ;;
    mutual-tls12) openssl_server "$p" lab -tls1_2 -Verify 1 -CAfile "$CERTS/ca.pem" ;;
    hello-retry-tls13) openssl_server "$p" lab -tls1_3 -groups P-384 ;;
    *) echo "tls-lab.sh: unknown scenario $1" >&2; exit 2 ;;
  esac
}
run() { # SCENARIO PORT
  local p=$2
  case $1 in
    openssl-tls12) openssl_client "$p" rsa.example -tls1_2 ;;
    openssl-tls13) openssl_client "$p" lab.example -tls1_3 ;;
    node-tls12) node_client "$p" https lab.example TLSv1.2 ;;
    node-tls13) node_client "$p" https lab.example ;;
    expired) openssl_client "$p" expired.example -tls1_2 -CAfile "$CERTS/ca.pem" -verify_return_error ;;
    self-signed) openssl_client "$p" self.example -tls1_2 ;;
    sni-mismatch) openssl_client "$p" b.example -tls1_2 ;;
    handshake-failure) openssl_client "$p" lab.example -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256 ;;
    resume-tls12|resume-tls13)
      local v=-tls1_2; [ "$1" = resume-tls13 ] && v=-tls1_3
      openssl_client "$p" lab.example $v -sess_out "$TMP/$1.session"
      openssl_client "$p" lab.example $v -sess_in "$TMP/$1.session" ;;
    alpn-h2-tls13) openssl_client "$p" lab.example -alpn h2,http/1.1 ;;
    node-http2) node_client "$p" http2 lab.example TLSv1.2 ;;
    mutual-tls12) openssl_client "$p" lab.example -tls1_2 -cert "$CERTS/client.pem" -key "$CERTS/client.key" ;;
    # the client's key share is for X25519 only: the server asks again for P-384
    hello-retry-tls13) openssl_client "$p" lab.example -tls1_3 -groups X25519:P-384 ;;
  esac
}
listening() { ip netns exec $S ss -Hltn "sport = :$1" | grep -q .; }

port_of() { echo $((4430 + $1)); }
for i in "${!SCENARIOS[@]}"; do start "${SCENARIOS[$i]}" "$(port_of "$i")"; done
for i in "${!SCENARIOS[@]}"; do
  for _ in $(seq 100); do listening "$(port_of "$i")" && break; sleep 0.05; done
  listening "$(port_of "$i")" || { echo "tls-lab.sh: ${SCENARIOS[$i]}: server did not start" >&2; exit 1; }
done

ip netns exec $S tcpdump -i ts --immediate-mode -U -s 0 -w "$TMP/all.pcap" 'tcp' 2>"$LOGS/tcpdump.log" & TCPDUMP=$!
for _ in $(seq 100); do grep -q 'listening on' "$LOGS/tcpdump.log" && break; sleep 0.05; done
for i in "${!SCENARIOS[@]}"; do run "${SCENARIOS[$i]}" "$(port_of "$i")"; done
sleep 0.3 # the last FIN/ACKs
kill -INT $TCPDUMP; wait $TCPDUMP 2>/dev/null || true; TCPDUMP=

for i in "${!SCENARIOS[@]}"; do
  file="$OUT/${SCENARIOS[$i]}.pcap"
  tcpdump -r "$TMP/all.pcap" -w "$file" "tcp port $(port_of "$i")" 2>/dev/null
  [ "$(stat -c %s "$file")" -gt 24 ] || { echo "tls-lab.sh: ${SCENARIOS[$i]}: nothing captured" >&2; exit 1; }
  echo "$file"
done
