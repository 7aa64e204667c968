//! Recording runs with group commit: requests hand their run to one writer
//! task, which records everything waiting in one transaction (one sync to
//! disk) and then answers each request. A request is answered only after its
//! run is on disk, so an acknowledged answer is always in the audit; under
//! load, many runs share one commit instead of queueing for one each.

use tokio::sync::{mpsc, oneshot};

use crate::error::ApiError;
use crate::store::{NewRun, Store};

/// Most runs recorded in one transaction.
pub const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<String, ApiError>>;

/// The handle requests record their runs through.
#[derive(Clone)]
pub struct Recorder {
    queue: mpsc::Sender<(NewRun, Reply)>,
}

impl Recorder {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(store: Store) -> Result<Recorder, ApiError> {
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| ApiError::Internal("the run recorder needs a tokio runtime".into()))?;
        let (queue, pending) = mpsc::channel(4 * MAX_BATCH);
        handle.spawn(write(store, pending));
        Ok(Recorder { queue })
    }

    /// Records `run`; returns its id once it is on disk.
    pub async fn record(&self, run: NewRun) -> Result<String, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((run, reply))
            .await
            .map_err(|_| ApiError::Internal("the run recorder has stopped".into()))?;
        answer
            .await
            .map_err(|_| ApiError::Internal("the run recorder has stopped".into()))?
    }
}

async fn write(store: Store, mut pending: mpsc::Receiver<(NewRun, Reply)>) {
    while let Some(first) = pending.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match pending.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (runs, replies): (Vec<NewRun>, Vec<Reply>) = batch.into_iter().unzip();
        match store.record_runs(runs).await {
            Ok(results) => {
                for (result, reply) in results.into_iter().zip(replies) {
                    let _ = reply.send(result.map(|r| r.id).map_err(ApiError::from));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "runs could not be recorded");
                for reply in replies {
                    let _ = reply.send(Err(ApiError::Internal(format!(
                        "the run could not be recorded: {e}"
                    ))));
                }
            }
        }
    }
}
