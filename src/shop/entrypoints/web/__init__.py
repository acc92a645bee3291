"""What every HTTP request shares: metrics, request logs, log formats."""
