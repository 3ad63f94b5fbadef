//! The read-access trail with group commit. Every case opened is in the
//! audit trail before its page is sent; views that arrive together share one
//! write transaction, so a busy afternoon costs a few writes a second, not
//! one per page (each write also empties the other connections' page caches).

use tokio::sync::{mpsc, oneshot};

use crate::db::{self, Pool};
use crate::error::AppError;

/// One view to record.
#[derive(Debug)]
pub struct Access {
    pub at: String,
    pub actor_id: i64,
    pub actor_name: String,
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: String,
    pub address: String,
}

type Pending = (Access, oneshot::Sender<bool>);

/// At most this many views per transaction.
const BATCH: usize = 256;

/// The handle requests record through; the writer task lives as long as one exists.
#[derive(Clone, Debug)]
pub struct AccessLog {
    queue: mpsc::Sender<Pending>,
}

impl AccessLog {
    /// Starts the writer on the current tokio runtime.
    pub fn start(pool: Pool) -> Self {
        let (queue, mut incoming) = mpsc::channel::<Pending>(4 * BATCH);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while incoming.recv_many(&mut batch, BATCH).await > 0 {
                let written = write(&pool, &batch).await;
                if let Err(e) = &written {
                    tracing::error!(error = %e, views = batch.len(), "recording case views failed");
                }
                for (_, done) in batch.drain(..) {
                    let _ = done.send(written.is_ok());
                }
            }
        });
        AccessLog { queue }
    }

    /// Returns once the view is committed; an error means it was not recorded.
    pub async fn record(&self, access: Access) -> Result<(), AppError> {
        let (done, committed) = oneshot::channel();
        self.queue
            .send((access, done))
            .await
            .map_err(|_| AppError::Internal)?;
        match committed.await {
            Ok(true) => Ok(()),
            _ => Err(AppError::Internal),
        }
    }
}

async fn write(pool: &Pool, batch: &[Pending]) -> Result<(), sqlx::Error> {
    let events: Vec<db::audit::NewEvent<'_>> = batch
        .iter()
        .map(|(a, _)| db::audit::NewEvent {
            at: a.at.clone(),
            actor_id: Some(a.actor_id),
            actor_name: &a.actor_name,
            action: a.action,
            object_type: a.object_type,
            object_id: Some(a.object_id.clone()),
            before: None,
            after: None,
            address: Some(&a.address),
        })
        .collect();
    // SQLite caps the bound parameters per statement (32,766): 256 × 9 fits.
    db::audit::record_all(pool, &events).await
}
