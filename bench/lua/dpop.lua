-- client_credentials with a fresh DPoP proof per request (RFC 9449): the proofs are read from
-- BENCH_PROOFS (one per line, made by `examples/dpop_proofs.rs`) and each is sent once; when
-- they run out the run is void (replays would be refused). Otherwise as post_form.lua.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local proofs = {}
for line in io.lines(os.getenv("BENCH_PROOFS")) do
  proofs[#proofs + 1] = line
end
local next_proof = 0
request = function()
  next_proof = next_proof + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC"),
    ["DPoP"] = proofs[next_proof] or "exhausted",
  }
  return wrk.format("POST", nil, headers, os.getenv("BENCH_BODY"))
end
