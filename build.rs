//! Rebuilds when a migration is added or renamed: `sqlx::migrate!` embeds the `migrations/`
//! folder at compile time but cannot tell Cargo to watch it (the sqlx documentation's advice).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
