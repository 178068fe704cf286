-- PATCH with a server-side merge on every request: each connection edits its
-- own document, always naming the version *before* the latest, so the
-- server merges the change three ways onto the latest (X-Merged). The
-- previous request touched another field, so every merge is clean.
dofile("common.lua")
counted = { "refused", "merged" }

function init(args)
  version = nil
  refused = 0
  merged = 0
  n = 0
end

function request()
  local path = "/api/docs/merge-" .. id
  if not version then
    return wrk.format("PUT", path, { ["Content-Type"] = "application/json", ["If-None-Match"] = "*" }, '{"title":"Merged"}')
  end
  n = n + 1
  local headers = { ["Content-Type"] = "application/merge-patch+json",
                    ["If-Match"] = '"' .. math.max(version - 1, 1) .. '"' }
  return wrk.format("PATCH", path, headers, '{"f' .. (n % 50) .. '":' .. n .. '}')
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then refused = refused + 1 end
  if headers["X-Merged"] then merged = merged + 1 end
  if headers["X-Version"] then version = tonumber(headers["X-Version"]) end
end
