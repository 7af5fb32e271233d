# tests/bench/register_data.sh — sourced by tests/bench/register, eval_list, cases_list and audit_chain,
# which share one data set (register_data.sql), and the reading of a handler's statements. Needs deploy/lib.sh sourced and rq_layout
# and rq_settings_from_env_file done before register_data_load is called.
# BENCH_VISITS (1000000), BENCH_ENTERPRISES (10000), BENCH_UNITS (200) and BENCH_OFFICIALS
# (2000) size a first load only; BENCH_STATS_DATA=1 (tests/bench/stats) adds what the
# statistics count: units that mostly enter their own county, joint inspections, every flag,
# ratings, disputes, cases and determinations, then builds the statistics' aggregates.
# shellcheck shell=bash disable=SC2034 # the load_* sizes are read by the benches too

load_visits=${BENCH_VISITS:-1000000}
load_enterprises=${BENCH_ENTERPRISES:-10000}
load_units=${BENCH_UNITS:-200}
load_officials=${BENCH_OFFICIALS:-2000}
load_managers=1000
load_stats=${BENCH_STATS_DATA:-0}

# register_data_load — loads the data set unless the cluster has it (the bench admin user
# 'bench.register' marks it). The check and the load run in one session holding an advisory
# lock, so two benches started at once load it once: the second waits, then finds it.
register_data_load() {
	local dir t0
	dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	[ "$(rq_psql_super -d ruqima -tA -c \
		"SELECT count(*) FROM rq.admin_users WHERE username = 'bench.register'")" = 0 ] || return 0
	echo "loading the data set: $load_enterprises enterprises, $load_units units, $load_visits visits (once per cluster)"
	t0=$(date +%s)
	# The past visits skip their triggers (replica role): with the audit trigger a million
	# visits and their visit_units take many times longer (tests/bench/README.md).
	{
		cat <<'SQL'
SELECT pg_advisory_lock(hashtext('tests/bench/register_data.sql'));
SELECT count(*) = 0 AS missing FROM rq.admin_users WHERE username = 'bench.register' \gset
\if :missing
SQL
		cat "$dir/register_data.sql"
		cat <<'SQL'
VACUUM (ANALYZE) rq.visits, rq.visit_units, rq.enterprises, rq.codes, rq.accounts,
    rq.official_profiles, rq.manager_bindings, rq.units, rq.evaluations, rq.cases,
    rq.visit_stats, rq.case_stats;
\endif
SQL
	} | rq_psql_super -d ruqima -tA -v enterprises="$load_enterprises" -v units="$load_units" \
		-v officials="$load_officials" -v visits="$load_visits" -v managers="$load_managers" \
		-v replica=1 -v stats="$load_stats" >/dev/null
	echo "loaded in $(($(date +%s) - t0)) s"
}

# bench_c_stmt FILE NAME — the SQL of `static struct rq_stmt st_NAME = RQ_STMT("name", SQL, n)`
# in FILE (a path from the checkout's root) after the C preprocessor (statements may share
# macros), so that the plans a bench shows are those of the handler's own statements.
bench_c_stmt() {
	local root
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	gcc -E -P -I "$root/lib" -I "$root/app" -I "$(pg_config --includedir)" "$root/$1" |
		awk -v name="$2" '
		# reads to the end (an early exit would break gcc'\''s pipe: a failure under pipefail)
		!done && index($0, "st_" name " =") { on = 1 }
		on {
			line = $0
			while (match(line, /"([^"\\]|\\.)*"/)) {
				if (k++ > 0) s = s substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
			if (line ~ /;[ \t]*$/) { on = 0; done = 1 }
		}
		END { print s }'
}

# register_sessions PREFIX COUNT open|end — bearer sessions of bench officials 1..COUNT (token
# = PREFIX, 37 characters, + k as six digits, stored as its sha256 like lib/rq_auth.c's),
# opened for an hour, or ended again (tests/bench/register, audit_chain).
register_sessions() {
	if [ "$3" = open ]; then
		rq_psql_super -d ruqima -tA -v prefix="$1" -v sessions="$2" >/dev/null <<'SQL'
SELECT count(rq.session_create(sha256(convert_to(:'prefix' || lpad(k::text, 6, '0'), 'UTF8')),
                               'account', a.id, NULL, NULL, 3600, '127.0.0.1', false))
  FROM generate_series(1, :sessions) k JOIN rq.accounts a ON a.openid = 'bench-official-' || k;
SQL
	else
		rq_psql_super -d ruqima -tA -v prefix="$1" -v sessions="$2" >/dev/null <<'SQL'
SELECT count(rq.session_end(sha256(convert_to(:'prefix' || lpad(k::text, 6, '0'), 'UTF8'))))
  FROM generate_series(1, :sessions) k;
SQL
	fi
}
