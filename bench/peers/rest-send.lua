-- wrk script: POST /api/v1/users/u<random>/messages with a small JSON body to USERS (env, default 1000) users.
local users = tonumber(os.getenv("USERS") or "1000")
local body = '{"data":{"text":"hello from wrk","n":42}}'
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("POST", "/api/v1/users/u" .. math.random(0, users - 1) .. "/messages", headers, body)
end
