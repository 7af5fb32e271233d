/* ruqima: the operator CLI. Reads the same settings as the pools (the env file). */
#include "cli.h"

#include "rq_config.h"
#include "rq_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs(
	    "usage: ruqima COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  migrate                    apply the migrations not yet applied, in order\n"
	    "  migrate --status           list the migrations and whether each is applied\n"
	    "  user add --username NAME --role ROLE [--county CODE] [--unit ID]\n"
	    "           [--discipline-group NAME]\n"
	    "                             create a portal user; prints a generated password\n"
	    "  user list [--role ROLE] [--all]\n"
	    "                             list the portal users (--all: deactivated ones too)\n"
	    "  user reset-password --username NAME\n"
	    "                             a new generated password (printed once); ends the\n"
	    "                             user's sessions and clears a failed-login lockout\n"
	    "  user lock --username NAME  lock a portal user until unlocked; ends its sessions\n"
	    "  user unlock --username NAME\n"
	    "                             unlock it (also a lockout after failed logins)\n"
	    "  demo load                  load the demo units, enterprises, accounts and codes\n"
	    "  codes issue [--county CODE | --uscc CODE]\n"
	    "                             issue a code to every verified enterprise in normal\n"
	    "                             operation that has none (of one county), or to one\n"
	    "                             (credit or project code; exits 3 if it has one)\n"
	    "  codes list [--county CODE] [--limit N] [--status active|revoked|all]\n"
	    "                             list codes (default: every active one)\n"
	    "  codes revoke --uscc CODE --reason TEXT\n"
	    "                             revoke the enterprise's active code\n"
	    "  codes reissue --uscc CODE --reason TEXT\n"
	    "                             revoke it and issue a new one in one transaction\n"
	    "                             (a lost, damaged or leaked poster)\n"
	    "  codes activation-code --uscc CODE\n"
	    "                             a new one-time activation code for the enterprise's\n"
	    "                             slip, printed once (supersedes its unused one)\n"
	    "  codes print --county CODE [--only-unprinted] [--output FILE.zip]\n"
	    "              [--allow-local-url]\n"
	    "                             the print batch: a ZIP of every poster and slip of\n"
	    "                             the county and manifest.csv (to stdout without\n"
	    "                             --output); refuses a RUQIMA_PUBLIC_BASE_URL of this\n"
	    "                             machine unless --allow-local-url\n"
	    "  codes print-jobs run [--once] [--allow-local-url]\n"
	    "                             build the print jobs queued in the portal; --once:\n"
	    "                             until the queue is empty, else until SIGTERM\n"
	    "  import enterprises FILE [--dry-run] [--strict]\n"
	    "                             import the enterprise register (CSV, UTF-8 or GBK);\n"
	    "                             --dry-run changes nothing, --strict refuses the file\n"
	    "                             if any row is bad\n"
	    "  import huiqitong FILE [--dry-run]\n"
	    "                             import 浉河区's 慧企通 scan records as visits (CSV,\n"
	    "                             UTF-8 or GBK); bad rows are reported, not imported;\n"
	    "                             a record imported before is never overwritten\n"
	    "  units map list             the unit names of 慧企通 and the units they are\n"
	    "  units map set --name NAME --unit ID\n"
	    "                             map a unit name of 慧企通 to a unit of the platform\n"
	    "  units map delete --name NAME\n"
	    "                             remove that mapping\n"
	    "  calendar import FILE [--dry-run]\n"
	    "                             import holidays and 调休 working days (CSV: date,\n"
	    "                             kind, name); nothing is imported if a line is bad\n"
	    "  calendar list [--year YYYY]\n"
	    "                             the calendar's days of a year (default: this year)\n"
	    "  report list                list the judicial bureau's reports and their schedules\n"
	    "  report run NAME --from YYYY-MM-DD --to YYYY-MM-DD [--county CODE]\n"
	    "             [--source platform|huiqitong] [--format xlsx,csv] [--output DIR]\n"
	    "                             run one report into XLSX and CSV files (default:\n"
	    "                             uploads/reports/, downloadable in the portal)\n"
	    "  report run-scheduled SET [--date YYYY-MM-DD]\n"
	    "                             run the set monthly (weekly) for the month (week)\n"
	    "                             before the date (default today): the timers\n"
	    "  exports run                build the auditors' export jobs queued in the portal\n"
	    "                             (ranges over RUQIMA_EXPORT_STREAM_MAX visits): the\n"
	    "                             timer, every minute\n"
	    "  notify run [--once] [--limit N]\n"
	    "                             send the queued notifications as WeChat subscribe\n"
	    "                             messages (N a pass, default 200); --once: one pass,\n"
	    "                             else every 5 s until SIGTERM\n"
	    "  cases sweep                mark the case steps past their deadline (each once),\n"
	    "                             notify the handler and tell the city admins\n"
	    "  audit seal [--hourly]      record the audit chain's head (a seal) and append\n"
	    "                             the seals to RUQIMA_AUDIT_SEAL_FILE: the timer, hourly\n"
	    "  audit verify [--from SEQ:HASH]\n"
	    "                             recompute the audit chain (from a published seal) and\n"
	    "                             report the first broken row; exit 1 when broken\n"
	    "\n"
	    "Without --once, notify run and codes print-jobs run supervise their one child\n"
	    "like a pool its workers (replaced when it dies); deploy/up runs both so.\n"
	    "\n"
	    "settings: the env file named by RUQIMA_ENV_FILE (default\n"
	    "$RUQIMA_STATE_DIR/ruqima.env, that is /var/lib/ruqima/ruqima.env, written by\n"
	    "deploy/up), then the environment; the owner's DSN from RUQIMA_OWNER_ENV_FILE\n"
	    "(default $RUQIMA_STATE_DIR/owner.env, root only).\n",
	    f);
}

/* The settings file named by variable, else name in the state directory (into buf). */
static const char *settings_file(const char *variable, const char *name, char *buf, size_t cap)
{
	const char *file = getenv(variable);
	if (file != NULL && *file != '\0')
		return file;
	const char *state = getenv("RUQIMA_STATE_DIR");
	snprintf(buf, cap, "%s/%s", state != NULL && *state != '\0' ? state : "/var/lib/ruqima",
		 name);
	return buf;
}

int main(int argc, char **argv)
{
	rq_log_init("cli");
	char env_buf[4096], owner_buf[4096];
	const char *env_file =
	    settings_file("RUQIMA_ENV_FILE", "ruqima.env", env_buf, sizeof(env_buf));
	int rc = rq_config_read_env_file(env_file);
	if (rc == -1)
		return 2;
	/* The owner's DSN lives apart, root only, where no pool reads it (deploy/lib.sh): the
	 * file the settings name, else owner.env of the state directory they name. */
	const char *owner_file =
	    settings_file("RUQIMA_OWNER_ENV_FILE", "owner.env", owner_buf, sizeof(owner_buf));
	if (getenv("RUQIMA_OWNER_DSN") == NULL && rq_config_read_env_file(owner_file) == -1)
		return 2;
	struct rq_config cfg;
	if (rq_config_load(&cfg) != 0)
		return 2;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (cfg.owner_dsn == NULL) {
		fprintf(stderr,
			"ruqima: RUQIMA_OWNER_DSN is not set (env file %s %s, owner's file %s)\n",
			env_file, rc == -2 ? "not found" : "read", owner_file);
		return 2;
	}
	if (strcmp(argv[1], "migrate") == 0)
		return cli_migrate(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "user") == 0)
		return cli_user(&cfg, argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "demo") == 0 && strcmp(argv[2], "load") == 0)
		return cli_demo_load(&cfg);
	if (strcmp(argv[1], "codes") == 0)
		return cli_codes(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "import") == 0)
		return cli_import(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "units") == 0)
		return cli_units(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "report") == 0)
		return cli_report(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "exports") == 0)
		return cli_exports(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "calendar") == 0)
		return cli_calendar(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "notify") == 0)
		return cli_notify(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "cases") == 0)
		return cli_cases(&cfg, argc - 2, argv + 2);
	if (strcmp(argv[1], "audit") == 0)
		return cli_audit(&cfg, argc - 2, argv + 2);
	usage(stderr);
	return 2;
}
