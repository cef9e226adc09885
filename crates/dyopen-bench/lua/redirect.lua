-- GET /{code} over codes picked at random from the file named after `--` (one code per line).
local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = "/" .. line
  end
  math.randomseed(tonumber(args[2]) or os.time())
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
