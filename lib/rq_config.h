/* Settings, read from RUQIMA_* environment variables (README lists every one). */
#ifndef RQ_CONFIG_H
#define RQ_CONFIG_H

#include "rq_attr.h"

#include <stdbool.h>
#include <stddef.h>

struct rq_config {
	const char *state_dir;
	const char *dsn;	/* workers: ruqima_app */
	const char *owner_dsn;	/* migrations and operator commands: ruqima_owner */
	const char *report_dsn; /* reports: ruqima_report */
	/* the reporting pool's statistics: ruqima_app, read-only, possibly a replica */
	const char *stats_dsn;
	/* seconds a replica read through stats_dsn or report_dsn may lag behind the primary
	 * before the statistics answer 503 and `ruqima report run` refuses */
	int replica_max_lag;
	const char *socket_dir;
	const char *socket_group;
	const char *run_as;
	const char *migrations_dir;
	const char *wx_base_url;
	const char *wx_appid;
	const char *wx_secret;
	/* subscribe message template of visit notifications; "" = not configured */
	const char *wx_template_visit;
	/* mini-program page a notification opens (the visit's id is added as ?id=) */
	const char *wx_msg_page;
	/* subscribe message template of case notifications; "" = not sent through WeChat */
	const char *wx_template_case;
	/* mini-program page a case notification opens (the case's id is added as ?id=) */
	const char *wx_case_page;
	/* what printed QR codes encode, <this>/e/<token>; without a final slash */
	const char *public_base_url;
	/* FreeType font of the posters' text (face 0) */
	const char *font_file;
	/* supervision line printed at the foot of every poster */
	const char *poster_footer;
	/* where `ruqima audit seal` appends the seals, outside the database */
	const char *audit_seal_file;
	int workers;
	int max_requests;
	int request_timeout;   /* seconds */
	long max_body;	       /* bytes */
	long import_max_bytes; /* largest CSV `ruqima import enterprises` reads */
	long report_timeout;   /* seconds a report's query may run (`ruqima report run`) */
	/* rows an auditors' export streams in one request; a bigger range becomes a job */
	long export_stream_max;
	/* photo uploads: the largest (their own body cap), and how many one account may
	 * upload in 24 hours */
	long attachment_max_bytes;
	int attachment_daily_max;
	bool dev_login;
	/* `codes print` and the print-jobs runner may put a loopback public_base_url on posters
	 * (RUQIMA_PRINT_LOCAL_URL=1: development and test stacks only) */
	bool print_local_url;
	int session_ttl;  /* seconds */
	int session_idle; /* seconds */
	int login_max_failures;
	int login_lockout; /* seconds */
};

/* Fills cfg from the environment. Returns 0, or -1 after printing to stderr which
 * setting is malformed (a number out of range, a boolean that is not 0/1). */
int rq_config_load(struct rq_config *cfg) RQ_MUST_USE;

/* True when url (an http(s) URL as RUQIMA_PUBLIC_BASE_URL holds it) names this machine:
 * localhost or a name under .localhost, an address of 127.0.0.0/8 (also written short, as
 * 127.1), 0.0.0.0, ::1, :: or an IPv4-mapped loopback. A QR code of such a URL opens the
 * phone itself. */
bool rq_url_is_local(const char *url);

/* Loads KEY=VALUE lines (blank lines and # comments ignored) into the environment without
 * overriding variables already set. Returns 0, -1 on a malformed line (reported on stderr),
 * or -2 when the file cannot be opened. */
int rq_config_read_env_file(const char *path) RQ_MUST_USE;

#endif
