#!/usr/bin/env bash
# allow_http = true through the real binary, against a Firefly III simulator that is NOT on
# loopback: a network namespace of its own (unshare -n) where 192.0.2.10 (TEST-NET-1, never
# routed) is a local address, so no packet leaves the machine. Checks that plain http:// to that
# host is refused without allow_http (exit 78, naming the key and the fix) and read with it
# (the account table, plus the start-up warning naming the host).
# Usage: allow_http_test.sh BANK2MQTT FIREFLY_SIM PLUGIN_DIR CERT_DIR
set -euo pipefail
bank2mqtt=$1 sim=$2 plugin_dir=$3 cert_dir=$4

# A user namespace as well (-r), so that no root is needed: inside, this user may configure
# the namespace's own loopback interface. Skipped only where the kernel allows neither.
if [ "${BANK2MQTT_IN_NETNS:-}" != 1 ]; then
    if ! unshare -rn true 2>/dev/null; then
        echo "SKIP: this kernel allows no user and network namespace (unshare -rn)"
        exit 77
    fi
    BANK2MQTT_IN_NETNS=1 exec unshare -rn "$0" "$@"
fi

host=192.0.2.10
ip link set lo up
ip addr add "$host/32" dev lo

work=$(mktemp -d)
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

mkfifo "$work/sim.out"
"$sim" --cert="$cert_dir/server.pem" --key="$cert_dir/server.key" --bind="$host" \
    >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
# The READY line comes once the listeners are bound; the read ends at it, at the simulator's
# exit (an error) or after 10 s.
ready=
read -t 10 -r ready <"$work/sim.out" || true
port=$(sed -n 's/.*http=\([0-9]*\).*/\1/p' <<<"$ready")
[ -n "$port" ] || fail "the simulator did not print READY: $ready $(cat "$work/sim.err")"

# the simulator's token (tests/firefly_sim/ff_sim_bank.h)
printf '%s\n' 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.ZmlyZWZseS1zaW0tdGVzdC10b2tlbg.c2ltLXNpZ25hdHVyZQ' \
    >"$work/firefly.token"
chmod 600 "$work/firefly.token"
write_config() {
    cat >"$work/bank2mqtt.ini" <<INI
[daemon]
plugin_dir = $plugin_dir
state_dir = $work/state

[source.budget]
plugin = firefly
url = http://$host:$port
token_file = $work/firefly.token
$1
INI
    chmod 600 "$work/bank2mqtt.ini"
}

write_config ""
set +e
"$bank2mqtt" --config="$work/bank2mqtt.ini" --list-accounts >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" = 78 ] || fail "without allow_http: exit $rc, expected 78; $(cat "$work/err")"
grep -q "\[source.budget\] url" "$work/err" || fail "the refusal names no key: $(cat "$work/err")"
grep -q "uses http:// to $host" "$work/err" || fail "the refusal names no host: $(cat "$work/err")"
grep -q "allow_http = true" "$work/err" || fail "the refusal gives no fix: $(cat "$work/err")"

write_config "allow_http = true"
"$bank2mqtt" --config="$work/bank2mqtt.ini" --list-accounts >"$work/out" 2>"$work/err" ||
    fail "with allow_http: exit $?; $(cat "$work/err")"
grep -q "Lommepenger" "$work/out" || fail "no account listed: $(cat "$work/out")"
grep -q "requests to $host go over plain http" "$work/err" ||
    fail "no start-up warning naming the host: $(cat "$work/err")"
if grep -q "ZmlyZWZseS1zaW0tdGVzdC10b2tlbg" "$work/out" "$work/err"; then
    fail "the token was printed"
fi
echo "PASS: plain http to $host refused without allow_http, read with it"
