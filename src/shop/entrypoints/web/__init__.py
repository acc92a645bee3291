"""HTTP plumbing shared by every API resource."""
