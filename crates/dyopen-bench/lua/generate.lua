-- POST the same URL-link generation body (args: token, body) on every request; counts err_no 0.
local token, body

function init(args)
  token, body = args[1], args[2]
end

function request()
  return wrk.format("POST", nil, { ["access-token"] = token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, b)
  count_if(status, b, '"err_no":0')
end
