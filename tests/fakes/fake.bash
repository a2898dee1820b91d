# fake.bash - bats helpers around tests/fakes/fake.py.
#
# Source it from a bats file (load 'fakes/fake' or source .../fake.bash),
# call fake_start in setup and fake_stop in teardown:
#
#	setup()    { fake_start; }
#	teardown() { fake_stop; }
#
# fake_start exports FAKE_PORT, FAKE_URL, FAKE_STATE, FAKE_PID and the
# TB_*_BASE_URL variables that point tb's programs at the fake.  Needs curl
# and jq.  FAKE_PYTHON picks the interpreter (default /usr/bin/python3 when
# it exists, for its quick start, else python3 from PATH).

FAKE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${FAKE_PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then
		FAKE_PYTHON=/usr/bin/python3
	else
		FAKE_PYTHON=python3
	fi
fi

# fake_start: start the server with state dir $FAKE_STATE (default
# $BATS_TEST_TMPDIR/fake) and fixture dirs $FAKE_FIXTURES (colon-separated,
# searched before tests/fixtures); wait up to ~5 s for it to listen.
fake_start() {
	local state=${FAKE_STATE:-} dir i
	local -a args dirs
	if [ -z "$state" ]; then
		state=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-}}
		[ -n "$state" ] || state=$(mktemp -d) || return 1
		state=$state/fake
	fi
	mkdir -p "$state" || return 1
	rm -f "$state/port" "$state/pid"
	args=(--state "$state")
	IFS=: read -r -a dirs <<<"${FAKE_FIXTURES:-}"
	for dir in "${dirs[@]}"; do
		[ -n "$dir" ] && args+=(--fixtures "$dir")
	done
	# Imported rather than run as a script so that its compiled form is
	# cached (even where PYTHONDONTWRITEBYTECODE is set: it halves the
	# start's CPU, paid by every test).  fd 3 is bats' own: a background
	# child holding it hangs bats.
	PYTHONDONTWRITEBYTECODE='' "$FAKE_PYTHON" -c 'import sys; sys.path.insert(0, sys.argv.pop(1))
import fake
fake.main()' "$FAKE_DIR" "${args[@]}" >>"$state/fake.log" 2>&1 3>&- </dev/null &
	FAKE_PID=$!
	for ((i = 0; i < 500; i++)); do
		[ -s "$state/port" ] && break
		if ! kill -0 "$FAKE_PID" 2>/dev/null; then
			echo "fake_start: the server exited:" >&2
			cat "$state/fake.log" >&2
			unset FAKE_PID
			return 1
		fi
		sleep 0.01
	done
	if [ ! -s "$state/port" ]; then
		echo "fake_start: no port file after 5 s" >&2
		fake_stop
		return 1
	fi
	FAKE_PORT=$(cat "$state/port")
	FAKE_STATE=$state
	FAKE_URL=http://127.0.0.1:$FAKE_PORT
	export FAKE_PID FAKE_PORT FAKE_STATE FAKE_URL
	export TB_REDDIT_BASE_URL=$FAKE_URL/reddit
	export TB_REDDIT_AUTH_URL=$FAKE_URL/reddit-www
	export TB_YAHOO_BASE_URL=$FAKE_URL/yahoo
	export TB_ANTHROPIC_BASE_URL=$FAKE_URL/anthropic
	export TB_MINIMAX_BASE_URL=$FAKE_URL/minimax
	export TB_T212_BASE_URL=$FAKE_URL/t212
	export TB_EODHD_BASE_URL=$FAKE_URL/eodhd
}

# fake_stop: SIGTERM the server and wait for it (~5 s, then SIGKILL).
# Succeeds when nothing was started.
fake_stop() {
	local pid=${FAKE_PID:-} i
	[ -n "$pid" ] || return 0
	unset FAKE_PID
	kill -TERM "$pid" 2>/dev/null || return 0
	# The server removes its pid file on the way out; a child that has
	# exited stays visible to kill -0 until it is reaped by wait.
	for ((i = 0; i < 500; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		[ -f "$FAKE_STATE/pid" ] || break
		sleep 0.01
	done
	if [ -f "$FAKE_STATE/pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

# fake_control METHOD ENDPOINT [JSON]: call /_control/ENDPOINT; print the
# answer, or print it to stderr and fail when it is not 2xx.
fake_control() {
	local out code
	if [ -z "${FAKE_URL:-}" ]; then
		echo "fake_control: the fake is not started" >&2
		return 1
	fi
	out=$(curl -sS --max-time 10 -X "$1" -H 'Content-Type: application/json' \
	    --data-binary "${3:-}" -w '\n%{http_code}' \
	    "$FAKE_URL/_control/$2") || return 1
	code=${out##*$'\n'}
	out=${out%$'\n'*}
	if [ "${code:0:1}" != 2 ]; then
		echo "fake_control $2: HTTP $code: $out" >&2
		return 1
	fi
	printf '%s\n' "$out"
}

# fake_fault SERVICE PATH_REGEX [key=value...]: add a fault rule.  Keys are
# those of POST /_control/fault (status, mode, delay, times, body, method,
# query, apply, size, hold); header.NAME=VALUE adds a response header; a value
# @FILE is read from FILE.  Numbers and true/false are sent as JSON.
fake_fault() {
	local json kv key val
	if [ $# -lt 2 ]; then
		echo "usage: fake_fault SERVICE PATH_REGEX [key=value...]" >&2
		return 64
	fi
	json=$(jq -cn --arg s "$1" --arg p "$2" '{service: $s, path: $p}') ||
	    return 1
	shift 2
	for kv in "$@"; do
		key=${kv%%=*}
		val=${kv#*=}
		if [ "$key" = "$kv" ]; then
			echo "fake_fault: not key=value: $kv" >&2
			return 64
		fi
		case $val in
		@*)	json=$(jq -c --arg k "$key" --rawfile v "${val#@}" \
			    'if ($k | startswith("header.")) then
			     .headers[$k[7:]] = $v else .[$k] = $v end' \
			    <<<"$json") ;;
		*)	json=$(jq -c --arg k "$key" --arg v "$val" '
			    if ($k | startswith("header.")) then .headers[$k[7:]] = $v
			    elif ($k | IN("body", "mode", "method", "query",
			        "service", "path")) then .[$k] = $v
			    else .[$k] = ($v | try fromjson catch $v) end' \
			    <<<"$json") ;;
		esac || return 1
	done
	fake_control POST fault "$json" >/dev/null
}

# fake_clear: remove every fault rule and start every rate-limit window
# afresh.
fake_clear() {
	fake_control POST clear >/dev/null
}

# fake_set KEY=VALUE... | fake_set JSON: set service state (see README.md:
# t212.cash, t212.precision, anthropic.responses, ...).  VALUE is JSON when
# it parses as JSON, else a string; @FILE reads a JSON value from FILE.
fake_set() {
	local json='{}' kv key val
	if [ $# -eq 1 ] && [ "${1:0:1}" = "{" ]; then
		json=$1
	else
		for kv in "$@"; do
			key=${kv%%=*}
			val=${kv#*=}
			if [ "$key" = "$kv" ]; then
				echo "fake_set: not key=value: $kv" >&2
				return 64
			fi
			case $val in
			@*)	json=$(jq -c --arg k "$key" --slurpfile v "${val#@}" \
				    '.[$k] = $v[0]' <<<"$json") ;;
			*)	json=$(jq -c --arg k "$key" --arg v "$val" \
				    '.[$k] = ($v | try fromjson catch $v)' <<<"$json") ;;
			esac || return 1
		done
	fi
	fake_control POST state "$json" >/dev/null
}

# fake_state [KEY]: print the whole state, or one key's value, as JSON.
fake_state() {
	if [ $# -eq 0 ]; then
		fake_control GET state
	else
		fake_control GET state | jq -c --arg k "$1" '.[$k]'
	fi
}

# fake_sync: wait until every answer being sent is recorded.
fake_sync() {
	[ -n "${FAKE_URL:-}" ] || return 0
	curl -s --max-time 10 "$FAKE_URL/_control/sync" >/dev/null || true
}

# fake_open SERVICE [PATH_REGEX]: how many such requests the fake holds
# now (arrived, not yet answered): a test waits on it, not on a sleep.
fake_open() {
	fake_control GET open | jq --arg s "$1" --arg p "${2:-}" \
	    '[.[] | select(.service == $s and (.path | test($p)))] | length'
}

# fake_requests [SERVICE [PATH_REGEX]]: the recorded requests, one JSON
# line each, oldest first.  More filters: call fakereq.py directly.
fake_requests() {
	fake_sync
	"$FAKE_PYTHON" "$FAKE_DIR/fakereq.py" -f "$FAKE_STATE/requests.jsonl" \
	    ${1:+-s "$1"} ${2:+-p "$2"}
}

# fake_count SERVICE [PATH_REGEX]: how many such requests were recorded.
fake_count() {
	fake_sync
	"$FAKE_PYTHON" "$FAKE_DIR/fakereq.py" -f "$FAKE_STATE/requests.jsonl" \
	    -c ${1:+-s "$1"} ${2:+-p "$2"}
}

# fakereq ARGS...: fakereq.py on this fake's requests (e.g. -F json.model).
fakereq() {
	fake_sync
	"$FAKE_PYTHON" "$FAKE_DIR/fakereq.py" -f "$FAKE_STATE/requests.jsonl" "$@"
}
