//! Cluster resilience (issue 7, items 2 and 3): an instance killed mid-load, and a database
//! that goes away and comes back.

mod outage;
mod sigkill;
