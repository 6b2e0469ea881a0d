//! Reading and resolving what uploads logged, in the background.
//!
//! An upload answers once its bytes are in the log under a signed
//! checkpoint. Reading it, resolving the case's entities again and
//! bringing the search index up to date cost as much as the whole case,
//! so they are left to one thread that runs [`Case::sync`] whenever
//! something was logged since its last run: a script that uploads
//! thousands of files gets one sync per batch that arrived while the
//! previous sync ran, not one per file. Readers keep reading the derived
//! store as it stood until each sync commits. After each sync the thread
//! rests as long as the sync took, so that readers have the machine at
//! least half the time while a script uploads.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use casefile_app::{Case, Quiet};

/// The longest the thread rests between two syncs.
const MOST_REST: Duration = Duration::from_secs(30);

/// The background reader of a workspace; dropping it stops its thread
/// once the sync under way (if any) ends.
pub(crate) struct Deriver {
    poke: mpsc::Sender<()>,
    /// The log size the last sync of this thread began at (ended, well
    /// or not).
    done: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Deriver {
    /// Starts the thread over `case` (the handle that can seal). It syncs
    /// only when poked: the server syncs the case before it serves.
    pub(crate) fn start(case: Arc<Case>) -> Deriver {
        let (poke, wanted) = mpsc::channel::<()>();
        let done = Arc::new(tokio::sync::watch::Sender::new(0));
        let published = done.clone();
        let started = std::thread::Builder::new()
            .name("casefile-deriver".into())
            .spawn(move || {
                while wanted.recv().is_ok() {
                    // Every poke that came while the last sync ran is
                    // answered by this one.
                    while wanted.try_recv().is_ok() {}
                    let size = match case.latest_checkpoint() {
                        Ok((size, _)) => size,
                        Err(error) => {
                            eprintln!("casefile serve: the log could not be read: {error}");
                            continue;
                        }
                    };
                    let began = std::time::Instant::now();
                    if let Err(error) = case.sync(&Quiet) {
                        eprintln!(
                            "casefile serve: reading what was uploaded failed: {error}; \
                             it is tried again at the next upload, or run `casefile sync`"
                        );
                    }
                    // Ended, well or not: a waiting upload form answers,
                    // and the source's page says what is still pending.
                    published.send_replace(size);
                    // Half the time at most: as long again as the sync
                    // took, the machine is the readers' (what arrives
                    // meanwhile waits for the next).
                    std::thread::sleep(began.elapsed().min(MOST_REST));
                }
            });
        if let Err(error) = started {
            eprintln!("casefile serve: uploads will not be read until `casefile sync`: {error}");
        }
        Deriver { poke, done }
    }

    /// Asks for a sync: something was logged.
    pub(crate) fn poke(&self) {
        // The thread is gone only when it could not be started; that was
        // said when it happened.
        let _ = self.poke.send(());
    }

    /// Waits until a sync that began at log size `size` or later has
    /// ended (whether it succeeded: a failure is logged), for at most
    /// `limit`; whether one did.
    pub(crate) async fn through(&self, size: u64, limit: Duration) -> bool {
        let mut done = self.done.subscribe();
        matches!(
            tokio::time::timeout(limit, done.wait_for(|&d| d >= size)).await,
            Ok(Ok(_))
        )
    }
}
