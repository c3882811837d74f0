# Sourced by scripts/soak and scripts/memcheck: a private mosquitto and the Sbanken simulator on
# 127.0.0.1, and a configuration with N sources polling them. Everything started here is stopped
# by stack_cleanup (installed as the EXIT trap by stack_start).
# Needs: $build (a build directory with bin/ and plugins/), $work (an empty scratch directory).
# Optional: $SIM_EXTRA, more simulator options (e.g. --accounts=10 for ten accounts per login).

stack_pids=()

# Stops everything started here: SIGTERM, up to 10 s to exit, then SIGKILL, so that a process
# hanging on SIGTERM cannot hang the script.
stack_cleanup() {
    local pid
    for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if ! stack_wait 10 "${#stack_pids[@]} processes to exit after SIGTERM" stack_all_exited; then
        for pid in "${stack_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    fi
    wait 2>/dev/null || true
    rm -rf "$work"
}

stack_all_exited() {
    local pid
    for pid in "${stack_pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then return 1; fi
    done
}

# Starts mosquitto and the simulator; sets mqtt_port, https_port, control_port. Exits 69
# (EX_UNAVAILABLE) if either does not start.
stack_start() {
    # A signal ends the script (the EXIT trap then cleans up) with 128 + the signal's number.
    trap stack_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    local tries mosquitto_pid started=0
    for tries in 1 2 3 4 5; do
        # A random port may be taken; mosquitto then exits at once, and the next try has another.
        mqtt_port=$((20000 + RANDOM % 40000))
        printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" \
            >"$work/mosquitto.conf"
        mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" &
        mosquitto_pid=$!
        stack_pids+=("$mosquitto_pid")
        if stack_wait --while-alive "$mosquitto_pid" 5 "mosquitto on port $mqtt_port" \
            grep -q "running" "$work/mosquitto.log"; then
            started=1
            break
        fi
        # Reaped and forgotten, so that cleanup never signals a pid the system has reused.
        kill -KILL "$mosquitto_pid" 2>/dev/null || true
        wait "$mosquitto_pid" 2>/dev/null || true
        unset 'stack_pids[-1]'
    done
    if [ "$started" -eq 0 ]; then
        echo "mosquitto did not start in 5 tries; its last log:" >&2
        cat "$work/mosquitto.log" >&2
        exit 69
    fi
    mkfifo "$work/sim.out"
    "$build/bin/bank2mqtt-sbanken-sim" --cert="$build/test-certs/server.pem" \
        --key="$build/test-certs/server.key" --port=0 --control-port=0 \
        --keep-alive-timeout=60 --max-threads=256 ${SIM_EXTRA:-} >"$work/sim.out" &
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

# stack_wait [--while-alive PID] SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it
# succeeds; fails after SECONDS, or as soon as PID has exited (what COMMAND waits for will not
# come then). The only waiting loop of these scripts, so every wait is bounded.
stack_wait() {
    local alive_pid=""
    if [ "$1" = "--while-alive" ]; then
        alive_pid=$2
        shift 2
    fi
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    until "$@" 2>/dev/null; do
        if [ -n "$alive_pid" ] && ! kill -0 "$alive_pid" 2>/dev/null; then
            echo "gave up waiting for $what: process $alive_pid exited" >&2
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "timed out after ${limit} s waiting for $what" >&2
            return 1
        fi
        sleep 0.2
    done
}

# stack_stop PID SECONDS: SIGTERM, then up to SECONDS for PID (a child of this shell) to exit.
# Sets stop_status to its exit status; if it is still running then, kills it with SIGKILL and
# returns 1.
stack_stop() {
    local pid=$1 limit=$2
    kill -TERM "$pid" 2>/dev/null || true
    if ! stack_wait "$limit" "process $pid to exit after SIGTERM" stack_exited "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        return 1
    fi
    stop_status=0
    wait "$pid" || stop_status=$?
}

stack_exited() { ! kill -0 "$1" 2>/dev/null; }

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

# The simulator's counters, and one field of them; stack_control POSTs to a control path. Each
# call is bounded (5 s) and says why when it fails. The POST carries "Content-Length: 0" (-d ''):
# without it the simulator's server reads a body until the connection closes, so both wait.
stack_counters() {
    curl -s --max-time 5 "http://127.0.0.1:$control_port/counters" || {
        echo "GET /counters to the simulator failed (curl exit $?; 28: no answer in 5 s)" >&2
        return 1
    }
}
stack_counter() { stack_counters | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
stack_control() {
    curl -s --max-time 5 -d '' "http://127.0.0.1:$control_port$1" >/dev/null || {
        echo "POST $1 to the simulator failed (curl exit $?; 28: no answer in 5 s)" >&2
        return 1
    }
}
