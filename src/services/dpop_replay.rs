//! Recording accepted DPoP proofs with group commit (RFC 9449 §11.1).
//!
//! Every accepted proof must be written where every instance sees it before the request is
//! answered, or a proof replayed to another instance would pass. One commit per proof made the
//! database the bottleneck of DPoP requests, so concurrent proofs share one statement: a request
//! queues its proof and waits; whoever finds no write under way starts a writer task, which
//! takes everything queued, records it with one `INSERT … RETURNING`, answers each waiter, and
//! repeats until the queue is empty. Alone, a request pays one task hand-off; under load, one
//! commit serves many. Duplicates inside one batch are settled here: the first is new, the rest
//! are replays.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::store::{MAX_PROOFS_PER_STATEMENT, Store, StoreError};

/// A proof waiting for the writer, and where its answer goes.
struct Waiting {
    hash: String,
    until: i64,
    answer: oneshot::Sender<Option<bool>>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiting>,
    writing: bool,
}

/// The queue of proofs to record. Cheap to share.
#[derive(Clone, Default)]
pub struct ReplayLog {
    queue: Arc<Mutex<Queue>>,
}

impl ReplayLog {
    /// Records `hash` until `until`: `Ok(false)` when it was recorded before (a replay).
    pub async fn record(
        &self,
        store: &Store,
        hash: String,
        until: i64,
    ) -> Result<bool, StoreError> {
        let (answer, answered) = oneshot::channel();
        let start_writer = {
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            q.waiting.push(Waiting {
                hash: hash.clone(),
                until,
                answer,
            });
            !std::mem::replace(&mut q.writing, true)
        };
        if start_writer {
            // A task of its own: the writer must finish even if this request is dropped.
            tokio::spawn(write_all(self.queue.clone(), store.clone()));
        }
        match answered.await {
            Ok(Some(new)) => Ok(new),
            // The batch failed (or the writer is gone): this proof alone, with its own error.
            Ok(None) | Err(_) => store.remember_dpop_proof(&hash, until).await,
        }
    }
}

/// The writer: batches until the queue is empty.
async fn write_all(queue: Arc<Mutex<Queue>>, store: Store) {
    loop {
        let batch = {
            let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
            if q.waiting.is_empty() {
                q.writing = false;
                return;
            }
            let n = q.waiting.len().min(MAX_PROOFS_PER_STATEMENT);
            q.waiting.drain(..n).collect::<Vec<_>>()
        };
        write_batch(&store, batch).await;
    }
}

async fn write_batch(store: &Store, batch: Vec<Waiting>) {
    let mut seen = HashSet::new();
    let unique: Vec<(String, i64)> = batch
        .iter()
        .filter(|w| seen.insert(w.hash.as_str()))
        .map(|w| (w.hash.clone(), w.until))
        .collect();
    match store.remember_dpop_proofs(&unique).await {
        Ok(mut new) => {
            for w in batch {
                // `remove`: a second copy of the same proof in this batch is a replay.
                let _ = w.answer.send(Some(new.remove(&w.hash)));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, proofs = batch.len(), "recording DPoP proofs together failed; each is retried alone");
            for w in batch {
                let _ = w.answer.send(None);
            }
        }
    }
}
