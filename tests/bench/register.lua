-- tests/bench/register.lua — wrk script of tests/bench/register: POST
-- /api/v1/registration/visits as the bench officials, each request with a new
-- Idempotency-Key, a random official (bearer session) and a random enterprise of the data
-- set (tests/bench/register_data.sql numbers them), the phone's location near the
-- enterprise. The same spread as the pgbench script (register_pgbench.sql):
--   activity   45 % visit, 45 % research, 10 % inspection (legal basis, an exemption so
--              that a quiet day does not refuse it, an over-cap reason in case)
--   location   95 % within ~200 m, 3 % up to ~3 km away (mostly far_away), 2 % refused
-- Arguments (after --): session token prefix, sessions, enterprises, run tag.
-- Prints the answers by status at the end, and p50/p99 in microseconds.

local counties_lat = { 32.12, 32.20, 32.20, 32.01, 31.64, 31.80, 32.17, 32.13, 32.47, 32.34 }
local counties_lon = { 114.06, 114.20, 114.51, 114.92, 114.88, 115.41, 115.65, 115.05, 115.42, 114.74 }

local threads = {}
local next_id = 0

function setup(thread)
	next_id = next_id + 1
	thread:set("id", next_id)
	table.insert(threads, thread)
end

local prefix, sessions, enterprises, tag
local counter = 0
-- globals: done() reads them from each thread
statuses = {}
sample = nil -- the first answer other than 201

function init(args)
	prefix = args[1]
	sessions = tonumber(args[2])
	enterprises = tonumber(args[3])
	tag = args[4]
	math.randomseed(os.time() * 1000 + id)
end

-- where enterprise n is (register_data.sql: bench_lat, bench_lon)
local function place(n)
	local c = n % 10 + 1
	return counties_lat[c] + ((n * 7919) % 1001 - 500) / 10000.0,
		counties_lon[c] + ((n * 104729) % 1001 - 500) / 10000.0
end

function request()
	counter = counter + 1
	local k = math.random(1, sessions)
	local n = math.random(1, enterprises)
	local act = math.random(1, 100)
	local where = math.random(1, 100)
	local lat, lon = place(n)
	local spread = where <= 3 and 20000 or 1500 -- millionths of a degree
	local location
	if where > 98 then
		location = '{"refused": true}' -- the space: pgbench would read ":true" as a variable
	else
		location = string.format('{"latitude":%.6f,"longitude":%.6f,"accuracy":%d}',
			lat + math.random(-spread, spread) / 1e6, lon + math.random(-spread, spread) / 1e6,
			math.random(5, 60))
	end
	local token = string.format("rqbench%017d", n)
	local body
	if act <= 90 then
		body = string.format('{"token":"%s","activity_type":"%s","matter":"%s","location":%s}',
			token, act <= 45 and "visit" or "research",
			act <= 45 and "走访了解企业生产经营情况" or "调研企业用工和融资困难，宣讲惠企政策",
			location)
	else
		body = string.format('{"token":"%s","activity_type":"inspection","matter":"安全生产现场检查",'
			.. '"legal_basis":"《中华人民共和国安全生产法》第六十五条",'
			.. '"companions":[{"name":"基准同行人","unit":"基准单位","cert_no":"BQ-0001"}],'
			.. '"exemption":{"category":"complaint_report","reason":"群众投诉举报，需现场核查"},'
			.. '"over_cap_reason":"投诉举报核查","location":%s}', token, location)
	end
	return wrk.format("POST", "/api/v1/registration/visits", {
		["Authorization"] = string.format("Bearer %s%06d", prefix, k),
		["Idempotency-Key"] = string.format("%s-%d-%08d", tag, id, counter),
		["Content-Type"] = "application/json",
	}, body)
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	if status ~= 201 and sample == nil then
		sample = status .. " " .. body
	end
end

function done(summary, latency)
	local total = {}
	for _, t in ipairs(threads) do
		for s, c in pairs(t:get("statuses") or {}) do
			total[s] = (total[s] or 0) + c
		end
	end
	local keys = {}
	for s in pairs(total) do
		table.insert(keys, s)
	end
	table.sort(keys)
	for _, s in ipairs(keys) do
		io.write(string.format("status %s %d\n", s, total[s]))
	end
	for _, t in ipairs(threads) do
		local body = t:get("sample")
		if body then
			io.write("sample " .. body:gsub("\n", " ") .. "\n")
			break
		end
	end
	io.write(string.format("p50_us %d\np99_us %d\n", latency:percentile(50), latency:percentile(99)))
end
