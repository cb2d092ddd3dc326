-- Create: every request is POST /api/v1/servers for one user on hypervisor 1.
--   wrk ... -s bench/lua/create.lua URL -- USER_ID
function init(args)
  wrk.method = "POST"
  wrk.path = "/api/v1/servers"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"packageId":1,"userId":' .. (args[1] or "1") .. ',"hypervisorId":1}'
end
