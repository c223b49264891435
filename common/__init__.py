"""What every stage shares: the data folder layout, the clock, Vietnamese text, numbers
and dates, reporting periods, the unit tree, the catalog and the civil-service calendar.
Imports nothing of the project."""
