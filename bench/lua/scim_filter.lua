-- GET /scim/v2/Users?filter=userName eq "bench-<n>" for a random n in 1..BENCH_USERS: the
-- look-up a provisioning client makes before each create or update. BENCH_TOKEN is the
-- Bearer access token (scim:read).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local users = tonumber(os.getenv("BENCH_USERS") or "100000")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
math.randomseed(os.time())
request = function()
  local n = math.random(1, users)
  return wrk.format("GET", "/scim/v2/Users?filter=userName%20eq%20%22bench-" .. n .. "%22")
end
