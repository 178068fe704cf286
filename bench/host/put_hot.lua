-- Conditional PUTs on one hot document from every connection: a write that
-- loses the race gets 412 with the current ETag and tries again on it.
-- Successful writes per second = requests - refused.
dofile("common.lua")
counted = { "refused" }

function init(args)
  version = nil
  refused = 0
  n = 0
end

function request()
  n = n + 1
  local headers = { ["Content-Type"] = "application/json" }
  if version then
    headers["If-Match"] = '"' .. version .. '"'
  else
    headers["If-Match"] = "*"
  end
  return wrk.format("PUT", "/api/docs/hot", headers, '{"title":"Hot","n":' .. n .. '}')
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then refused = refused + 1 end
  if headers["X-Version"] then version = tonumber(headers["X-Version"]) end
end
