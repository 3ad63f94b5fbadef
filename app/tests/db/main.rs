//! The database tier: every query of `app::db` and the services above it
//! against a real SQLite file. One binary, one fixture, a module per feature.
// Tests compare against the real clock.
#![allow(clippy::disallowed_methods)]

mod fixture;

mod agreements;
mod config;
mod evaluations;
mod ledger;
mod users;
