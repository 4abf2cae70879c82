"""Numbers the reports draw that take more than SQL: computed in the build, read by the notebooks."""
