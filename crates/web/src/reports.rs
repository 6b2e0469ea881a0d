//! The reports the workspace keeps.
//!
//! The report reads the whole case; made from the derived store alone, it
//! stays true while the store's generation stays. Each kept report is
//! filed under its date and clearance with the generation it was made
//! from. When the store moves on, the first reader makes the new report
//! and the others are given the one kept meanwhile: the report of a
//! consistent earlier state (as a snapshot taken a moment before would
//! read), never a mix, and never many readers making the same report at
//! once.

use std::sync::{Arc, Mutex, MutexGuard};

use casefile_app::Snapshot;
use casefile_app::types::Report;

use crate::WebError;

/// How many reports are kept (one per date and clearance asked for).
const KEPT: usize = 8;

/// What a report is filed under: the day it is as of, and whether
/// protected material counts.
type Key = (jiff::civil::Date, bool);

struct Kept {
    key: Key,
    generation: u64,
    report: Arc<Report>,
    /// A reader is making this key's report for a newer generation.
    making: bool,
}

/// The kept reports, shared by every request.
#[derive(Default)]
pub(crate) struct Reports {
    kept: Mutex<Vec<Kept>>,
}

impl Reports {
    fn lock(&self) -> MutexGuard<'_, Vec<Kept>> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The report of `snapshot` as of `date`, with protected material when
    /// `cleared`: kept, made now, or (while another reader makes it) the
    /// one kept of an earlier generation.
    pub(crate) fn report(
        &self,
        snapshot: &Snapshot,
        date: jiff::civil::Date,
        cleared: bool,
    ) -> Result<Arc<Report>, WebError> {
        let key = (date, cleared);
        let generation = snapshot.generation()?;
        {
            let mut kept = self.lock();
            if let Some(k) = kept.iter_mut().find(|k| k.key == key) {
                if k.generation >= generation || k.making {
                    return Ok(k.report.clone());
                }
                k.making = true;
            }
        }
        // Whatever happens, this reader is no longer making it.
        struct Done<'a>(&'a Reports, Key);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                if let Some(k) = self.0.lock().iter_mut().find(|k| k.key == self.1) {
                    k.making = false;
                }
            }
        }
        let _done = Done(self, key);
        let report = Arc::new(snapshot.report(date, cleared)?);
        let mut kept = self.lock();
        match kept.iter_mut().find(|k| k.key == key) {
            Some(k) if k.generation > generation => {}
            Some(k) => {
                k.generation = generation;
                k.report = report.clone();
            }
            None => {
                if kept.len() >= KEPT {
                    kept.remove(0);
                }
                kept.push(Kept {
                    key,
                    generation,
                    report: report.clone(),
                    making: false,
                });
            }
        }
        Ok(report)
    }
}
