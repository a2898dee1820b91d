bats_require_minimum_version 1.5.0

# helpers.bash - loaded by every bats suite: a fresh TB_HOME per test, the
# built programs on PATH, no real keys, and the fake services' helpers.
#
#   load helpers        (at the top of a .bats file)

TB_ROOT=${TB_ROOT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
TB_BUILD=${TB_BUILD:-build}
case "$TB_BUILD" in /*) ;; *) TB_BUILD="$TB_ROOT/$TB_BUILD" ;; esac
export TB_ROOT TB_BUILD
export PATH="$TB_BUILD/bin:$PATH"

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
if [ -f "$TB_ROOT/tests/fakes/fake.bash" ]; then
	# shellcheck source=tests/fakes/fake.bash
	. "$TB_ROOT/tests/fakes/fake.bash"
fi

# Every test gets its own home and no configuration from the machine.
tb_isolate() {
	export TB_HOME="$BATS_TEST_TMPDIR/home"
	unset TB_CONFIG TB_NOW
	unset ANTHROPIC_API_KEY MINIMAX_API_KEY T212_API_KEY T212_API_SECRET
	unset REDDIT_CLIENT_ID REDDIT_CLIENT_SECRET REDDIT_USER_AGENT EODHD_API_KEY
	local v
	for v in $(env | sed -n 's/^\(TB_[A-Z0-9_]*\)=.*/\1/p'); do
		case "$v" in TB_ROOT|TB_BUILD|TB_HOME) ;; *) unset "$v" ;; esac
	done
}

# Write a config file (arguments are its lines) and export TB_CONFIG.
tb_config() {
	export TB_CONFIG="$BATS_TEST_TMPDIR/tb.conf"
	printf '%s\n' "$@" > "$TB_CONFIG"
}

# Create and migrate the test's database, as the first program of a day
# does (tb-status never creates one).
tb_init_db() {
	"$TB_BUILD/tools/dbinit"
}

# Query the test's database.
tb_sql() {
	sqlite3 -batch -noheader "$TB_HOME/tb.db" "$@"
}

# refute_stored SECRET...: no file under $TB_HOME holds any SECRET, nor
# does a dump of the database (which reads through the WAL).  A failure
# names the files, never the secret.
refute_stored() {
	local dump=$BATS_TEST_TMPDIR/refute_stored.sql s rc
	if ! sqlite3 -batch "$TB_HOME/tb.db" .dump > "$dump" || [ ! -s "$dump" ]; then
		echo "refute_stored: cannot dump $TB_HOME/tb.db" >&2
		return 1
	fi
	for s in "$@"; do
		rc=0
		grep -rlF -- "$s" "$TB_HOME" "$dump" >&2 || rc=$?
		if [ "$rc" -ne 1 ]; then
			echo "refute_stored: a secret is in the files above (grep: $rc)" >&2
			return 1
		fi
	done
}

# The value of a field of the one-line JSON in $output (jq path).
json_field() {
	# shellcheck disable=SC2154  # bats' run sets it
	printf '%s\n' "$output" | tail -n 1 | jq -r "$1"
}
