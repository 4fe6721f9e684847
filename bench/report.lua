-- wrk script: at the end of a run, print one machine-readable line that
-- the run.sh scripts parse (bench/lib.sh's run_wrk and field). Used on its
-- own for GET runs (it defines no response hook, so wrk does not hand every
-- response to Lua and the GET figures stay wrk's own); scripts that make
-- their own requests (comments/post.lua, scale/urls.lua) load it.
--
-- The line: BENCH requests=N seconds=S rps=R bytes=B p50_ms=.. p99_ms=..
--           max_ms=.. err_connect=.. err_read=.. err_write=.. err_timeout=..
--           err_status=.. [extra fields]
-- err_status is wrk's count of answers with a status of 400 or more.

function bench_report(summary, latency, extra)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local line = string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f bytes=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
      .. " err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d",
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status)
  io.write(line .. (extra or "") .. "\n")
end

done = function(summary, latency, requests)
  bench_report(summary, latency)
end
