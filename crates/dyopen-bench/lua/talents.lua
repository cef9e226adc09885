-- update_orient_talents over the exclusive tasks listed in a file (args: token, appid, file):
-- request i acts on task i mod T with ten ids of chunk (i / T) mod K, adding them the first time
-- round and cancelling them the next, so every call can succeed (a cancelled talent re-added
-- uses no new slot); counts envelopes with error 0 and no refused id.
local token, appid
local tasks = {}
local K = 10
local i = 0

function init(args)
  token, appid = args[1], args[2]
  for line in io.lines(args[3]) do
    tasks[#tasks + 1] = line
  end
end

function request()
  local T = #tasks
  local task = tasks[(i % T) + 1]
  local chunk = math.floor(i / T) % K
  local op = (math.floor(i / (T * K)) % 2) + 1
  i = i + 1
  local ids = {}
  for j = 0, 9 do
    ids[#ids + 1] = '"t' .. chunk .. '_' .. j .. '"'
  end
  local body = '{"access_token":"' .. token .. '","appid":"' .. appid .. '","task_id":' .. task
    .. ',"op_type":' .. op .. ',"douyin_ids":[' .. table.concat(ids, ",") .. ']}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, b)
  count_if(status, b, '"error":0', "请求失败")
end
