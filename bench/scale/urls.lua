-- wrk script: GETs spread over a whole archive. Each request picks at random:
-- 80% an article page, 10% a tag page, 10% the home page.
--
-- Environment:
--   PATHS_FILE  the paths to pick from, one per line ("/", "/tags/...",
--               "/articles/..."), as bench/scale/generate.py writes them
--
-- Every thread reads the file in its own Lua state and seeds its own random
-- generator, so the threads walk different sequences.

local file = os.getenv("PATHS_FILE") or error("PATHS_FILE is not set")

local articles, tags, home = {}, {}, {}
for path in io.lines(file) do
  if path:sub(1, 10) == "/articles/" then
    articles[#articles + 1] = path
  elseif path:sub(1, 6) == "/tags/" then
    tags[#tags + 1] = path
  elseif path == "/" then
    home[#home + 1] = path
  end
end
assert(#articles > 0 and #tags > 0 and #home > 0, file .. " lacks articles, tags or /")

local thread_no = 0
setup = function(thread)
  thread_no = thread_no + 1
  thread:set("seed", thread_no * 7919)
end

init = function(args)
  math.randomseed(seed or 1)
end

request = function()
  local roll = math.random(100)
  local path
  if roll <= 80 then
    path = articles[math.random(#articles)]
  elseif roll <= 90 then
    path = tags[math.random(#tags)]
  else
    path = home[1]
  end
  return wrk.format("GET", path)
end

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "../report.lua")
