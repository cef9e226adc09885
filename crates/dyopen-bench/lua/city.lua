-- City binding adds (bind_type 2), each from the next "token path" line of the file (args: file,
-- first line), so that every request is a new target that can succeed; counts err_no 0.
local pairs_ = {}
local next_ = 1

function init(args)
  for line in io.lines(args[1]) do
    local token, path = line:match("^(%S+) (%S+)$")
    pairs_[#pairs_ + 1] = { token, path }
  end
  next_ = tonumber(args[2]) or 1
end

function request()
  local p = pairs_[((next_ - 1) % #pairs_) + 1]
  next_ = next_ + 1
  return wrk.format("POST", nil, { ["access-token"] = p[1], ["Content-Type"] = "application/json" },
    '{"bind_type":2,"region_id":"440300","path":"' .. p[2] .. '"}')
end

function response(status, headers, b)
  count_if(status, b, '"err_no":0')
end
