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
    /* A demo official and three visits of the last weeks, so that the public disclosure
     * (/gongkai/) and the portal have something to show: a visit rated 满意, a joint
     * inspection with a participating unit rated 基本满意 anonymously, and a research rated
     * 不满意 whose case was found 不属实. Once only: not again when the official has visits. */
    "DO $demo$\n"
    "DECLARE\n"
    "  v_off bigint := (SELECT id FROM rq.accounts WHERE openid = 'demo-official-openid');\n"
    "  v_mgr bigint := (SELECT id FROM rq.accounts WHERE openid = 'demo-manager-openid');\n"
    "  v_unit bigint := (SELECT id FROM rq.units WHERE name = '信阳市市场监督管理局'"
    "                     AND county_code IS NULL);\n"
    "  v_tax bigint := (SELECT id FROM rq.units WHERE name = '平桥区税务局');\n"
    "  e1 rq.enterprises := (SELECT e FROM rq.enterprises e WHERE uscc = '91411502MA9F00001A');\n"
    "  e2 rq.enterprises := (SELECT e FROM rq.enterprises e WHERE uscc = '91411503MA9F00002U');\n"
    "  v_visit bigint; v_case bigint; v_at timestamptz;\n"
    "  d record;\n"
    "BEGIN\n"
    "  PERFORM pg_advisory_xact_lock(hashtext('rq.demo_visits')); -- two loads at once\n"
    /* the rows below need the schema up to 0042 (a case's official); tests/schema/upgrade
     * loads the demo into the previous release's schema first, which gets no visits */
    "  IF (SELECT max(version) FROM public.schema_migrations) < 42 THEN RETURN; END IF;\n"
    "  IF EXISTS (SELECT 1 FROM rq.visits WHERE account_id = v_off) THEN RETURN; END IF;\n"
    "  INSERT INTO rq.official_profiles (account_id, name, unit_id, post, cert_no, phone)\n"
    "  VALUES (v_off, '陈明', v_unit, '执法科科员', 'ZF41150001', '13800000001')\n"
    "  ON CONFLICT (account_id) DO NOTHING;\n"
    "  FOR d IN SELECT * FROM (VALUES\n"
    "      (e1, 'visit', NULL, '走访了解企业春茶生产与用工情况', NULL, 2, 'satisfied', false,"
    "       NULL::text),\n"
    "      (e2, 'inspection', 'joint', '安全生产联合检查（与平桥区税务局）',"
    "       '《中华人民共和国安全生产法》第六十五条', 40, 'basically_satisfied', true, NULL),\n"
    "      (e1, 'research', NULL, '调研企业融资需求和用地困难', NULL, 10, 'unsatisfied', false,"
    "       '等候时间过长，未提前告知来访时间'))"
    "    AS x(e, activity, joint, matter, basis, days, rating, anon, comment) LOOP\n"
    "    v_at := date_trunc('day', now()) - make_interval(days => d.days) + interval '10 hours';\n"
    "    INSERT INTO rq.visits (enterprise_id, code_id, county_code, account_id, unit_id,\n"
    "        official_name, official_post, official_cert_no, official_phone, official_verified,\n"
    "        activity_type, joint_kind, matter, legal_basis, registered_at, entered_at,\n"
    "        latitude, longitude, accuracy_m, location_refused, distance_m, confirmation,\n"
    "        finished_at, result_done)\n"
    "    VALUES ((d.e).id, (SELECT c.id FROM rq.codes c WHERE c.enterprise_id = (d.e).id"
    "             AND c.status = 'active'), (d.e).county_code, v_off, v_unit,\n"
    "        '陈明', '执法科科员', 'ZF41150001', '13800000001', true, d.activity, d.joint,"
    "        d.matter, d.basis, v_at, v_at, (d.e).latitude, (d.e).longitude, 12, false, 35,"
    "        'confirmed', v_at + interval '3 hours', '已听取企业意见，相关诉求已转有关部门办理')\n"
    "    RETURNING id INTO v_visit;\n"
    "    INSERT INTO rq.visit_units (visit_id, unit_id, role, enterprise_id, entered_at,"
    "        activity_type)\n"
    "    SELECT v_visit, u, r, (d.e).id, v_at, d.activity FROM (VALUES (v_unit, 'lead'),"
    "        (CASE WHEN d.joint IS NOT NULL THEN v_tax END, 'participant')) p(u, r)"
    "     WHERE u IS NOT NULL;\n"
    "    INSERT INTO rq.visit_answers (visit_id, decision, account_id, answered_at)"
    "    VALUES (v_visit, 'confirmed', v_mgr, v_at + interval '1 hour');\n"
    "    INSERT INTO rq.evaluations (visit_id, enterprise_id, unit_id, county_code, value,"
    "        comment, anonymous, rated_at)"
    "    VALUES (v_visit, (d.e).id, v_unit, (d.e).county_code, d.rating, d.comment, d.anon,"
    "        v_at + interval '1 day');\n"
    "    INSERT INTO rq.evaluation_raters (visit_id, account_id, name, phone)"
    "    VALUES (v_visit, v_mgr, (d.e).legal_rep, '13900000002');\n"
    "    IF d.rating = 'unsatisfied' THEN\n"
    "      INSERT INTO rq.cases (source, status, visit_id, official_account_id, enterprise_id,"
    "          unit_id, county_code, description, opened_at, classification, outcome,"
    "          determined_at, closing, closed_at, step_started_at)"
    "      VALUES ('rating', 'closed', v_visit, v_off, (d.e).id, v_unit, (d.e).county_code,"
    "          d.comment, v_at + interval '1 day', 'attitude', 'unsubstantiated',"
    "          v_at + interval '4 days', 'determined', v_at + interval '4 days',"
    "          v_at + interval '4 days')"
    "      RETURNING id INTO v_case;\n"
    "      INSERT INTO rq.case_events (case_id, kind, status, created_at)"
    "      VALUES (v_case, 'opened', 'open', v_at + interval '1 day'),"
    "             (v_case, 'status_changed', 'closed', v_at + interval '4 days');\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "END\n"
    "$demo$",
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
		puts("demo data loaded (units, enterprises, accounts, codes, visits)");
		print_demo_codes(c, cfg);
	} else
		cli_rollback(c);
	PQfinish(c);
	return rc;
}
