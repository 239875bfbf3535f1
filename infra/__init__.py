"""The stack program: reads the stack config into one validated spec and chooses components from it."""
