-- The SSO code flow of a person already signed in who already consented: GET the authorization
-- endpoint with a session cookie (answered with a redirect carrying a code), then POST the code
-- to the token endpoint (client_secret_basic, PKCE verifier). Codes are a pool: an authorization
-- response puts its code in, the next request takes it out, so at any moment a connection is in
-- one of the two steps, as a real client would be. One flow = one token response with an ID
-- token; the RESULT line reports flows/s (and the latency of single requests: a flow is two).
-- Env: BENCH_SSO_COOKIES (one Cookie header per line, from seed_sso.py), BENCH_AUTHORIZE (path
-- and query, with a fixed code_challenge), BENCH_TOKEN_PATH, BENCH_TOKEN_BODY (the form without
-- the code, ending in "&code="), BENCH_BASIC.
local cookies = {}
for line in io.lines(os.getenv("BENCH_SSO_COOKIES")) do
  if #line > 0 then cookies[#cookies + 1] = line end
end
local authorize = os.getenv("BENCH_AUTHORIZE")
local token_path = os.getenv("BENCH_TOKEN_PATH")
local token_body = os.getenv("BENCH_TOKEN_BODY")
local token_headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC"),
}
local codes, turn = {}, 0
flows, lost = 0, 0

request = function()
  local code = table.remove(codes)
  if code then
    return wrk.format("POST", token_path, token_headers, token_body .. code)
  end
  turn = turn % #cookies + 1
  return wrk.format("GET", authorize, { ["Cookie"] = cookies[turn] })
end

response = function(status, headers, body)
  local location = headers["Location"] or headers["location"]
  if location then
    local code = location:match("[?&]code=([^&]+)")
    if code then codes[#codes + 1] = code else lost = lost + 1 end
  elseif status == 200 and body:find('"id_token"', 1, true) then
    flows = flows + 1
  else
    lost = lost + 1
  end
end

local threads = {}
setup = function(thread) threads[#threads + 1] = thread end

done = function(summary, latency, requests)
  local n, bad = 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("flows")
    bad = bad + t:get("lost")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    n / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    n, bad + e.connect + e.read + e.write + e.status + e.timeout))
end
