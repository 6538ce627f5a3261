//! Integration tests: the real server on a random port with a fresh database, on SQLite and
//! (when HOMEWARD_TEST_POSTGRES is set) PostgreSQL. One binary, as zero-to-production does.

mod audit;
mod connections;
mod dataset;
mod hardening;
mod helpers;
mod list_export;
mod matching;
mod openapi;
mod ops;
mod permissions;
mod prevention;
mod records;
mod reports;
mod scale_out;
mod sessions;
mod story;
mod workflow;
