//! How long work reports how far it has come.
//!
//! The service knows no terminal: the command line draws a bar from these
//! calls, a server can stream them as events, tests ignore them
//! ([`Quiet`]).

/// Receives the progress of long work, from the thread that does it.
pub trait Progress: Sync {
    /// A new stage begins ("reading", "resolving", "indexing"), over
    /// `length` items.
    fn stage(&self, name: &str, length: u64);
    /// `done` more items of the stage are done.
    fn advance(&self, done: u64);
    /// Something the person should know that does not stop the work (a
    /// model file missing, and what that costs).
    fn warn(&self, message: &str);
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _name: &str, _length: u64) {}
    fn advance(&self, _done: u64) {}
    fn warn(&self, _message: &str) {}
}
