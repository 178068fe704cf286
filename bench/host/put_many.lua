-- Conditional PUTs on many documents: wrk thread k owns documents
-- "k-0" … "k-(DOCS-1)" and, with one connection per thread, knows each one's
-- version from the ETag of its last answer, so every write names the
-- version it read (If-Match) and should succeed. Answers other than 200
-- are counted and reported.
dofile("common.lua")
counted = { "refused" }

function init(args)
  docs = tonumber(args[1] or "1000")
  versions = {}
  next_doc = 0
  current = nil
  refused = 0
end

function request()
  current = id .. "-" .. next_doc
  next_doc = (next_doc + 1) % docs
  local headers = { ["Content-Type"] = "application/json" }
  local version = versions[current]
  if version then
    headers["If-Match"] = '"' .. version .. '"'
  else
    headers["If-None-Match"] = "*"
  end
  return wrk.format("PUT", "/api/docs/" .. current, headers,
                    '{"title":"Task ' .. current .. '","status":"doing","estimate":3,"tags":["ui","api"]}')
end

function response(status, headers, body)
  if status == 200 or status == 201 then
    versions[current] = tonumber(headers["X-Version"])
  else
    refused = refused + 1
  end
end
