-- wrk script: posts the article's comment form, one new comment per request.
-- The URL given to wrk is the form's action, /articles/<slug>/comments.
--
-- Environment:
--   FORM_TOKEN  the hidden form_token served with the article's form; a token
--               stays valid for a day and may be posted many times
--   RUN_TAG     letters and digits, unique to this wrk run; every comment's
--               text and e-mail carry it, so run.sh can count this run's
--               comments in the store
--
-- Each comment's text and e-mail are unique (tag, thread, counter), so the
-- duplicate rule (same text and e-mail within a day) never fires. Answers are
-- counted per thread: 303 (the comment was taken) and anything else. wrk runs
-- each thread in its own Lua state, so setup() keeps a handle on every thread
-- and done() adds up their counters.

local token = os.getenv("FORM_TOKEN") or error("FORM_TOKEN is not set")
local tag = os.getenv("RUN_TAG") or error("RUN_TAG is not set")
assert(tag:match("^%w+$"), "RUN_TAG must be letters and digits only")

local function form_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local threads = {}

setup = function(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

-- Runs inside each thread's own Lua state: these globals are per thread.
init = function(args)
  sent, accepted, other = 0, 0, 0
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  fixed_fields = "&url=&website_confirm=&form_token=" .. form_encode(token)
end

request = function()
  sent = sent + 1
  local who = string.format("%s-%d-%d", tag, thread_no, sent)
  local body = "comment=" .. form_encode("Benchmark comment " .. who
      .. ": a reader's note on the argument, long enough to look like a real one.")
    .. "&author=" .. form_encode("Bench Reader " .. who)
    .. "&email=" .. form_encode("reader-" .. who .. "@bench.example")
    .. fixed_fields
  return wrk.format("POST", nil, headers, body)
end

response = function(status, headers, body)
  if status == 303 then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../report.lua")

done = function(summary, latency, requests)
  local a, o = 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    o = o + thread:get("other")
  end
  bench_report(summary, latency, string.format(" accepted=%d other=%d", a, o))
end
