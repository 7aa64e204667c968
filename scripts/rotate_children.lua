-- wrk script: each request asks for the ranked matches of the next child
-- in a list (round robin), so a load test does not measure one child's
-- answer over and over. Usage:
--   wrk -s scripts/rotate_children.lua URL -- PATH_PREFIX CHILDREN_FILE QUERY
-- where requests go to PATH_PREFIX .. child .. "/matches" .. QUERY.
local prefix, children, query, next_child = nil, {}, "", 1

function init(args)
  prefix = args[1]
  for line in io.lines(args[2]) do
    if line ~= "" then children[#children + 1] = line end
  end
  query = args[3] or ""
  -- Threads start at different children.
  next_child = (math.random(#children) - 1)
end

function request()
  next_child = next_child % #children + 1
  return wrk.format("GET", prefix .. children[next_child] .. "/matches" .. query)
end
