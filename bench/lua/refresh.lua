-- refresh_token grant with rotation: every response carries a new refresh token, and the one
-- just used is dead (reuse would revoke the family). So tokens are a pool: a request takes one
-- out, its response puts the successor back. Seed the pool (BENCH_REFRESH_TOKENS, one per line)
-- with at least as many tokens as connections, and run wrk with one thread.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
-- Run N (BENCH_RUN) takes its own BENCH_REFRESH_PER_RUN lines: a token used in one run is dead.
local run = tonumber(os.getenv("BENCH_RUN") or "1")
local per = tonumber(os.getenv("BENCH_REFRESH_PER_RUN") or "64")
local pool, n = {}, 0
for line in io.lines(os.getenv("BENCH_REFRESH_TOKENS")) do
  n = n + 1
  if n > (run - 1) * per and n <= run * per and #line > 0 then pool[#pool + 1] = line end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")
request = function()
  local t = table.remove(pool) or "pool-exhausted"
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. t)
end
response = function(status, headers, body)
  local t = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if t then pool[#pool + 1] = t end
end
