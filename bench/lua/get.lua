-- GET scenarios (JWKS, discovery).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
