-- wrk script for GET /healthz (the server's ceiling): only the response accounting of status.lua.
package.path = (os.getenv("BENCH_LOAD_DIR") or "bench/load") .. "/?.lua;" .. package.path
require("status")

wrk.method = "GET"
wrk.path = "/healthz"
