#!/bin/sh
# demo.sh - `make demo`: a whole trading day with no keys and no network.
#
# Starts the fake upstream services (tests/fakes/fake.py) on 127.0.0.1
# with the fixture day, points every base URL at them, and runs
# `tb-daily --collect-rounds 3 --no-approval` for Monday 2026-03-30 in a
# temporary TB_HOME, then `tb-status` for that day.  The settings go into
# $TB_HOME/tb.env, where cron's runs would find them too; only TB_HOME and
# TB_NOW (a test setting) come from the environment.
set -eu

cd "$(dirname "$0")/.."
case "${TB_BUILD:-build}" in
/*) bin=$TB_BUILD/bin ;;
*) bin=$(pwd)/${TB_BUILD:-build}/bin ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/tb-demo.XXXXXX")
day=2026-03-30

python3 tests/fakes/fake.py --state "$work/fake" 2> "$work/fake.log" &
fake=$!
trap 'kill "$fake" 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -s "$work/fake/port" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		echo "demo: the fake services did not start:" >&2
		cat "$work/fake.log" >&2
		exit 69
	fi
	sleep 0.05
done
url="http://127.0.0.1:$(cat "$work/fake/port")"

# The environment wins over tb.env: none of the caller's settings or keys
# may point the demo at a real service.
for v in $(env | sed -n 's/^\(TB_[A-Z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset ANTHROPIC_API_KEY MINIMAX_API_KEY T212_API_KEY T212_API_SECRET \
    REDDIT_CLIENT_ID REDDIT_CLIENT_SECRET REDDIT_USER_AGENT
export TB_HOME="$work/home"
mkdir -m 700 "$TB_HOME"
umask 077
# Stand-in keys: the fakes only check that one is sent.
cat > "$TB_HOME/tb.env" <<EOF
TB_REDDIT_BASE_URL=$url/reddit
TB_REDDIT_AUTH_URL=$url/reddit-www
TB_YAHOO_BASE_URL=$url/yahoo
TB_ANTHROPIC_BASE_URL=$url/anthropic
TB_MINIMAX_BASE_URL=$url/minimax
TB_T212_BASE_URL=$url/t212
ANTHROPIC_API_KEY=demo-anthropic-key
MINIMAX_API_KEY=demo-minimax-key
T212_API_KEY=demo-t212-key
T212_API_SECRET=demo-t212-secret
REDDIT_CLIENT_ID=demo-reddit-id
REDDIT_CLIENT_SECRET=demo-reddit-secret
TB_REDDIT_USERNAME=tb-demo
EOF
export TB_NOW="${day}T17:10:00+02:00"

echo "== tb-daily --date $day --collect-rounds 3 --no-approval" >&2
echo "   (TB_HOME=$TB_HOME, services at $url, settings in $TB_HOME/tb.env)" >&2
rc=0
"$bin/tb-daily" --date "$day" --collect-rounds 3 --no-approval \
    > "$work/daily.json" || rc=$?
echo "== its summary: $work/daily.json" >&2
echo >&2
echo "== tb-status --date $day" >&2
"$bin/tb-status" --date "$day"
echo
echo "Explore: TB_HOME=$TB_HOME $bin/tb-status --json --date $day | jq ."
echo "Settings: TB_HOME=$TB_HOME $bin/tb-status --config"
exit "$rc"
