-- A client-authenticated form POST (client_secret_basic, RFC 6749 §2.3.1): the token endpoint
-- with grant_type=client_credentials, or introspection with token=... . The body comes from
-- BENCH_BODY, the base64 client_id:secret from BENCH_BASIC.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")
