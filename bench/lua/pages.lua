-- Rotating pages: each request reads the next page of GET /api/v1/servers, 1..PAGES then
-- round again (each wrk thread keeps its own counter, started at a different page).
--   wrk ... -s bench/lua/pages.lua URL -- PAGES [RESULTS]
local pages, results, page = 1, 100, 0
local threads = 0

function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  pages = tonumber(args[1]) or 1
  results = tonumber(args[2]) or 100
  page = (tonumber(first) or 0) * math.floor(pages / 2)
end

function request()
  page = page % pages + 1
  return wrk.format("GET", "/api/v1/servers?results=" .. results .. "&page=" .. page)
end
