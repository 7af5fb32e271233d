# shellcheck shell=bash
# shellcheck disable=SC2034 # RQ_* variables are set here for the scripts that source this
# deploy/lib.sh — functions shared by deploy/{up,down,status}, tests/stack/{start,stop},
# tests/run and tests/bench. Source it; it defines functions and a few constants only.
#
# Most functions work on the layout of one state directory, set by rq_layout:
#
#   $STATE/ruqima.env      settings of the stack (0600, root)        RQ_ENV_FILE
#                          with each family's DSN; the pools get only their own
#   $STATE/owner.env       the owner's DSN (0600, root): read by the  RQ_OWNER_ENV_FILE
#                          CLI only (migrations, operator commands)
#   $STATE/pg/data         PostgreSQL cluster (postgres, 0700)       RQ_PGDATA
#   $STATE/pg/run          its unix socket (listen_addresses='')     RQ_PGSOCK
#   $STATE/run             pool sockets <family>.sock + pid files    RQ_SOCKDIR, RQ_RUNDIR
#                          (also notify.pid, print-jobs.pid)
#   $STATE/log             <family>.log, nginx-*.log, postgresql.log RQ_LOGDIR
#                          notify.log, print-jobs.log
#   $STATE/nginx           rendered nginx.conf, pid, temp paths      RQ_NGINX_DIR
#   $STATE/tls             server.crt / server.key                   RQ_TLS_DIR
#   $STATE/www/{admin,e,gongkai}  the built portal, app/e and app/gongkai  RQ_WWW
#   $STATE/uploads         files served by X-Accel-Redirect          RQ_UPLOADS
#
# The state directory lives outside the checkout (/var/lib/ruqima, or mktemp -d in /tmp
# for tests) because postgres and www-data must be able to traverse every parent of it.
#
# Env files (ruqima.env, test-stack.env) are KEY=VALUE lines with '#' comments. They are read
# literally (rq_env_read), as the C code and systemd's EnvironmentFile= read them, never
# sourced. The values written here need no quoting (DSNs are in URI form, without spaces);
# the one exception, RUQIMA_TEST_PG_CTL, is double-quoted. Sourcing them works as well.

# Where the checkout is: deploy/..
RQ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RQ_PG_BIN=/usr/lib/postgresql/15/bin
RQ_FAMILIES=(registration evaluation complaints reporting admin)
# The settings no pool gets from the env file (pools_start gives each its own family's DSN
# as RUQIMA_DSN): the database credentials of the owner, the other families and the
# reporting role, and WeChat's secret (the registration pool's, for the mini-program login).
RQ_POOL_SECRETS='^(RUQIMA_OWNER_DSN|RUQIMA_DSN|RUQIMA_DSN_[A-Z]+|RUQIMA_REPORT_DSN|RUQIMA_WX_SECRET|RUQIMA_ENV_FILE|RUQIMA_OWNER_ENV_FILE)$'
# Each family's database password (pg_roles_and_db, write_env_file), set by the caller.
declare -gA RQ_FAMILY_PW 2>/dev/null || true
# PATH and locale given to the pools and the CLI, which start from an empty environment
# (like a systemd unit) so that nothing from the caller's shell leaks into them.
RQ_CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Seconds the scripts wait for things to come up.
RQ_START_TIMEOUT=${RQ_START_TIMEOUT:-60}
# Extra KEY=VALUE variables for the pools and the CLI (the test stack adds ASAN_OPTIONS).
[ -n "${RQ_EXTRA_ENV+set}" ] || RQ_EXTRA_ENV=()

rq_log() { printf 'ruqima: %s\n' "$*" >&2; }
rq_die() {
	printf 'ruqima: error: %s\n' "$*" >&2
	exit 1
}
rq_need_root() { [ "$(id -u)" -eq 0 ] || rq_die "run this as root (it manages PostgreSQL, nginx and users)"; }

# rq_layout STATE — set the RQ_* paths of a state directory (does not create anything).
rq_layout() {
	RQ_STATE=$1
	RQ_ENV_FILE=$RQ_STATE/ruqima.env
	RQ_OWNER_ENV_FILE=$RQ_STATE/owner.env
	RQ_PGDATA=$RQ_STATE/pg/data
	RQ_PGSOCK=$RQ_STATE/pg/run
	RQ_RUNDIR=$RQ_STATE/run
	RQ_SOCKDIR=$RQ_STATE/run
	RQ_LOGDIR=$RQ_STATE/log
	RQ_PGLOG=$RQ_LOGDIR/postgresql.log
	RQ_NGINX_DIR=$RQ_STATE/nginx
	RQ_TLS_DIR=$RQ_STATE/tls
	RQ_TLS_CERT=$RQ_TLS_DIR/server.crt
	RQ_TLS_KEY=$RQ_TLS_DIR/server.key
	RQ_WWW=$RQ_STATE/www
	RQ_UPLOADS=$RQ_STATE/uploads
}

# rq_make_dirs RUN_AS — create the state layout with the owners the processes need.
# RUN_AS (may be empty = root) is the user the pools drop to: it must be able to unlink its
# sockets in RQ_SOCKDIR and write uploads; www-data (nginx workers) must reach the sockets
# and read www/ and uploads/; postgres owns pg/data and pg/run.
rq_make_dirs() {
	local run_as=${1:-root}
	install -d -m 0755 "$RQ_STATE" "$RQ_STATE/pg" "$RQ_WWW"
	# logs: the directory is searchable (postgres opens its own log file in it), the files
	# are 0640
	install -d -m 0755 "$RQ_LOGDIR"
	install -d -m 0750 -o "$run_as" -g www-data "$RQ_RUNDIR"
	[ "$RQ_SOCKDIR" = "$RQ_RUNDIR" ] || install -d -m 0750 -o "$run_as" -g www-data "$RQ_SOCKDIR"
	# setgid: uploads written by the pools stay readable by nginx (group www-data)
	install -d -m 2750 -o "$run_as" -g www-data "$RQ_UPLOADS"
	install -d -m 0700 "$RQ_TLS_DIR"
	install -d -m 0755 "$RQ_NGINX_DIR"
	local t
	for t in client_body fastcgi proxy uwsgi scgi; do
		install -d -m 0700 -o www-data -g www-data "$RQ_NGINX_DIR/tmp/$t"
	done
}

# ---------------------------------------------------------------------------------------
# env files

# rq_env_read FILE — print the file's settings as KEY=VALUE lines, literally: blank lines and
# '#' comments skipped, an optional 'export ' prefix and one pair of matching quotes around
# the value removed (what systemd's EnvironmentFile= accepts).
rq_env_read() {
	local line k v
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		if [[ ! $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
			rq_log "$1: ignoring line: $line"
			continue
		fi
		k=${BASH_REMATCH[2]}
		v=${BASH_REMATCH[3]}
		if [[ $v =~ ^\"(.*)\"$ || $v =~ ^\'(.*)\'$ ]]; then v=${BASH_REMATCH[1]}; fi
		printf '%s=%s\n' "$k" "$v"
	done <"$1"
}

# rq_env_get FILE KEY [DEFAULT] — print one setting of an env file (DEFAULT when absent).
rq_env_get() {
	local kv found=${3-}
	[ -r "$1" ] || {
		printf '%s\n' "$found"
		return 0
	}
	while IFS= read -r kv; do
		[ "${kv%%=*}" = "$2" ] && found=${kv#*=}
	done < <(rq_env_read "$1")
	printf '%s\n' "$found"
}

# rq_env_load FILE — export every setting of FILE into the current shell.
rq_env_load() {
	local kv
	while IFS= read -r kv; do
		export "${kv?}"
	done < <(rq_env_read "$1")
}

# rq_clean_env_args ENV_FILE [KEY=VALUE...] — fill the array RQ_ENV_ARGS with an empty
# environment's assignments for `env -i`: PATH, LANG, the env file (none when ""), then
# the extras. With RQ_ENV_FAMILY set (a pool), none of RQ_POOL_SECRETS but the family's
# own: RUQIMA_DSN from RUQIMA_DSN_<FAMILY>, and WeChat's secret for registration only.
rq_clean_env_args() {
	local file=$1 kv fam=${RQ_ENV_FAMILY:-}
	shift
	RQ_ENV_ARGS=("PATH=$RQ_CLEAN_PATH" "LANG=C.UTF-8" "HOME=/")
	if [ -n "${TZ-}" ]; then RQ_ENV_ARGS+=("TZ=$TZ"); fi
	if [ -n "$file" ]; then
		[ -n "$fam" ] || RQ_ENV_ARGS+=("RUQIMA_ENV_FILE=$file")
		while IFS= read -r kv; do
			if [ -n "$fam" ] && [[ ${kv%%=*} =~ $RQ_POOL_SECRETS ]]; then
				case ${kv%%=*} in
				"RUQIMA_DSN_${fam^^}") RQ_ENV_ARGS+=("RUQIMA_DSN=${kv#*=}") ;;
				RUQIMA_WX_SECRET) [ "$fam" != registration ] || RQ_ENV_ARGS+=("$kv") ;;
				esac
				continue
			fi
			RQ_ENV_ARGS+=("$kv")
		done < <(rq_env_read "$file")
	fi
	RQ_ENV_ARGS+=("$@")
}

# rq_urlencode STRING — percent-encode everything but [A-Za-z0-9/._~-].
rq_urlencode() {
	local s=$1 out='' c i
	local LC_ALL=C
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9/._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s\n' "$out"
}

# rq_dsn USER PASSWORD — libpq conninfo for the local cluster's unix socket. It is the URI
# form (postgresql://USER:PW@:PORT/ruqima?host=SOCKDIR), equivalent to
# "host=SOCKDIR port=PORT dbname=ruqima user=USER password=PW" but without spaces, so the
# value needs no quoting in an env file whoever reads it (C, systemd, a shell).
rq_dsn() {
	printf 'postgresql://%s:%s@:%s/ruqima?host=%s\n' "$1" "$2" "$RQ_PG_PORT" "$(rq_urlencode "$RQ_PGSOCK")"
}

# rq_dsn_password DSN — the password inside a DSN written by rq_dsn (or keyword form).
rq_dsn_password() {
	if [[ $1 =~ ^postgres(ql)?://[^:/@]*:([^@]*)@ ]]; then
		printf '%s\n' "${BASH_REMATCH[2]}"
	elif [[ $1 =~ (^|[[:space:]])password=([^[:space:]]*) ]]; then
		printf '%s\n' "${BASH_REMATCH[2]}"
	fi
}

rq_random_password() { openssl rand -hex 24; }

# write_env_file FILE OWNER_PW APP_PW REPORT_PW — write every setting of the spec, one
# comment line each, and the owner's DSN into RQ_OWNER_ENV_FILE (write_owner_env_file).
# Values come from RUQIMA_* variables of the caller when set (so a first
# `RUQIMA_WX_APPID=... deploy/up` lands in the file), else from the spec's defaults. Each
# family's password is RQ_FAMILY_PW[family] (APP_PW when unset). Mode 0600: it holds the
# families' database passwords and the WeChat secret.
write_env_file() {
	local file=$1 owner_pw=$2 app_pw=$3 report_pw=$4 tmp
	write_owner_env_file "$owner_pw"
	tmp=$(umask 077 && mktemp "$file.XXXXXX")
	cat >"$tmp" <<EOF
# ruqima settings — KEY=VALUE lines, '#' comments, values taken literally (no quotes needed).
# Read by the pools through their environment (each pool gets its own family's DSN only)
# and by the CLI from \$RUQIMA_ENV_FILE; variables set in the real environment win over
# this file for the CLI. The owner's DSN is in RUQIMA_OWNER_ENV_FILE, not here.
# Written by deploy/lib.sh write_env_file on $(date -u +%Y-%m-%dT%H:%M:%SZ). Edit, then run deploy/up again.

# state directory: pgdata, sockets, logs, uploads, tls
RUQIMA_STATE_DIR=$RQ_STATE
$(rq_family_dsn_lines "$app_pw")
# the file of the owner's DSN (RUQIMA_OWNER_DSN; root only): read by the CLI alone
RUQIMA_OWNER_ENV_FILE=$RQ_OWNER_ENV_FILE
# libpq conninfo of the read-only reporting role (ruqima_report); may point at a replica
RUQIMA_REPORT_DSN=$(rq_dsn ruqima_report "$report_pw")
# directory of the pool sockets <family>.sock (nginx connects here)
RUQIMA_SOCKET_DIR=$RQ_SOCKDIR
# group of the pool sockets (mode 0660): the group nginx's workers run as
RUQIMA_SOCKET_GROUP=${RUQIMA_SOCKET_GROUP:-www-data}
# user the pools drop to after binding when started as root (empty: stay as started)
RUQIMA_RUN_AS=${RUQIMA_RUN_AS:-}
# worker processes per pool; twice the cores: a worker waiting for its commit to reach
# the disk holds no CPU, so more workers than cores keep the CPUs busy
RUQIMA_WORKERS=${RUQIMA_WORKERS:-$(( $(nproc) * 2 ))}
# a worker is recycled after this many requests
RUQIMA_MAX_REQUESTS=${RUQIMA_MAX_REQUESTS:-10000}
# seconds; a request running longer kills its worker
RUQIMA_REQUEST_TIMEOUT=${RUQIMA_REQUEST_TIMEOUT:-30}
# bytes; larger request bodies answer 413 (nginx caps at 2m before that)
RUQIMA_MAX_BODY=${RUQIMA_MAX_BODY:-1048576}
# bytes; the largest photo POST /api/v1/registration/attachments takes (413 above; nginx's
# limit on that route is rendered from this value: run deploy/up again after a change)
RUQIMA_ATTACHMENT_MAX_BYTES=${RUQIMA_ATTACHMENT_MAX_BYTES:-4194304}
# photos one account may upload in 24 hours (429 beyond)
RUQIMA_ATTACHMENT_DAILY_MAX=${RUQIMA_ATTACHMENT_DAILY_MAX:-200}
# migrations applied by 'ruqima migrate' (unset: those of the source tree the CLI was built from)
$([ -n "${RUQIMA_MIGRATIONS_DIR:-}" ] && echo "RUQIMA_MIGRATIONS_DIR=$RUQIMA_MIGRATIONS_DIR" || echo "#RUQIMA_MIGRATIONS_DIR=$RQ_ROOT/migrations")
# WeChat API base URL (tests point it at build-test/fake-wechat)
RUQIMA_WX_BASE_URL=${RUQIMA_WX_BASE_URL:-https://api.weixin.qq.com}
# mini-program AppID
RUQIMA_WX_APPID=${RUQIMA_WX_APPID:-}
# mini-program AppSecret
RUQIMA_WX_SECRET=${RUQIMA_WX_SECRET:-}
# subscribe message template of visit notifications (keywords thing1..thing4, time5; empty: 'ruqima notify run' refuses to run)
RUQIMA_WX_TEMPLATE_VISIT=${RUQIMA_WX_TEMPLATE_VISIT:-}
# mini-program page a notification opens (?id=<visit id> is added)
RUQIMA_WX_MSG_PAGE=${RUQIMA_WX_MSG_PAGE:-pages/visits/detail}
# subscribe message template of case notifications (keywords thing1, thing2, phrase3, time4; empty: case notices stay in the mini-program's list)
RUQIMA_WX_TEMPLATE_CASE=${RUQIMA_WX_TEMPLATE_CASE:-}
# mini-program page a case notification opens (?id=<case id> is added)
RUQIMA_WX_CASE_PAGE=${RUQIMA_WX_CASE_PAGE:-pages/cases/detail}
# 1 enables POST /api/v1/auth/dev-login (development only, never in production)
RUQIMA_DEV_LOGIN=${RUQIMA_DEV_LOGIN:-0}
# 1: deploy/up creates a portal user of each role with passwords it prints (rq_demo_users);
# a development or demonstration stack only, never in production
RUQIMA_DEMO_USERS=${RUQIMA_DEMO_USERS:-1}
# public address; printed QR codes encode <this>/e/<token>
RUQIMA_PUBLIC_BASE_URL=${RUQIMA_PUBLIC_BASE_URL:-https://127.0.0.1:$RQ_HTTPS_PORT}
# 1 lets 'ruqima codes print' and the print-jobs runner put a RUQIMA_PUBLIC_BASE_URL of this
# machine (127.0.0.1, localhost) on posters: development only. 0: they refuse, and every
# print job fails saying why, until RUQIMA_PUBLIC_BASE_URL is the platform's public address
RUQIMA_PRINT_LOCAL_URL=${RUQIMA_PRINT_LOCAL_URL:-0}
# font (face 0) of the posters' text
RUQIMA_FONT_FILE=${RUQIMA_FONT_FILE:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}
# supervision line at the foot of every poster (issuing office, complaint hotline)
RUQIMA_POSTER_FOOTER=${RUQIMA_POSTER_FOOTER:-信阳市优化营商环境工作领导小组办公室 监制 · 监督电话 12345}
# rows an auditors' export streams in one request; a bigger range becomes a job built by
# 'ruqima exports run'
RUQIMA_EXPORT_STREAM_MAX=${RUQIMA_EXPORT_STREAM_MAX:-100000}
# seconds a session lives at most
RUQIMA_SESSION_TTL=${RUQIMA_SESSION_TTL:-604800}
# seconds of inactivity that end a session
RUQIMA_SESSION_IDLE=${RUQIMA_SESSION_IDLE:-7200}
# portal login failures before the account is locked
RUQIMA_LOGIN_MAX_FAILURES=${RUQIMA_LOGIN_MAX_FAILURES:-5}
# seconds a locked portal account stays locked
RUQIMA_LOGIN_LOCKOUT=${RUQIMA_LOGIN_LOCKOUT:-900}
# nginx HTTPS port (deploy scripts)
RUQIMA_HTTPS_PORT=$RQ_HTTPS_PORT
# port of the local cluster's unix socket .s.PGSQL.<port> (deploy scripts; no TCP listener)
RUQIMA_PG_PORT=$RQ_PG_PORT
EOF
	chmod 0600 "$tmp"
	mv -f "$tmp" "$file"
}

# rq_family_dsn_lines DEFAULT_PW — the env file's lines of the five families' DSNs, each
# with RQ_FAMILY_PW[family] or DEFAULT_PW.
rq_family_dsn_lines() {
	local f
	for f in "${RQ_FAMILIES[@]}"; do
		printf '# libpq conninfo of the %s pool (role ruqima_%s: owns nothing, no BYPASSRLS)\n' "$f" "$f"
		printf 'RUQIMA_DSN_%s=%s\n' "${f^^}" "$(rq_dsn "ruqima_$f" "${RQ_FAMILY_PW[$f]:-$1}")"
	done
}

# write_owner_env_file OWNER_PW [DSN] — write RQ_OWNER_ENV_FILE (0600, root): the owner's
# DSN (DSN as given, else the local cluster's), which only the CLI reads (migrations,
# operator commands), never a pool.
write_owner_env_file() {
	local tmp dsn=${2:-}
	[ -n "$dsn" ] || dsn=$(rq_dsn ruqima_owner "$1")
	tmp=$(umask 077 && mktemp "$RQ_OWNER_ENV_FILE.XXXXXX")
	{
		printf '# the owner'"'"'s database credentials: read by the CLI only (ruqima migrate, operator\n'
		printf '# commands), never given to a pool. Root only. Written by deploy/lib.sh on %s.\n' \
			"$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		printf '# libpq conninfo of the owner role (ruqima_owner): owns every object, runs migrations\n'
		printf 'RUQIMA_OWNER_DSN=%s\n' "$dsn"
	} >"$tmp"
	chmod 0600 "$tmp"
	mv -f "$tmp" "$RQ_OWNER_ENV_FILE"
}

# rq_env_split FILE — an env file of before the split (the owner's DSN and ruqima_app's in
# it) becomes the two of today, in place: the owner's DSN moves to RQ_OWNER_ENV_FILE, the
# DSN of ruqima_app (which logs in no more) gives way to the families' DSNs, each with the
# password RQ_FAMILY_PW[family] (set by the caller, as for pg_roles_and_db). Every other
# line stays; a file split already is left alone.
rq_env_split() {
	local file=$1 owner tmp f
	owner=$(rq_env_get "$file" RUQIMA_OWNER_DSN)
	[ -n "$owner" ] && write_owner_env_file "" "$owner"
	tmp=$(umask 077 && mktemp "$file.XXXXXX")
	grep -vE '^[[:space:]]*(export[[:space:]]+)?(RUQIMA_OWNER_DSN|RUQIMA_DSN)=' "$file" |
		grep -vE '^# libpq conninfo of the (owner role|workers)' >"$tmp" || true
	local kept added=''
	kept=$(cat "$tmp")
	grep -q '^RUQIMA_OWNER_ENV_FILE=' <<<"$kept" ||
		added+="# the file of the owner's DSN (RUQIMA_OWNER_DSN; root only): read by the CLI alone
RUQIMA_OWNER_ENV_FILE=$RQ_OWNER_ENV_FILE
"
	for f in "${RQ_FAMILIES[@]}"; do
		grep -q "^RUQIMA_DSN_${f^^}=" <<<"$kept" && continue
		added+="# libpq conninfo of the $f pool (role ruqima_$f: owns nothing, no BYPASSRLS)
RUQIMA_DSN_${f^^}=$(rq_dsn "ruqima_$f" "${RQ_FAMILY_PW[$f]}")
"
	done
	printf '%s' "$added" >>"$tmp"
	chmod 0600 "$tmp"
	mv -f "$tmp" "$file"
}

# rq_settings_from_env_file FILE — take the deploy-relevant settings back from an existing
# env file (the file is the record once written).
rq_settings_from_env_file() {
	RQ_HTTPS_PORT=$(rq_env_get "$1" RUQIMA_HTTPS_PORT "${RQ_HTTPS_PORT:-8443}")
	RQ_PG_PORT=$(rq_env_get "$1" RUQIMA_PG_PORT "${RQ_PG_PORT:-5432}")
	RQ_SOCKDIR=$(rq_env_get "$1" RUQIMA_SOCKET_DIR "$RQ_SOCKDIR")
}

# ---------------------------------------------------------------------------------------
# packages and build

# ensure_packages — install what deploy/packages.txt lists and dpkg does not have.
ensure_packages() {
	local pkg status missing=()
	while read -r pkg _; do
		[ -z "$pkg" ] || [ "${pkg:0:1}" = "#" ] && continue
		status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
		[ "$status" = installed ] || missing+=("$pkg")
	done <"$RQ_ROOT/deploy/packages.txt"
	# npm: part of NodeSource's nodejs, a package of its own beside Debian's nodejs
	command -v npm >/dev/null || [[ " ${missing[*]} " == *" nodejs "* ]] || missing+=(npm)
	[ ${#missing[@]} -eq 0 ] && return 0
	rq_log "installing missing packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	if ! command -v npm >/dev/null; then apt-get install -y -q --no-install-recommends npm; fi
}

# build SANITIZE [BUILD_DIR] — configure and build (SANITIZE: ON or OFF). Each tree keeps
# one setting and its own programs: deploy/up builds build/ (OFF), tests/run build-test/ (ON).
build() {
	local sanitize=${1:-OFF} dir=${2:-$RQ_ROOT/build}
	cmake -S "$RQ_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DRUQIMA_SANITIZE=$sanitize"
	cmake --build "$dir" -j "$(nproc)"
}

# ---------------------------------------------------------------------------------------
# processes

# rq_alive PID — the process exists and is not a zombie (an exited child that nobody reaped
# yet still answers kill -0).
rq_alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# rq_pid_of PIDFILE MATCH — print the pid in PIDFILE when that process is alive and its
# executable path contains MATCH (guards against a recycled pid); fail otherwise.
rq_pid_of() {
	local pid exe
	[ -r "$1" ] || return 1
	read -r pid <"$1" || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	rq_alive "$pid" || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $exe == *"$2"* ]] || return 1
	printf '%s\n' "$pid"
}

# rq_spawn PIDFILE LOGFILE ENV_FILE PROGRAM [ARGS...] — start PROGRAM in its own session
# (setsid: its workers form one process group that rq_stop_pid can end as a whole, and a
# terminal's signals do not reach it) with an empty environment plus ENV_FILE plus
# RQ_EXTRA_ENV (array of KEY=VALUE); output appended to LOGFILE. The pid written is the
# program's own (the shell that writes it execs the program).
rq_spawn() {
	local pidfile=$1 logfile=$2 envfile=$3
	shift 3
	rq_clean_env_args "$envfile" "${RQ_EXTRA_ENV[@]}"
	rm -f "$pidfile"
	[ -e "$logfile" ] || install -m 0640 /dev/null "$logfile"
	# shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
	setsid env -i "${RQ_ENV_ARGS[@]}" bash -c 'echo $$ >"$0" && exec "$@"' "$pidfile" "$@" \
		</dev/null >>"$logfile" 2>&1 &
	local i
	for ((i = 0; i < 50; i++)); do
		[ -s "$pidfile" ] && return 0
		sleep 0.1
	done
	rq_die "could not start $1"
}

# rq_group_alive PGID — some process of that group is alive (zombies do not count).
rq_group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^[ZX]/ {found = 1} END {exit !found}'
}

# rq_stop_pid PID NAME [SECONDS] — SIGTERM, wait, then SIGKILL the process and its process
# group (the pool's workers). Returns 2 when SIGKILL was needed.
rq_stop_pid() {
	local pid=$1 name=$2 secs=${3:-10} i pgid
	pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < secs * 10; i++)); do
		rq_alive "$pid" || break
		sleep 0.1
	done
	local rc=0
	if rq_alive "$pid"; then
		rq_log "warning: $name (pid $pid) still running ${secs}s after SIGTERM: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		rc=2
	fi
	# leftovers of its own group (orphaned workers); only a group it leads
	if [ "$pgid" = "$pid" ] && rq_group_alive "$pgid"; then
		sleep 1
		rq_group_alive "$pgid" && kill -KILL -- "-$pgid" 2>/dev/null
	fi
	return $rc
}

# ---------------------------------------------------------------------------------------
# PostgreSQL (always as the postgres user: the server refuses root)

rq_as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# pg_init [EXTRA_CONF_LINE...] — create the cluster in RQ_PGDATA unless it exists.
pg_init() {
	if [ -f "$RQ_PGDATA/PG_VERSION" ]; then return 0; fi
	local parent
	parent=$(dirname "$RQ_PGDATA")
	install -d -m 0755 "$parent"
	# postgres must traverse every parent directory of the data and socket directories
	rq_as_postgres test -x "$parent" ||
		rq_die "user postgres cannot enter $parent: choose a state directory whose parents are world-searchable"
	install -d -m 0700 -o postgres -g postgres "$RQ_PGDATA"
	install -d -m 0755 -o postgres -g postgres "$RQ_PGSOCK"
	install -d -m 0755 "$RQ_LOGDIR"
	rq_log "initdb $RQ_PGDATA"
	rq_as_postgres "$RQ_PG_BIN/initdb" -D "$RQ_PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
		--data-checksums --auth-local=peer --auth-host=reject --no-instructions >/dev/null
	{
		printf '\n# --- ruqima (deploy/lib.sh pg_init) ---\n'
		printf "# unix socket only, in the state directory; 'port' only names the socket file\n"
		printf "listen_addresses = ''\n"
		printf "unix_socket_directories = '%s'\n" "$RQ_PGSOCK"
		printf 'port = %s\n' "$RQ_PG_PORT"
		printf "password_encryption = 'scram-sha-256'\n"
		printf '# 5 pools x RUQIMA_WORKERS connections, plus the CLI, reports and tests\n'
		printf 'max_connections = 200\n'
		printf "log_line_prefix = '%%m [%%p] %%q%%u@%%d '\n"
		printf "log_timezone = 'UTC'\n"
		local line
		for line in "$@"; do printf '%s\n' "$line"; done
	} >>"$RQ_PGDATA/postgresql.conf"
	cat >"$RQ_PGDATA/pg_hba.conf" <<'EOF'
# ruqima: unix socket only. The superuser by OS identity (runuser -u postgres);
# the owner, the reporting role and the five pools' roles by password, to the ruqima
# database only.
# TYPE  DATABASE  USER                                     METHOD
local   all       postgres                                 peer
local   ruqima    ruqima_owner,ruqima_report               scram-sha-256
EOF
	chown postgres:postgres "$RQ_PGDATA/postgresql.conf" "$RQ_PGDATA/pg_hba.conf"
	pg_hba_families
}

# pg_hba_families — let the five pools' roles in (a cluster made before they existed named
# ruqima_app instead), and reload a running server; nothing when they are in already.
pg_hba_families() {
	local hba=$RQ_PGDATA/pg_hba.conf
	grep -q 'ruqima_registration' "$hba" && return 0
	printf 'local   ruqima    ruqima_registration,ruqima_evaluation,ruqima_complaints,ruqima_reporting,ruqima_admin  scram-sha-256\n' >>"$hba"
	if pg_running; then rq_as_postgres "$RQ_PG_BIN/pg_ctl" -D "$RQ_PGDATA" reload >/dev/null; fi
}

# The pg_ctl command line that starts/stops this cluster identically (all settings are in
# postgresql.conf, so -D and -l are enough). Tests get it as RUQIMA_TEST_PG_CTL.
rq_pg_ctl_cmd() { printf 'runuser -u postgres -- %s/pg_ctl -D %s -l %s -w -t 60\n' "$RQ_PG_BIN" "$RQ_PGDATA" "$RQ_PGLOG"; }

pg_running() { rq_as_postgres "$RQ_PG_BIN/pg_ctl" -D "$RQ_PGDATA" status >/dev/null 2>&1; }

pg_start() {
	pg_running && return 0
	install -d -m 0755 -o postgres -g postgres "$RQ_PGSOCK"
	# pg_ctl -l opens the log as postgres
	[ -e "$RQ_PGLOG" ] || install -m 0640 -o postgres -g adm /dev/null "$RQ_PGLOG"
	rq_as_postgres "$RQ_PG_BIN/pg_ctl" -D "$RQ_PGDATA" -l "$RQ_PGLOG" -w -t "$RQ_START_TIMEOUT" start >/dev/null ||
		{
			tail -n 20 "$RQ_PGLOG" >&2
			rq_die "PostgreSQL did not start (log: $RQ_PGLOG)"
		}
}

pg_stop() {
	[ -f "$RQ_PGDATA/PG_VERSION" ] || return 0
	pg_running || return 0
	rq_as_postgres "$RQ_PG_BIN/pg_ctl" -D "$RQ_PGDATA" -m fast -w -t "$RQ_START_TIMEOUT" stop >/dev/null
}

# rq_psql_super [psql args] — psql as the superuser over the cluster's socket (peer auth).
rq_psql_super() {
	rq_as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$RQ_PGSOCK" -p "$RQ_PG_PORT" "$@"
}

# pg_roles_and_db OWNER_PW APP_PW REPORT_PW — create or align the roles and the database
# (idempotent; sets the passwords every time so the cluster matches the env file): the
# owner, the reporting role, ruqima_app (no login: what every pool shares, the role the
# policies name) and each family's pool role, a member of ruqima_app, with the password
# RQ_FAMILY_PW[family] (APP_PW when unset). The SQL goes through stdin so the passwords
# never appear in a process list.
pg_roles_and_db() {
	local pw f fam_sql=''
	for f in "${RQ_FAMILIES[@]}"; do
		pw=${RQ_FAMILY_PW[$f]:-$2}
		[[ $pw =~ ^[A-Za-z0-9]+$ ]] || rq_die "pg_roles_and_db: unexpected password characters"
		fam_sql+="ALTER ROLE ruqima_$f LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '$pw';
GRANT ruqima_app TO ruqima_$f;
"
	done
	for pw in "$@"; do [[ $pw =~ ^[A-Za-z0-9]+$ ]] || rq_die "pg_roles_and_db: unexpected password characters"; done
	rq_psql_super -d postgres <<EOF
SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['ruqima_owner', 'ruqima_app', 'ruqima_report', 'ruqima_registration',
                    'ruqima_evaluation', 'ruqima_complaints', 'ruqima_reporting',
                    'ruqima_admin']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
-- the owner runs migrations: owns everything, but is no superuser
ALTER ROLE ruqima_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '$1';
-- what every pool shares, and the role the policies name: no login of its own
ALTER ROLE ruqima_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD NULL;
-- the pools, one role each: own nothing, row-level security always applies to them
$fam_sql
-- reports: read-only by default as a second line behind the grants
ALTER ROLE ruqima_report LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '$3';
ALTER ROLE ruqima_report SET default_transaction_read_only = on;
SELECT 'CREATE DATABASE ruqima OWNER ruqima_owner ENCODING ''UTF8'' LOCALE ''C.UTF-8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ruqima') \gexec
ALTER DATABASE ruqima OWNER TO ruqima_owner;
REVOKE ALL ON DATABASE ruqima FROM PUBLIC;
GRANT CONNECT ON DATABASE ruqima TO ruqima_report, ruqima_registration, ruqima_evaluation,
    ruqima_complaints, ruqima_reporting, ruqima_admin;
REVOKE CONNECT ON DATABASE ruqima FROM ruqima_app;
EOF
}

# rq_pg_check_login DSN — fail unless DSN can log in (catches pg_hba or password mismatch).
rq_pg_check_login() {
	psql -X -q -At -d "$1" -c 'SELECT 1' >/dev/null 2>&1 || {
		psql -X -q -At -d "$1" -c 'SELECT 1' >&2 || true
		rq_die "cannot log in with the DSN for ${1%%:*}... (see above)"
	}
}

# ---------------------------------------------------------------------------------------
# ruqima CLI

# rq_cli BUILD_DIR ENV_FILE ARGS... — run build/ruqima with an empty environment plus
# RUQIMA_ENV_FILE (the CLI reads the file itself, and the owner's file it names) and
# RQ_EXTRA_ENV.
rq_cli() {
	local bdir=$1 envfile=$2
	shift 2
	[ -x "$bdir/ruqima" ] || rq_die "$bdir/ruqima is missing: build first"
	env -i "PATH=$RQ_CLEAN_PATH" LANG=C.UTF-8 HOME=/ "RUQIMA_ENV_FILE=$envfile" "${RQ_EXTRA_ENV[@]}" \
		"$bdir/ruqima" "$@"
}

# rq_demo_users BUILD_DIR ENV_FILE — on a development or demonstration stack (the env file's
# RUQIMA_DEMO_USERS=1, what deploy/up writes; never in production), one portal user of each
# role over the demo data (ruqima demo load), each with a password kept in
# $RQ_STATE/demo-users (0600) so that every run prints the same ones. Idempotent: a user that
# exists is kept (and its kept password printed; one whose password is not kept there says
# how to get a new one). Prints "username role password" lines.
rq_demo_users() {
	local bdir=$1 envfile=$2 file=$RQ_STATE/demo-users dsn unit user role opts out rc pw
	# an env file written before the setting existed: deploy/up's default (1)
	[ "$(rq_env_get "$envfile" RUQIMA_DEMO_USERS 1)" = 1 ] || return 0
	# the owner's DSN is in its own file (RUQIMA_OWNER_ENV_FILE), not in the pools' settings
	dsn=$(rq_env_get "$(rq_env_get "$envfile" RUQIMA_OWNER_ENV_FILE "$RQ_OWNER_ENV_FILE")" RUQIMA_OWNER_DSN)
	# the unit of the demo official (app/cli/demo.c)
	unit=$(psql -X -q -At -d "$dsn" -c "SELECT id FROM rq.units WHERE name = '信阳市市场监督管理局' AND county_code IS NULL") ||
		rq_die "could not read the demo unit"
	[ -n "$unit" ] || rq_die "no demo unit: run ruqima demo load first"
	(umask 077 && touch "$file")
	while read -r user role opts; do
		pw=$(awk -v u="$user" '$1 == u { print $2 }' "$file")
		rc=0
		# shellcheck disable=SC2086 # opts: the role's scope option and its value
		out=$(rq_cli "$bdir" "$envfile" user add --username "$user" --role "$role" ${opts//UNIT/$unit} 2>&1) || rc=$?
		case $rc in
		0)
			pw=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
			[ -n "$pw" ] || rq_die "ruqima user add $user printed no password"
			{
				grep -v "^$user " "$file" || true
				printf '%s %s\n' "$user" "$pw"
			} >"$file.new"
			chmod 600 "$file.new" && mv "$file.new" "$file"
			;;
		3) [ -n "$pw" ] || pw="(not kept here: ruqima user reset-password --username $user)" ;;
		*)
			printf '%s\n' "$out" >&2
			rq_die "ruqima user add $user failed (exit $rc)"
			;;
		esac
		printf '  %-16s %-22s %s\n' "$user" "$role" "$pw"
	done <<'USERS'
demo-city city_admin
demo-county county_admin --county 411502
demo-unit unit_admin --unit UNIT
demo-market market_supervision
demo-discipline discipline_inspector
demo-judicial judicial_analyst
USERS
}

# ---------------------------------------------------------------------------------------
# TLS

# tls_selfsigned — a self-signed P-256 certificate for 127.0.0.1/localhost unless one exists
# that is valid for at least another day.
tls_selfsigned() {
	if [ -s "$RQ_TLS_CERT" ] && [ -s "$RQ_TLS_KEY" ] &&
		openssl x509 -in "$RQ_TLS_CERT" -noout -checkend 86400 >/dev/null 2>&1; then
		return 0
	fi
	install -d -m 0700 "$RQ_TLS_DIR"
	(
		umask 077
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 825 -nodes \
			-keyout "$RQ_TLS_KEY" -out "$RQ_TLS_CERT" -subj "/CN=localhost/O=ruqima (self-signed)" \
			-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
	) || rq_die "openssl could not create the certificate"
	chmod 0644 "$RQ_TLS_CERT"
	rq_log "self-signed certificate $RQ_TLS_CERT"
}

# ---------------------------------------------------------------------------------------
# static files

# rq_copy_static BUILD_DIR — copy the built portal (BUILD_DIR/portal: `vite build` of
# app/portal, made by the CMake target `portal`), app/e and app/gongkai to
# RQ_WWW/{admin,e,gongkai}, where nginx's workers can read them (they may not be able to enter
# the checkout or the build tree). A placeholder page is used for a folder that has no
# index.html yet.
rq_copy_static() {
	local bdir=${1:-$RQ_ROOT/build} src dst name new
	for name in admin e gongkai; do
		if [ "$name" = admin ]; then src=$bdir/portal; else src=$RQ_ROOT/app/$name; fi
		[ "$name" = admin ] && [ ! -f "$src/index.html" ] && rq_log "no built portal in $src: serving a placeholder at /admin/"
		dst=$RQ_WWW/$name
		new=$RQ_WWW/.$name.new
		rm -rf "$new"
		install -d -m 0755 "$new"
		if [ -d "$src" ]; then
			tar -C "$src" --exclude=node_modules --exclude='./.*' --exclude='*/.*' -cf - . | tar -C "$new" --no-same-owner -xf -
		fi
		[ -f "$new/index.html" ] || rq_placeholder_page >"$new/index.html"
		chmod -R u=rwX,go=rX "$new"
		rm -rf "$dst"
		mv "$new" "$dst"
	done
}

rq_placeholder_page() {
	cat <<'EOF'
<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>公务入企码</title></head>
<body><h1>公务入企码</h1><p>请使用微信扫一扫打开小程序。</p></body>
</html>
EOF
}

# ---------------------------------------------------------------------------------------
# pools

# Each pool runs under deploy/supervise, which starts it again when it dies (as systemd's
# Restart=always in production): run/<family>.supervise.pid is that script's pid,
# run/<family>.pid the pool's own (a new one after each restart), run/<family>.supervise
# what deploy/status shows (restarts, last exit).

# rq_supervise_pid FAMILY — print the pid of FAMILY's deploy/supervise when it runs (the
# pid file's process runs that script for FAMILY: a recycled pid does not count).
rq_supervise_pid() {
	local pid cmdline
	[ -r "$RQ_RUNDIR/$1.supervise.pid" ] || return 1
	read -r pid <"$RQ_RUNDIR/$1.supervise.pid" || return 1
	[[ $pid =~ ^[0-9]+$ ]] && rq_alive "$pid" || return 1
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmdline == *"deploy/supervise $1 "* ]] || return 1
	printf '%s\n' "$pid"
}

# pools_start BUILD_DIR ENV_FILE — start the five pools, each under deploy/supervise (all at
# once, then wait for each socket). RQ_EXTRA_ENV (array) adds variables, e.g. ASAN_OPTIONS.
pools_start() {
	local bdir=$1 envfile=$2 f pid started=()
	for f in "${RQ_FAMILIES[@]}"; do
		[ -x "$bdir/ruqima-$f" ] || rq_die "$bdir/ruqima-$f is missing: build first"
	done
	for f in "${RQ_FAMILIES[@]}"; do
		if pid=$(rq_supervise_pid "$f") || pid=$(rq_pid_of "$RQ_RUNDIR/$f.pid" "ruqima-$f"); then
			rq_log "pool $f already runs (pid $pid)"
			continue
		fi
		rm -f "$RQ_SOCKDIR/$f.sock" "$RQ_RUNDIR/$f.pid" "$RQ_RUNDIR/$f.supervise"
		# the supervisor and the pool get only their own family's credentials
		# (rq_clean_env_args)
		RQ_ENV_FAMILY=$f rq_spawn "$RQ_RUNDIR/$f.supervise.pid" "$RQ_LOGDIR/$f.log" "$envfile" \
			"$RQ_ROOT/deploy/supervise" "$f" "$RQ_RUNDIR" "$bdir/ruqima-$f"
		started+=("$f")
	done
	local i sup
	for f in "${started[@]}"; do
		for ((i = 0; i < RQ_START_TIMEOUT * 10; i++)); do
			sup=$(rq_supervise_pid "$f") || rq_die "the supervisor of pool $f exited (log: $RQ_LOGDIR/$f.log)"
			if [ "$(rq_env_get "$RQ_RUNDIR/$f.supervise" restarts 0)" != 0 ]; then
				rq_stop_pid "$sup" "supervisor of pool $f" 5 || true
				tail -n 30 "$RQ_LOGDIR/$f.log" >&2
				rq_die "pool $f exited at start (log: $RQ_LOGDIR/$f.log)"
			fi
			[ -S "$RQ_SOCKDIR/$f.sock" ] && break
			sleep 0.1
		done
		[ -S "$RQ_SOCKDIR/$f.sock" ] || {
			tail -n 30 "$RQ_LOGDIR/$f.log" >&2
			rq_die "pool $f did not create $RQ_SOCKDIR/$f.sock within ${RQ_START_TIMEOUT}s"
		}
	done
}

# pools_stop — SIGTERM every pool's supervisor, which passes it on (the pool drains) and
# starts nothing more; wait as long as a request may run (RUQIMA_REQUEST_TIMEOUT, default
# 30 s) plus 10 s each, then SIGKILL. A pool started without a supervisor (by an older
# deploy/up) is stopped the same way. Returns 2 when a pool had to be killed.
pools_stop() {
	local f pid rc=0 pids=() names=()
	local grace=$((${RUQIMA_REQUEST_TIMEOUT:-30} + 10))
	for f in "${RQ_FAMILIES[@]}"; do
		if pid=$(rq_supervise_pid "$f") || pid=$(rq_pid_of "$RQ_RUNDIR/$f.pid" "ruqima-$f"); then
			pids+=("$pid")
			names+=("$f")
		fi
	done
	# stop them in parallel (each drains on its own), then collect the results
	local i waiters=()
	for i in "${!pids[@]}"; do
		rq_stop_pid "${pids[$i]}" "pool ${names[$i]}" "$grace" &
		waiters+=($!)
	done
	for i in "${waiters[@]}"; do
		wait "$i" || rc=2
	done
	for f in "${names[@]}"; do rm -f "$RQ_RUNDIR/$f.pid" "$RQ_RUNDIR/$f.supervise.pid"; done
	return $rc
}

# pools_status — one line per pool: running (pool pid, workers, restarts and last exit from
# its supervisor, socket, health) or stopped. Returns 1 when one is not running, healthy
# and supervised. BASE is the https://host:port of nginx.
pools_status() {
	local base=$1 f pid sup workers sock code body restarts last last_at rc=0
	for f in "${RQ_FAMILIES[@]}"; do
		sup=$(rq_supervise_pid "$f") || sup=
		restarts=$(rq_env_get "$RQ_RUNDIR/$f.supervise" restarts 0)
		last=$(rq_env_get "$RQ_RUNDIR/$f.supervise" last_exit none)
		last_at=$(rq_env_get "$RQ_RUNDIR/$f.supervise" last_exit_at '')
		[ "$last" = none ] || last="$last at $last_at"
		if pid=$(rq_pid_of "$RQ_RUNDIR/$f.pid" "ruqima-$f"); then
			workers=$(ps -o pid= --ppid "$pid" | wc -l)
			sock=missing
			[ -S "$RQ_SOCKDIR/$f.sock" ] && sock=$RQ_SOCKDIR/$f.sock
			code=$(rq_health_code "$base" "$f")
			body=$(curl -sk --max-time 5 "$base/api/v1/$f/health" 2>/dev/null | head -c 200)
			printf 'pool %-13s running   pid %-8s workers %-3s socket %s\n' "$f" "$pid" "$workers" "$sock"
			[ "$code" = 200 ] || rc=1
		else
			printf 'pool %-13s stopped\n' "$f"
			code='' body=''
			rc=1
		fi
		if [ -n "$sup" ]; then
			printf '     %-13s supervise pid %-8s restarts %-4s last exit %s\n' "" "$sup" "$restarts" "$last"
		else
			printf '     %-13s supervise none (nothing restarts it: run deploy/up)\n' ""
			rc=1
		fi
		[ -z "$code" ] || printf '     %-13s health    %s %s\n' "" "$code" "$body"
	done
	return $rc
}

# ---------------------------------------------------------------------------------------
# background work: the notification dispatcher and the print-jobs runner

# The CLI commands deploy/up runs next to the pools, by name: pid file run/<name>.pid, log
# log/<name>.log. Without --once each runs until SIGTERM and supervises its one child like
# a pool its workers (lib/rq_supervise.c): a child that dies is replaced.
RQ_BACKGROUND=(notify print-jobs)

# rq_background_args NAME — set the array RQ_BG_ARGS to the CLI arguments of NAME.
rq_background_args() {
	case $1 in
	notify) RQ_BG_ARGS=(notify run) ;;
	print-jobs) RQ_BG_ARGS=(codes print-jobs run) ;;
	*) rq_die "no background command '$1'" ;;
	esac
}

# rq_background_pid NAME — print the supervisor pid of NAME when it runs (the pid file's
# process runs ruqima with NAME's arguments: a recycled pid does not count); fail otherwise.
rq_background_pid() {
	local pid cmdline
	pid=$(rq_pid_of "$RQ_RUNDIR/$1.pid" ruqima) || return 1
	rq_background_args "$1"
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmdline == *" ${RQ_BG_ARGS[*]} "* ]] || return 1
	printf '%s\n' "$pid"
}

# rq_background_child PID — print the pid of the supervisor's child (the one doing the work),
# or nothing.
rq_background_child() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' | head -n 1; }

# background_start BUILD_DIR ENV_FILE — start each background command that does not run yet
# (RQ_EXTRA_ENV adds variables, as for the pools), then wait until each has its child.
background_start() {
	local bdir=$1 envfile=$2 name pid i started=()
	[ -x "$bdir/ruqima" ] || rq_die "$bdir/ruqima is missing: build first"
	for name in "${RQ_BACKGROUND[@]}"; do
		if pid=$(rq_background_pid "$name"); then
			rq_log "$name already runs (pid $pid)"
			continue
		fi
		rq_background_args "$name"
		rq_spawn "$RQ_RUNDIR/$name.pid" "$RQ_LOGDIR/$name.log" "$envfile" "$bdir/ruqima" \
			"${RQ_BG_ARGS[@]}"
		started+=("$name")
	done
	for name in "${started[@]}"; do
		for ((i = 0; i < RQ_START_TIMEOUT * 10; i++)); do
			pid=$(rq_background_pid "$name") || {
				tail -n 20 "$RQ_LOGDIR/$name.log" >&2
				rq_die "$name exited at start (log: $RQ_LOGDIR/$name.log)"
			}
			[ -n "$(rq_background_child "$pid")" ] && break
			sleep 0.1
		done
	done
}

# background_stop — SIGTERM each background command (its child finishes the message or the
# print batch in hand), SIGKILL after 40 s. Returns 2 when one had to be killed.
background_stop() {
	local name pid rc=0 waiters=() w
	for name in "${RQ_BACKGROUND[@]}"; do
		pid=$(rq_background_pid "$name") || continue
		rq_stop_pid "$pid" "$name" 40 &
		waiters+=($!)
	done
	for w in "${waiters[@]}"; do
		wait "$w" || rc=2
	done
	for name in "${RQ_BACKGROUND[@]}"; do
		rq_background_pid "$name" >/dev/null || rm -f "$RQ_RUNDIR/$name.pid"
	done
	return $rc
}

# background_status — one line per background command: running (supervisor and child pid,
# and whether the dispatcher waits for its WeChat settings) or stopped. Returns 1 when one
# is stopped.
background_status() {
	local name pid child note rc=0
	for name in "${RQ_BACKGROUND[@]}"; do
		if pid=$(rq_background_pid "$name"); then
			child=$(rq_background_child "$pid")
			note=''
			# what the latest start said: WeChat not configured, posters not printable
			if [ -r "$RQ_LOGDIR/$name.log" ]; then
				note=$(awk '/"msg":"started: /{n=""} /WeChat is not configured/{n="  WeChat not configured: notifications stay pending"} /an address of this machine/{n="  RUQIMA_PUBLIC_BASE_URL is local: print jobs fail"} END{print n}' "$RQ_LOGDIR/$name.log")
			fi
			printf '%-16s running   pid %-8s child %-8s log %s%s\n' "$name" "$pid" \
				"${child:-none}" "$RQ_LOGDIR/$name.log" "$note"
			[ -n "$child" ] || rc=1
		else
			printf '%-16s stopped\n' "$name"
			rc=1
		fi
	done
	return $rc
}

# ---------------------------------------------------------------------------------------
# nginx

# rq_sed_escape STRING — escape for the replacement side of sed s|||.
rq_sed_escape() { printf '%s\n' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# rq_rate_retry NAME RATE — check that RATE is an nginx rate (20r/m, 1r/s) and print the
# Retry-After of a 429 under it: the seconds until the next request passes (at least 1).
rq_rate_retry() {
	local n=${2%r/?}
	[[ $2 =~ ^[1-9][0-9]*r/[sm]$ ]] || rq_die "$1=$2 is not a rate such as 20r/m or 1r/s"
	case $2 in
	*r/s) echo 1 ;;
	*r/m) echo $(((60 + n - 1) / n)) ;;
	esac
}

# nginx_render [TEMPLATE] [OUT] — fill nginx/ruqima.conf.template's @NAME@ placeholders.
# The per-client-address rates and bursts (README, Settings; defaults below): RQ_NGINX_RATE /
# RQ_NGINX_BURST the reads of /api/ (GET, HEAD), RQ_NGINX_WRITE_RATE / RQ_NGINX_WRITE_BURST
# its writes, RQ_NGINX_IMAGE_RATE / RQ_NGINX_IMAGE_BURST the images (qr.png, poster.png),
# RQ_NGINX_LOGIN_RATE / RQ_NGINX_LOGIN_BURST the portal's login, RQ_NGINX_PUBLIC_RATE /
# RQ_NGINX_PUBLIC_BURST the public pages (/gongkai/, /e/) and the disclosure's data;
# RQ_NGINX_RATE_EXEMPT lists the addresses (CIDR) none of them counts, default loopback
# ("127.0.0.0/8 ::1/128"; "none": every address is counted). RQ_NGINX_IMAGE_CACHE_VALID
# (default 60s) is how long nginx serves a cached image before asking the pool again.
# The photo upload's body limit is the pools' RUQIMA_ATTACHMENT_MAX_BYTES, as the pools
# read it: from RQ_ENV_FILE (the record), else the environment, else its default.
nginx_render() {
	local tpl=${1:-$RQ_ROOT/nginx/ruqima.conf.template} out=${2:-$RQ_NGINX_DIR/nginx.conf}
	local attachment_max
	attachment_max=$(rq_env_get "${RQ_ENV_FILE:-}" RUQIMA_ATTACHMENT_MAX_BYTES \
		"${RUQIMA_ATTACHMENT_MAX_BYTES:-4194304}")
	[[ $attachment_max =~ ^[1-9][0-9]*$ ]] || rq_die "RUQIMA_ATTACHMENT_MAX_BYTES=$attachment_max is not a number of bytes"
	local api_rate=${RQ_NGINX_RATE:-50r/s} write_rate=${RQ_NGINX_WRITE_RATE:-10r/s}
	local image_rate=${RQ_NGINX_IMAGE_RATE:-30r/m} login_rate=${RQ_NGINX_LOGIN_RATE:-20r/m}
	local public_rate=${RQ_NGINX_PUBLIC_RATE:-2r/s}
	local api_retry write_retry image_retry login_retry public_retry
	api_retry=$(rq_rate_retry RQ_NGINX_RATE "$api_rate") || exit 1
	write_retry=$(rq_rate_retry RQ_NGINX_WRITE_RATE "$write_rate") || exit 1
	image_retry=$(rq_rate_retry RQ_NGINX_IMAGE_RATE "$image_rate") || exit 1
	login_retry=$(rq_rate_retry RQ_NGINX_LOGIN_RATE "$login_rate") || exit 1
	public_retry=$(rq_rate_retry RQ_NGINX_PUBLIC_RATE "$public_rate") || exit 1
	local api_burst=${RQ_NGINX_BURST:-200} write_burst=${RQ_NGINX_WRITE_BURST:-50}
	local image_burst=${RQ_NGINX_IMAGE_BURST:-30} login_burst=${RQ_NGINX_LOGIN_BURST:-20}
	local public_burst=${RQ_NGINX_PUBLIC_BURST:-20} v
	for v in RQ_NGINX_BURST=$api_burst RQ_NGINX_WRITE_BURST=$write_burst \
		RQ_NGINX_IMAGE_BURST=$image_burst RQ_NGINX_LOGIN_BURST=$login_burst \
		RQ_NGINX_PUBLIC_BURST=$public_burst; do
		[[ ${v#*=} =~ ^[0-9]+$ ]] || rq_die "$v is not a number"
	done
	local image_valid=${RQ_NGINX_IMAGE_CACHE_VALID:-60s}
	[[ $image_valid =~ ^[1-9][0-9]*[smh]$ ]] || rq_die "RQ_NGINX_IMAGE_CACHE_VALID=$image_valid is not a time such as 60s, 10m or 1h"
	local exempt='' cidr
	for cidr in ${RQ_NGINX_RATE_EXEMPT:-127.0.0.0/8 ::1/128}; do
		[ "$cidr" = none ] && continue
		[[ $cidr =~ ^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$ ]] || rq_die "RQ_NGINX_RATE_EXEMPT: '$cidr' is not an address or CIDR block"
		exempt+="$cidr 1; "
	done
	local -a subst=(
		"STATE=$RQ_STATE" "ROOT=$RQ_ROOT" "PORT=$RQ_HTTPS_PORT" "LISTEN_ADDR=${RQ_LISTEN_ADDR:-127.0.0.1}"
		"SOCKDIR=$RQ_SOCKDIR" "NGINX_DIR=$RQ_NGINX_DIR" "LOGDIR=$RQ_LOGDIR" "WWW=$RQ_WWW"
		"UPLOADS=$RQ_UPLOADS" "TLS_CERT=$RQ_TLS_CERT" "TLS_KEY=$RQ_TLS_KEY"
		"API_RATE=$api_rate" "API_BURST=$api_burst" "API_RETRY_AFTER=$api_retry"
		"WRITE_RATE=$write_rate" "WRITE_BURST=$write_burst" "WRITE_RETRY_AFTER=$write_retry"
		"IMAGE_RATE=$image_rate" "IMAGE_BURST=$image_burst" "IMAGE_RETRY_AFTER=$image_retry"
		"LOGIN_RATE=$login_rate" "LOGIN_BURST=$login_burst" "LOGIN_RETRY_AFTER=$login_retry"
		"PUBLIC_RATE=$public_rate" "PUBLIC_BURST=$public_burst" "PUBLIC_RETRY_AFTER=$public_retry"
		"IMAGE_CACHE_VALID=$image_valid"
		"ATTACHMENT_MAX_BYTES=$attachment_max" "RATE_EXEMPT=$exempt"
	)
	local args=() s
	for s in "${subst[@]}"; do args+=(-e "s|@${s%%=*}@|$(rq_sed_escape "${s#*=}")|g"); done
	sed "${args[@]}" "$tpl" >"$out.tmp"
	if grep -qE '@[A-Z_]+@' "$out.tmp"; then
		grep -nE '@[A-Z_]+@' "$out.tmp" >&2
		rm -f "$out.tmp"
		rq_die "nginx_render: unfilled placeholders in $tpl"
	fi
	mv -f "$out.tmp" "$out"
}

rq_nginx() { nginx -c "$RQ_NGINX_DIR/nginx.conf" -p "$RQ_NGINX_DIR/" -e "$RQ_LOGDIR/nginx-error.log" "$@"; }

# nginx_listens PID — nginx's master PID holds the listening socket of
# RQ_LISTEN_ADDR:RQ_HTTPS_PORT (ss -p names every process that holds it).
nginx_listens() {
	ss -Hltnp "src ${RQ_LISTEN_ADDR:-127.0.0.1} and sport = :$RQ_HTTPS_PORT" 2>/dev/null |
		grep -q "pid=$1,"
}

# nginx_wait_listening PID WHAT — wait up to 5 s for nginx_listens; else show nginx's error
# log and die: another program holds the port, or a reload nginx could not apply (it keeps
# the old configuration and says so only in its error log), and the health checks that
# follow could be answered by whoever holds the port.
nginx_wait_listening() {
	local i
	for ((i = 0; i < 50; i++)); do
		nginx_listens "$1" && return 0
		sleep 0.1
	done
	tail -n 20 "$RQ_LOGDIR/nginx-error.log" >&2
	rq_die "nginx $2 but does not listen on ${RQ_LISTEN_ADDR:-127.0.0.1}:$RQ_HTTPS_PORT (taken by another program? see $RQ_LOGDIR/nginx-error.log)"
}

# nginx_start — test the rendered config, then start nginx or, when it runs, reload it; fails
# unless nginx then listens on its port.
nginx_start() {
	local pid i
	rq_nginx -t -q || rq_die "nginx rejects $RQ_NGINX_DIR/nginx.conf"
	if pid=$(rq_pid_of "$RQ_NGINX_DIR/nginx.pid" nginx); then
		rq_nginx -s reload
		nginx_wait_listening "$pid" "reloaded"
		rq_log "nginx reloaded (pid $pid)"
		return 0
	fi
	rq_nginx </dev/null
	for ((i = 0; i < 50; i++)); do
		if pid=$(rq_pid_of "$RQ_NGINX_DIR/nginx.pid" nginx); then
			nginx_wait_listening "$pid" "started"
			return 0
		fi
		sleep 0.1
	done
	tail -n 20 "$RQ_LOGDIR/nginx-error.log" >&2
	rq_die "nginx did not start"
}

# nginx_stop — graceful stop (SIGQUIT lets requests finish), SIGTERM/SIGKILL after 10 s.
nginx_stop() {
	local pid i
	pid=$(rq_pid_of "$RQ_NGINX_DIR/nginx.pid" nginx) || return 0
	kill -QUIT "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		rq_alive "$pid" || return 0
		sleep 0.1
	done
	rq_stop_pid "$pid" nginx 5 || true
}

# ---------------------------------------------------------------------------------------
# health

# rq_health_code BASE FAMILY — print the HTTP status of GET /api/v1/FAMILY/health (000: none).
rq_health_code() {
	curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "$1/api/v1/$2/health" 2>/dev/null || true
}

# rq_wait_health BASE [SECONDS] — wait until every family's health answers 200.
rq_wait_health() {
	local base=$1 secs=${2:-$RQ_START_TIMEOUT} f code i pending
	for ((i = 0; i < secs * 4; i++)); do
		pending=()
		for f in "${RQ_FAMILIES[@]}"; do
			code=$(rq_health_code "$base" "$f")
			[ "$code" = 200 ] || pending+=("$f:$code")
		done
		[ ${#pending[@]} -eq 0 ] && return 0
		sleep 0.25
	done
	rq_log "not healthy after ${secs}s: ${pending[*]}"
	for f in "${RQ_FAMILIES[@]}"; do
		printf '  %s: ' "$f" >&2
		curl -sk --max-time 5 "$base/api/v1/$f/health" >&2 2>&1 || true
		printf '\n' >&2
	done
	return 1
}

# rq_free_port VAR — set VAR to a TCP port no one listens on and not yet in RQ_PORTS_TAKEN.
# Picked below the kernel's ephemeral range (32768+) so outgoing connections do not take it.
rq_free_port() {
	local p tries
	for ((tries = 0; tries < 500; tries++)); do
		p=$((20000 + RANDOM % 12000))
		[[ " ${RQ_PORTS_TAKEN[*]-} " == *" $p "* ]] && continue
		[ -z "$(ss -Htln "sport = :$p")" ] || continue
		RQ_PORTS_TAKEN+=("$p")
		printf -v "$1" '%s' "$p"
		return 0
	done
	rq_die "no free TCP port found"
}

# --- backups (deploy/backup, deploy/restore-drill; README "Backups and restore") ---------------
# RUQIMA_BACKUP_DIR (default $RQ_STATE/backup) holds wal/, the WAL archive PostgreSQL's
# archive_command fills, and base/<UTC time>/, the base backups deploy/backup takes.
rq_backup_dir() { printf '%s\n' "${RUQIMA_BACKUP_DIR:-$RQ_STATE/backup}"; }

# rq_archive_conf DIR — the postgresql.conf lines that archive every finished WAL segment into
# DIR/wal (copied under a temporary name first: a half-copied file is never taken for a whole
# one; an existing file is never overwritten), and at least every 5 minutes.
rq_archive_conf() {
	printf 'archive_mode = on\n'
	printf "archive_command = 'test ! -f %s/wal/%%f && cp %%p %s/wal/%%f.part && mv %s/wal/%%f.part %s/wal/%%f'\n" "$1" "$1" "$1" "$1"
	printf 'archive_timeout = 300\n'
}

# rq_backup_dirs DIR — DIR/wal and DIR/base, owned by postgres (it archives and backs up).
rq_backup_dirs() {
	install -d -m 0750 -o postgres -g postgres "$1" "$1/wal" "$1/base"
}

# pg_archiving DIR — WAL archiving into DIR/wal on the running cluster: written once to
# postgresql.conf, then PostgreSQL restarts (archive_mode takes effect only at a start; the
# pools reconnect by themselves).
pg_archiving() {
	rq_backup_dirs "$1"
	grep -q '^# --- ruqima WAL archive' "$RQ_PGDATA/postgresql.conf" && return 0
	{
		printf '\n# --- ruqima WAL archive (deploy/lib.sh pg_archiving) ---\n'
		rq_archive_conf "$1"
	} >>"$RQ_PGDATA/postgresql.conf"
	rq_log "WAL archiving into $1/wal: restarting PostgreSQL"
	rq_as_postgres "$RQ_PG_BIN/pg_ctl" -D "$RQ_PGDATA" -l "$RQ_PGLOG" -w -t "$RQ_START_TIMEOUT" restart >/dev/null ||
		rq_die "PostgreSQL did not restart (log: $RQ_PGLOG)"
}
