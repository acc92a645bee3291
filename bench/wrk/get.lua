-- A plain GET of the URL given on wrk's command line (wrk's static fast path), plus the report.
require("report")
