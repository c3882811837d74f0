# Sourced by scripts/soak and scripts/memcheck: a private mosquitto and the Sbanken simulator on
# 127.0.0.1, and a configuration with N sources polling them. Everything started here is stopped
# by stack_cleanup (installed as the EXIT trap by stack_start).
# Needs: $build (a build directory with bin/ and plugins/), $work (an empty scratch directory).

stack_pids=()

stack_cleanup() {
    for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}

# Starts mosquitto and the simulator; sets mqtt_port, https_port, control_port.
stack_start() {
    trap stack_cleanup EXIT INT TERM
    local tries
    for tries in 1 2 3 4 5; do
        mqtt_port=$((20000 + RANDOM % 40000))
        printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" \
            >"$work/mosquitto.conf"
        mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
        stack_pids+=($!)
        if stack_wait 5 "mosquitto on port $mqtt_port" grep -q "running" "$work/mosquitto.log"; then
            break
        fi
    done
    mkfifo "$work/sim.out"
    "$build/bin/bank2mqtt-sbanken-sim" --cert="$build/test-certs/server.pem" \
        --key="$build/test-certs/server.key" --port=0 --control-port=0 \
        --keep-alive-timeout=60 --max-threads=256 >"$work/sim.out" &
    stack_pids+=($!)
    local ready
    read -r -t 10 ready <"$work/sim.out"
    https_port=$(sed -n 's/.*https=\([0-9]*\).*/\1/p' <<<"$ready")
    control_port=$(sed -n 's/.*control=\([0-9]*\).*/\1/p' <<<"$ready")
    [ -n "$https_port" ] || { echo "the simulator did not start" >&2; exit 69; }
    umask 077
    printf '%s\n' 'Hemmelig+Passord/2026?=&%' >"$work/secret"
    printf '%s\n' 12345678901 >"$work/customer"
}

# stack_wait SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds; fails after
# SECONDS. The only waiting loop of these scripts, so every wait is bounded.
stack_wait() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "timed out after ${limit} s waiting for $what" >&2
            return 1
        fi
        sleep 0.2
    done
}

# stack_config SOURCES INTERVAL > file: a configuration with SOURCES sources, discovery off
# (the sources share one login, so their accounts would share Home Assistant devices).
stack_config() {
    cat <<INI
[mqtt]
uri = tcp://127.0.0.1:$mqtt_port
client_id = soak
discovery = false
[daemon]
plugin_dir = $build/plugins
state_dir = $work/state
INI
    local i
    for i in $(seq 1 "$1"); do
        cat <<INI
[source.s$i]
plugin = sbanken
interval = $2
client_id = demo-client
client_secret_file = $work/secret
customer_id_file = $work/customer
auth_url = https://127.0.0.1:$https_port/identityserver/connect/token
api_url = https://127.0.0.1:$https_port/bank/api/v1
ca_file = $build/test-certs/ca.pem
INI
    done
}

# The simulator's counters, and one field of them.
stack_counters() { curl -s "http://127.0.0.1:$control_port/counters"; }
stack_counter() { stack_counters | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
stack_control() { curl -s -X POST "http://127.0.0.1:$control_port$1" >/dev/null; }
