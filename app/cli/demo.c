/* ruqima demo load: a few units, enterprises and accounts so a new user can try the
 * platform at once. Idempotent: running it again changes nothing. */
#include "cli.h"

#include <stdio.h>

/* Enterprise credit codes below pass the GB 32100 check (the database enforces it). */
#define DEMO_USCCS "('91411502MA9F00001A', '91411503MA9F00002U', '91411525MA9F00003T')"
static const char *const demo_sql[] = {
    "INSERT INTO rq.units (name, county_code, discipline_group) VALUES"
    " ('信阳市市场监督管理局', NULL, '市纪委监委驻市市场监管局纪检监察组'),"
    " ('信阳市生态环境局', NULL, '市纪委监委驻市生态环境局纪检监察组'),"
    " ('信阳市应急管理局', NULL, '市纪委监委驻市应急管理局纪检监察组'),"
    " ('浉河区市场监督管理局', '411502', '区纪委监委驻区市场监管局纪检监察组'),"
    " ('平桥区税务局', '411503', '区纪委监委派驻纪检监察组')"
    " ON CONFLICT DO NOTHING",
    "INSERT INTO rq.enterprises (uscc, name, legal_rep, address, county_code, industry,"
    " business_status, latitude, longitude, name_verified) VALUES"
    " ('91411502MA9F00001A', '信阳毛尖茶业有限公司', '张三', '信阳市浉河区茶韵路1号',"
    "  '411502', '茶叶加工', 'normal', 32.1285, 114.0910, true),"
    " ('91411503MA9F00002U', '平桥区明港钢构制造有限公司', '李四', '信阳市平桥区明港镇工业园',"
    "  '411503', '金属结构制造', 'normal', 32.4490, 114.0310, true),"
    " ('91411525MA9F00003T', '固始县鹅块食品有限责任公司', '王五', '固始县城关镇蓼城大道88号',"
    "  '411525', '食品制造', 'normal', 32.1680, 115.6540, false)"
    " ON CONFLICT DO NOTHING",
    "INSERT INTO rq.accounts (openid) VALUES ('demo-official-openid'), ('demo-manager-openid')"
    " ON CONFLICT DO NOTHING",
    /* A code for every verified demo enterprise in normal operation that has no active one
     * (also after someone revoked it while trying the CLI). */
    "SELECT rq.issue_code(e.id) FROM rq.enterprises e"
    " WHERE e.uscc IN " DEMO_USCCS " AND e.name_verified AND e.business_status = 'normal'"
    " AND NOT EXISTS (SELECT 1 FROM rq.codes c WHERE c.enterprise_id = e.id AND c.status = "
    "'active')"
    " ORDER BY e.id",
};

/* The demo codes, to open at once: /e/<token> is what the printed QR encodes. */
static const char demo_codes_sql[] =
    "SELECT c.serial, c.token, e.name FROM rq.codes c JOIN rq.enterprises e ON e.id = "
    "c.enterprise_id"
    " WHERE e.uscc IN " DEMO_USCCS " AND c.status = 'active' ORDER BY c.serial";

static void print_demo_codes(PGconn *c, const struct rq_config *cfg)
{
	PGresult *r = PQexec(c, demo_codes_sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
		puts("demo codes (open one; the API resolves it at "
		     "/api/v1/registration/codes/<token>):");
		for (int i = 0; i < PQntuples(r); i++)
			printf("  %s  %s/e/%s  %s\n", PQgetvalue(r, i, 0), cfg->public_base_url,
			       PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
	}
	PQclear(r);
}

int cli_demo_load(const struct rq_config *cfg)
{
	PGconn *c = cli_connect_owner(cfg);
	if (c == NULL)
		return 1;
	int rc = 0;
	if (cli_exec(c, "BEGIN") != 0 || cli_set_actor(c, "cli-demo-load") != 0)
		rc = 1;
	for (size_t i = 0; rc == 0 && i < sizeof(demo_sql) / sizeof(demo_sql[0]); i++)
		if (cli_exec(c, demo_sql[i]) != 0)
			rc = 1;
	if (rc == 0 && cli_exec(c, "COMMIT") == 0) {
		puts("demo data loaded (units, enterprises, accounts, codes)");
		print_demo_codes(c, cfg);
	} else
		cli_rollback(c);
	PQfinish(c);
	return rc;
}
