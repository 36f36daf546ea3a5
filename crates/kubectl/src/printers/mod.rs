//! kubectl's output formatting as pure functions over API objects: the
//! `get` tables (`printers.go`), `-o yaml`/`-o json`, `describe` and the
//! helpers they share (ages, tab alignment). Nothing here reads a clock:
//! callers pass `now_ms` (Unix milliseconds of the virtual clock).

pub mod age;
pub mod describe;
pub mod get;
pub mod get_sets;
pub mod table;
pub mod yaml;

pub use age::{human_duration, short_human_duration};
pub use describe::{
    describe_config_map, describe_cron_job, describe_deployment, describe_job, describe_namespace,
    describe_node, describe_pod, describe_replica_set, describe_secret, describe_service_account,
    join_describes,
};
pub use get::{events_table, table, TableOptions};
pub use table::{no_resources_message, render_tables, TabWriter, Table};
pub use yaml::{list_value, to_json, to_yaml};
