"""Pure transformations: extracted frames in, warehouse-shaped frames out. No I/O."""
