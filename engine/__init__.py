"""Everything that runs diagrams. Imports db/, never api/ or Flask."""
