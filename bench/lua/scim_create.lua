-- POST /scim/v2/Users, each request a new user `bench-<n>` (n from 1), with a name, an email
-- address and an externalId, no password (SCIM provisioning without one; a password would
-- measure argon2), numbered up to BENCH_USERS plus a margin (wrk may build a request it never
-- sends); bench/scim.sh times until BENCH_USERS exist and stops wrk. BENCH_TOKEN is the Bearer
-- access token. Run with one wrk thread, so the counter is shared by every connection.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local total = tonumber(os.getenv("BENCH_USERS") or "100000")
local sent = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/scim+json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
request = function()
  sent = sent + 1
  if sent > total + 64 then
    -- Nothing left to create: a harmless read keeps the connection busy until wrk stops.
    return wrk.format("GET", "/scim/v2/ServiceProviderConfig", nil, "")
  end
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bench-%d",' ..
    '"name":{"givenName":"Bench","familyName":"User %d"},' ..
    '"emails":[{"value":"bench-%d@example.com","primary":true}],"externalId":"hr-%d"}',
    sent, sent, sent, sent)
  return wrk.format(nil, "/scim/v2/Users", nil, body)
end
