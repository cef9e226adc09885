-- Shared by the POST scripts: counts answers whose body shows success (a plain substring, so
-- LuaJIT does no JSON parsing) and prints the total over all threads when wrk is done.
threads = {}
ok = 0

function setup(thread)
  table.insert(threads, thread)
end

function count_if(status, body, marker, refusal)
  if status == 200 and body:find(marker, 1, true) and not (refusal and body:find(refusal, 1, true)) then
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("ok")
  end
  io.write(string.format("successes: %d\n", total))
end
