//! The HTTP tier: the real server on a loopback port with a fresh SQLite
//! file per test, called as a browser or another system would. One binary,
//! one harness (`common`), a module per feature.
// Tests compare against the real clock.
#![allow(clippy::disallowed_methods)]

mod common;

mod agenda;
mod cases;
mod crash;
mod dashboard;
mod demo;
mod evaluation;
mod evidence;
mod fund;
mod interface;
mod operations;
mod retention;
mod runs;
mod security;
mod sessions_and_users;
mod setup;
mod upgrade;
