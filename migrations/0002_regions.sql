-- 0002_regions.sql — the city of Xinyang and the areas inside it.
--
-- Every unit, enterprise and county admin is placed in one of these. A county admin
-- (县区营商办) sees only rows of their region (design §2, §8).

CREATE TABLE rq.regions (
    -- GB/T 2260 administrative division code (6 digits) for the city, districts and
    -- counties. Functional zones have none; see the rows with gb2260 = false below.
    code        text PRIMARY KEY CHECK (code ~ '^\d{6}$'),
    name        text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 50),
    -- city: 信阳市 itself; district: 市辖区; county: 县; zone: 管理区/开发区 (functional
    -- zones run by the city, which the notice addresses as "管理（开发）区").
    kind        text NOT NULL CHECK (kind IN ('city', 'district', 'county', 'zone')),
    -- Every area but the city belongs to a parent; the city has none.
    parent_code text REFERENCES rq.regions (code) ON UPDATE CASCADE,
    -- true when code is a real GB/T 2260 code, false for the platform's own zone codes.
    gb2260      boolean NOT NULL,
    CONSTRAINT regions_parent_iff_not_city CHECK ((kind = 'city') = (parent_code IS NULL)),
    -- Only functional zones may carry a code of our own making.
    CONSTRAINT regions_local_code_only_for_zones CHECK (gb2260 OR kind = 'zone')
);
COMMENT ON TABLE rq.regions IS
    'city, districts, counties (GB/T 2260 codes) and functional zones (platform codes) of Xinyang';

GRANT SELECT ON rq.regions TO ruqima_app, ruqima_report;

-- Under audit before the data goes in, so the seed rows themselves are on record
-- (actor 'system', request 'migrate-0002').
SELECT audit.enable('rq.regions', 'code');

INSERT INTO rq.regions (code, name, kind, parent_code, gb2260) VALUES
    ('411500', '信阳市', 'city', NULL, true);

INSERT INTO rq.regions (code, name, kind, parent_code, gb2260) VALUES
    ('411502', '浉河区', 'district', '411500', true),
    ('411503', '平桥区', 'district', '411500', true),
    ('411521', '罗山县', 'county',   '411500', true),
    ('411522', '光山县', 'county',   '411500', true),
    ('411523', '新县',   'county',   '411500', true),
    ('411524', '商城县', 'county',   '411500', true),
    ('411525', '固始县', 'county',   '411500', true),
    ('411526', '潢川县', 'county',   '411500', true),
    ('411527', '淮滨县', 'county',   '411500', true),
    ('411528', '息县',   'county',   '411500', true);

-- Functional zones (管理区/开发区). They are not administrative divisions and have no
-- GB/T 2260 code. 411590..411594 are the platform's own codes, chosen in a range that
-- GB/T 2260 leaves unused under 4115, pending the statistical codes (统计用区划代码)
-- the city assigns them; when those arrive, a migration re-codes these rows (every
-- foreign key to rq.regions is ON UPDATE CASCADE for that reason, and the cascaded
-- changes are audited like any other).
INSERT INTO rq.regions (code, name, kind, parent_code, gb2260) VALUES
    ('411590', '信阳高新技术产业开发区', 'zone', '411500', false),
    ('411591', '羊山新区',               'zone', '411500', false),
    ('411592', '上天梯非金属矿管理区',   'zone', '411500', false),
    ('411593', '南湾湖风景区管理区',     'zone', '411500', false),
    ('411594', '鸡公山管理区',           'zone', '411500', false);
