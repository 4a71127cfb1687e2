//! What tests create before they start: users, clients, roles and groups, each made the way an
//! operator would, with the CLI.

use super::TestApp;

impl TestApp {
    /// Creates a user with the CLI; returns its subject.
    pub async fn create_user(&self, username: &str, password: &str) -> String {
        let v = self
            .cli_json(
                &[
                    "user",
                    "create",
                    "--username",
                    username,
                    "--email",
                    &format!("{username}@example.com"),
                    "--name",
                    "Test User",
                    "--password-stdin",
                    "--json",
                ],
                Some(&format!("{password}\n")),
            )
            .await;
        v["id"].as_str().expect("user id").to_string()
    }

    /// Creates a client with the CLI; returns (client_id, client_secret).
    pub async fn create_client(&self, args: &[&str]) -> (String, Option<String>) {
        let mut full = vec!["client", "create", "--json"];
        full.extend_from_slice(args);
        let v = self.cli_json(&full, None).await;
        (
            v["client_id"].as_str().expect("client_id").to_string(),
            v["client_secret"].as_str().map(str::to_string),
        )
    }

    /// A confidential client (client_secret_basic) allowed client_credentials; `extra` are
    /// more `client create` flags. Returns (client_id, secret).
    pub async fn service_client(&self, extra: &[&str]) -> (String, String) {
        let mut args = vec!["--name", "Svc", "--grant-type", "client_credentials"];
        args.extend_from_slice(extra);
        let (id, secret) = self.create_client(&args).await;
        (id, secret.expect("a confidential client has a secret"))
    }

    /// A confidential client (client_secret_basic) allowed the refresh_token grant.
    pub async fn refresh_client(&self) -> (String, String) {
        let (id, secret) = self
            .create_client(&[
                "--name",
                "Web",
                "--grant-type",
                "refresh_token",
                "--grant-type",
                "client_credentials",
                "--scope",
                "openid profile email offline_access api",
            ])
            .await;
        (id, secret.expect("secret"))
    }

    /// Creates a role holding `permissions` (`resource:action`).
    pub async fn create_role(&self, name: &str, permissions: &[&str]) {
        let mut args = vec!["role", "create", "--name", name, "--json"];
        for p in permissions {
            args.extend(["--permission", p]);
        }
        self.cli_json(&args, None).await;
    }

    /// Gives `role` to the user `username`.
    pub async fn add_user_role(&self, username: &str, role: &str) {
        self.cli_json(
            &[
                "user",
                "add-role",
                "--username",
                username,
                "--role",
                role,
                "--json",
            ],
            None,
        )
        .await;
    }

    /// Takes `role` from the user `username`.
    pub async fn remove_user_role(&self, username: &str, role: &str) {
        self.cli_json(
            &[
                "user",
                "remove-role",
                "--username",
                username,
                "--role",
                role,
                "--json",
            ],
            None,
        )
        .await;
    }

    /// Puts the user `username` in `group`.
    pub async fn add_user_group(&self, username: &str, group: &str) {
        self.cli_json(
            &[
                "user",
                "add-group",
                "--username",
                username,
                "--group",
                group,
                "--json",
            ],
            None,
        )
        .await;
    }

    /// Gives `role` to the client `client_id`.
    pub async fn add_client_role(&self, client_id: &str, role: &str) {
        self.cli_json(
            &[
                "client",
                "add-role",
                "--client-id",
                client_id,
                "--role",
                role,
                "--json",
            ],
            None,
        )
        .await;
    }

    /// Takes `role` from the client `client_id`.
    pub async fn remove_client_role(&self, client_id: &str, role: &str) {
        self.cli_json(
            &[
                "client",
                "remove-role",
                "--client-id",
                client_id,
                "--role",
                role,
                "--json",
            ],
            None,
        )
        .await;
    }
}
