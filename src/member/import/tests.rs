//! Tests of the import planner.
