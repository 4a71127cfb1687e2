//! Expired rows are purged; live ones are kept.

use tessera::store::NewRefreshFamily;

use crate::common::flow::PASSWORD;
use crate::common::spawn_app;

#[tokio::test]
async fn purge_removes_only_expired_rows() {
    let app = spawn_app().await;
    let store = app.store().await;
    let sub = app.create_user("alice", PASSWORD).await;
    let (client, _) = app
        .create_client(&[
            "--name",
            "Web",
            "--redirect-uri",
            "https://app.example.com/cb",
        ])
        .await;
    let now = app.now();
    for (id, family_expires) in [("old", now - 10), ("live", now + 3600)] {
        store
            .create_refresh_family(&NewRefreshFamily {
                family_id: id,
                client_id: &client,
                user_id: &sub,
                scope: "openid",
                auth_time: now,
                amr: "pwd",
                session_id: None,
                now,
                family_expires_at: family_expires,
                token_hash: &format!("hash-{id}"),
                token_expires_at: family_expires,
                access_jti: None,
                dpop_jkt: None,
            })
            .await
            .unwrap();
    }
    store
        .revoke_jti("expired-jti", now - 1, now - 100)
        .await
        .unwrap();
    store.revoke_jti("live-jti", now + 600, now).await.unwrap();

    let purged = store.purge_expired(now).await.unwrap();
    assert_eq!(purged.refresh_families, 1);
    assert_eq!(purged.revoked_jtis, 1);
    assert!(
        store.is_jti_revoked("live-jti").await.unwrap(),
        "a live revocation is kept"
    );
    assert!(!store.is_jti_revoked("expired-jti").await.unwrap());
    assert_eq!(
        store.purge_expired(now).await.unwrap().total(),
        0,
        "idempotent"
    );
    store.close().await;
}

#[tokio::test]
async fn purge_forgets_the_clients_of_sessions_that_are_over() {
    let app = spawn_app().await;
    let store = app.store().await;
    // Purged as of a later time, so the server's own purge (at its time) touches neither.
    let now = app.now() + 1000;
    store
        .remember_session_client("over", "client-a", now - 100, now - 10)
        .await
        .unwrap();
    store
        .remember_session_client("live", "client-a", now, now + 3600)
        .await
        .unwrap();
    // A later code in a session moves its expiry instead of adding a row.
    store
        .remember_session_client("live", "client-a", now, now + 7200)
        .await
        .unwrap();

    let purged = store.purge_expired(now).await.unwrap();
    assert_eq!(purged.session_clients, 1);
    assert!(store.take_session_clients("over").await.unwrap().is_empty());
    assert_eq!(
        store.take_session_clients("live").await.unwrap(),
        vec!["client-a".to_string()]
    );
    assert!(
        store.take_session_clients("live").await.unwrap().is_empty(),
        "taken once"
    );
    store.close().await;
}
