"""HTTP plumbing every request shares: metrics, request logs, log formats, CORS, bearer parsing."""
