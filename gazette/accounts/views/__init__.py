"""Pages and form targets of reader accounts, one module per resource."""
