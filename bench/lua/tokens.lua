-- Random token: each request carries a bearer token drawn at random from a file (one a line),
-- so a file of 10,000 --any-token worlds spreads the reads over them; a file of one token
-- gives the one-world baseline with the same script overhead.
--   wrk ... -s bench/lua/tokens.lua URL -- TOKENS_FILE PATH
local tokens, path = {}, "/"
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  path = args[2] or "/"
  math.randomseed(os.time() + 7919 * (tonumber(id) or 0))
end

function request()
  local t = tokens[math.random(#tokens)]
  return wrk.format("GET", path, { Authorization = "Bearer " .. t })
end
