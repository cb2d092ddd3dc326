-- Pairs: every connection creates servers and builds them. A request is the build of a server
-- its thread created (POST /api/v1/servers/{id}/build) when one waits, otherwise a create
-- (POST /api/v1/servers for USER_ID on hypervisor 1); a completed build is a pair. done()
-- prints PAIRS=N, the builds of all threads, for bench/perf.sh.
--   wrk ... -H "Authorization: Bearer TOKEN" -s bench/lua/pairs.lua URL -- USER_ID
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function headers()
  local h = { ["Content-Type"] = "application/json" }
  for k, v in pairs(wrk.headers) do
    h[k] = v
  end
  return h
end

function init(args)
  created, builds = {}, 0
  create = wrk.format("POST", "/api/v1/servers", headers(),
    '{"packageId":1,"userId":' .. (args[1] or "1") .. ',"hypervisorId":1}')
end

function request()
  local id = table.remove(created)
  if id then
    return wrk.format("POST", "/api/v1/servers/" .. id .. "/build", headers(), '{"operatingSystemId":1,"name":"perf"}')
  end
  return create
end

function response(status, _, body)
  if status == 201 then
    local id = body:match('^{"data":{"id":(%d+)')
    if id then
      table.insert(created, id)
    end
  elseif status == 200 then
    builds = builds + 1
  end
end

function done()
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get("builds")
  end
  io.write(string.format("PAIRS=%d\n", n))
end
